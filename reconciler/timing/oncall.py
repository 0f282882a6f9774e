"""The on-call rotations a policy declares, as rotation arithmetic (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reconciler.policy.model import Policy
from reconciler.policy.model import Rotation as RotationSpec
from reconciler.timing import timezones
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


def handoffs(policy: Policy, start: datetime, count: int) -> list[Handoff]:
    """The EOC shifts from the one holding `start`, with the TM on duty as each begins."""
    eoc = rotation_of(policy.on_call.engineer)
    tm = policy.on_call.technical_manager
    tm_rotation = rotation_of(tm.rotation) if tm.rotation else None
    result = []
    for shift, _ in zip(eoc.shifts(start), range(count), strict=False):
        manager = tm_rotation.on_call_at(shift.start) if tm_rotation else tm.person
        result.append(Handoff(shift.start, shift.end, shift.participant, manager))
    return result
