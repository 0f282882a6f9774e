"""`cover:` in a policy: time off with who covers, and swaps of two shifts, reviewed like the
rotation itself. Structural only; the rules that need the rotation live in cover_checks.py."""

from __future__ import annotations

from pydantic import Field

from reconciler.policy.model_base import Strict
from reconciler.policy.types import CalendarDate, Email, LocalMoment


class Away(Strict):
    """Someone away, and who covers their turns on call while they are."""

    person: Email = Field(
        description="Who is away: a participant of the engineer rotation.",
        examples=["alex.rivera@example.com"],
    )
    from_: LocalMoment = Field(
        alias="from",
        description="From this date (the start of the day) or date and time, in the rotation's "
        "time zone.",
        examples=["2026-12-21 10:00"],
    )
    to: LocalMoment = Field(
        description="Until this date (through its end) or date and time (exclusive), in the "
        "rotation's time zone. To cover whole shifts, give the handoff times.",
        examples=["2026-12-28 10:00"],
    )
    by: Email = Field(
        description="Who covers: a participant or a member of the team.",
        examples=["blair.chen@example.com"],
    )
    reason: str = Field(
        min_length=1, max_length=100, description="Shown in the plan.", examples=["holiday"]
    )


class Swap(Strict):
    """Two shifts whose engineers trade places, each named by the date it starts."""

    shifts: list[CalendarDate] = Field(
        min_length=2,
        max_length=2,
        description="The start dates of the two shifts, in the rotation's time zone.",
        examples=[["2027-01-04", "2027-01-11"]],
    )
    reason: str = Field(
        min_length=1, max_length=100, description="Shown in the plan.", examples=["family event"]
    )


class Cover(Strict):
    """Time off and swaps: overrides reconcile owns, so re-planning is a no-op and past entries
    stay harmlessly in the file."""

    away: list[Away] = Field(
        default_factory=list,
        description="Each time someone is away, and who covers.",
        examples=[
            [
                {
                    "person": "alex.rivera@example.com",
                    "from": "2026-12-21 10:00",
                    "to": "2026-12-28 10:00",
                    "by": "blair.chen@example.com",
                    "reason": "holiday",
                }
            ]
        ],
    )
    swaps: list[Swap] = Field(
        default_factory=list,
        description="Shifts whose engineers trade places.",
        examples=[[{"shifts": ["2027-01-04", "2027-01-11"], "reason": "family event"}]],
    )
    holidays: list[CalendarDate] = Field(
        default_factory=list,
        description="Public holidays, counted per person by `reconcile schedule --stats`.",
        examples=[["2026-12-25"]],
    )
