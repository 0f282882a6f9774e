"""The on-call rotations a policy declares, as rotation arithmetic (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from reconciler.policy.model import Policy
from reconciler.policy.model import Rotation as RotationSpec
from reconciler.timing import timezones
from reconciler.timing.cover import Turn, cover_turns
from reconciler.timing.rotation import Rotation


def rotation_of(spec: RotationSpec) -> Rotation:
    zone = timezones.zone(spec.handoff.time_zone)
    if zone is None:  # validated policies never get here
        raise ValueError(f"unknown time zone {spec.handoff.time_zone!r}")
    return Rotation.from_handoff(
        tuple(spec.participants),
        spec.shift_length.timedelta,
        spec.first_handoff,
        spec.handoff.time,
        zone,
    )


@dataclass(frozen=True)
class Handoff:
    """One handoff: from this instant until `end`, `engineer` is on call and `manager` behind."""

    start: datetime
    end: datetime
    engineer: str
    manager: str | None
    cover: str | None = None  # "for alex.rivera@example.com (holiday)": a cover's turn


def handoffs(
    policy: Policy, start: datetime, count: int, more: tuple[Turn, ...] = ()
) -> list[Handoff]:
    """The EOC shifts from the one holding `start`, with the TM on duty as each begins; a shift
    a cover changes is split where the cover starts and ends, its turn naming whom it covers.
    `more`: turns from elsewhere (overrides made by hand, read live), which win."""
    eoc = rotation_of(policy.on_call.engineer)
    turns = [*more, *cover_turns(policy.cover, eoc)]
    tm = policy.on_call.technical_manager
    tm_rotation = rotation_of(tm.rotation) if tm.rotation else None
    result = []
    for shift, _ in zip(eoc.shifts(start), range(count), strict=False):
        for begins, ends, turn in _pieces(shift.start, shift.end, turns):
            manager = tm_rotation.on_call_at(begins) if tm_rotation else tm.person
            if turn is None:
                result.append(Handoff(begins, ends, shift.participant, manager))
            else:
                whom = turn.replaces or shift.participant
                note = f"for {whom} ({turn.reason})"
                result.append(Handoff(begins, ends, turn.person, manager, note))
    return result


def _pieces(
    start: datetime, end: datetime, turns: list[Turn]
) -> list[tuple[datetime, datetime, Turn | None]]:
    """[start, end) cut where turns begin and end, each piece with the turn holding it."""
    cuts = sorted(
        {start, end} | {t for turn in turns for t in (turn.start, turn.end) if start < t < end}
    )
    pieces = []
    for begins, ends in pairwise(cuts):
        holding = next((t for t in turns if t.start <= begins < t.end), None)
        pieces.append((begins, ends, holding))
    return pieces
