"""Rotation changes that keep who is on call: the live rotation as arithmetic, the rotation to
send, and what the change does to the on-call now and at the next handoffs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reconciler import live
from reconciler.plan.changes import Handoff, OnCallImpact
from reconciler.plan.desired import DesiredRotation
from reconciler.timing import timezones
from reconciler.timing.rotation import Rotation, handover, same_future

SHIFT_UNIT = {
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
}
NOBODY = "(nobody)"
NEXT_HANDOFFS = 4


def as_rotation(rotation: live.ScheduleRotation, zone_name: str | None) -> Rotation | None:
    zone = timezones.zone(zone_name or "UTC") or timezones.zone("UTC")
    if not rotation.participants or rotation.type not in SHIFT_UNIT:
        return None
    people = tuple(p.name if p.type == "user" and p.name else NOBODY for p in rotation.participants)
    assert zone is not None
    return Rotation(
        people, SHIFT_UNIT[rotation.type] * rotation.length, rotation.start.astimezone(zone), zone
    )


def target(desired: DesiredRotation, current: Rotation | None, now: datetime) -> Rotation:
    return handover(current, desired.rotation, now)


def unchanged(
    current: Rotation | None,
    live_rotation: live.ScheduleRotation,
    desired: DesiredRotation,
    sent: Rotation,
    now: datetime,
) -> bool:
    if (
        current is None
        or live_rotation.type != desired.type
        or live_rotation.length != desired.length
    ):
        return False
    if live_rotation.end is not None or live_rotation.time_restriction:
        return False  # limits when it pages, which the policy does not
    horizon = 2 * max(len(sent.participants), len(current.participants)) + 2
    return same_future(current, sent, now, horizon)


def operation_body(desired: DesiredRotation, sent: Rotation) -> dict[str, Any]:
    return {
        "name": desired.name,
        "type": desired.type,
        "length": desired.length,
        "start": sent.anchor.isoformat(),
        "participants": list(sent.participants),
    }


def impact(
    team: str, desired: DesiredRotation, before: Rotation | None, after: Rotation, now: datetime
) -> OnCallImpact:
    return OnCallImpact(
        team=team,
        rotation=f"{desired.schedule}/{desired.name}",
        now_before=_holder(before, now),
        now_after=_holder(after, now),
        next_before=_next(before, now),
        next_after=_next(after, now),
    )


def _holder(rotation: Rotation | None, now: datetime) -> str | None:
    if rotation is None:
        return None
    person = rotation.on_call_at(now)
    return None if person == NOBODY else person


def _next(rotation: Rotation | None, now: datetime) -> tuple[Handoff, ...]:
    if rotation is None:
        return ()
    upcoming = []
    for shift in rotation.shifts(now):
        if shift.start <= now:
            continue
        upcoming.append(
            Handoff(
                shift.start.isoformat(), None if shift.participant == NOBODY else shift.participant
            )
        )
        if len(upcoming) == NEXT_HANDOFFS:
            break
    return tuple(upcoming)
