"""Who is on call in an emulated OpsGenie schedule at an instant.

Written independently of reconciler.timing.rotation on purpose: the sandbox is the reference our
rotation arithmetic is tested against. OpsGenie semantics: a rotation counts shifts from its
startDate; daily and weekly shifts keep their wall-clock time in the schedule's zone; hourly shifts
are elapsed time; a time restriction limits when the rotation's person is on call; an override
puts its user in place of the rotations it names (all of them if it names none).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


WALL_CLOCK, ELAPSED = "wall-clock", "elapsed"


def shift_start(
    rotation: dict[str, Any], zone: ZoneInfo, k: int, rule: str = WALL_CLOCK
) -> datetime:
    """Where shift `k` of `rotation` starts. `rule` is the sandbox's daylight saving switch:
    OpsGenie's documented behaviour is taken as wall-clock (schedules "use the schedule time
    zone"); `elapsed` is the other reading, for testing the model-mismatch check."""
    start = parse_instant(rotation["startDate"])
    length = int(rotation.get("length") or 1)
    if rotation["type"] == "hourly":
        return start + k * timedelta(hours=length)
    days = length * (7 if rotation["type"] == "weekly" else 1)
    if rule == ELAPSED:
        return start + k * timedelta(days=days)
    local = start.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=k * days), local.timetz()).replace(
        tzinfo=zone
    )


def shift_index(rotation: dict[str, Any], zone: ZoneInfo, at: datetime, rule: str) -> int:
    """The number of the shift holding `at` (negative before the start)."""
    start = parse_instant(rotation["startDate"])
    length = int(rotation.get("length") or 1)
    if rotation["type"] == "hourly":
        step = timedelta(hours=length)
    else:
        step = timedelta(days=length * (7 if rotation["type"] == "weekly" else 1))
    index = int((at - start) // step)
    while index > 0 and shift_start(rotation, zone, index, rule) > at:
        index -= 1
    while shift_start(rotation, zone, index + 1, rule) <= at:
        index += 1
    return index


def rotation_holder(
    rotation: dict[str, Any], zone: ZoneInfo, at: datetime, rule: str = WALL_CLOCK
) -> dict[str, Any] | None:
    """The participant of `rotation` on call at `at` (None: nobody from it)."""
    start = parse_instant(rotation["startDate"])
    if at < start:
        return None
    if rotation.get("endDate") and at >= parse_instant(rotation["endDate"]):
        return None
    index = shift_index(rotation, zone, at, rule)
    participants = rotation.get("participants") or []
    if not participants or index < 0:
        return None
    holder = participants[index % len(participants)]
    if holder.get("type") == "none":
        return None
    if not _within(rotation.get("timeRestriction"), at.astimezone(zone)):
        return None
    found: dict[str, Any] | None = holder
    return found


def _within(restriction: dict[str, Any] | None, local: datetime) -> bool:
    if not restriction:
        return True
    minute = local.hour * 60 + local.minute
    if restriction.get("type") == "time-of-day":
        r = restriction.get("restriction") or {}
        start = r.get("startHour", 0) * 60 + r.get("startMin", 0)
        end = r.get("endHour", 0) * 60 + r.get("endMin", 0)
        return _in_window(minute, start, end, 24 * 60)
    week_minute = local.weekday() * 1440 + minute
    for r in restriction.get("restrictions") or []:
        start = DAYS.index(r["startDay"]) * 1440 + r.get("startHour", 0) * 60 + r.get("startMin", 0)
        end = DAYS.index(r["endDay"]) * 1440 + r.get("endHour", 0) * 60 + r.get("endMin", 0)
        if _in_window(week_minute, start, end, 7 * 1440):
            return True
    return False


def _in_window(point: int, start: int, end: int, cycle: int) -> bool:
    if start == end:
        return True
    if start < end:
        return start <= point < end
    return point >= start or point < end  # wraps past midnight or the week's end


def on_call(
    schedule: dict[str, Any],
    overrides: list[dict[str, Any]],
    at: datetime,
    usernames: dict[str, str],
    rule: str = WALL_CLOCK,
) -> list[str]:
    """Usernames on call in `schedule` at `at`, overrides applied."""
    zone = ZoneInfo(schedule.get("timezone") or "UTC")
    holders: dict[str, str | None] = {}
    for rotation in schedule.get("rotations") or []:
        holder = rotation_holder(rotation, zone, at, rule)
        holders[rotation["id"]] = _username(holder, usernames) if holder else None
    for override in overrides:
        if parse_instant(override["startDate"]) <= at < parse_instant(override["endDate"]):
            who = _username(override["user"], usernames)
            named = [r["id"] for r in override.get("rotations") or []]
            for rotation_id in named or list(holders):
                holders[rotation_id] = who
    return sorted({name for name in holders.values() if name})


def _username(participant: dict[str, Any], usernames: dict[str, str]) -> str | None:
    if participant.get("type", "user") != "user":
        return None
    return participant.get("username") or usernames.get(participant.get("id", ""))


def rotation_periods(
    rotation: dict[str, Any], zone: ZoneInfo, start: datetime, end: datetime, rule: str
) -> list[tuple[datetime, datetime, dict[str, Any]]]:
    """The rotation's turns that overlap [start, end), clipped to it: (from, to, participant).

    Turns of a `none` participant are left out, as OpsGenie's timeline leaves gaps. A time
    restriction is not applied here [a simplification: our rotations never carry one].
    """
    first = parse_instant(rotation["startDate"])
    last = parse_instant(rotation["endDate"]) if rotation.get("endDate") else None
    participants = rotation.get("participants") or []
    if not participants:
        return []
    k = max(shift_index(rotation, zone, max(start, first), rule), 0)
    periods: list[tuple[datetime, datetime, dict[str, Any]]] = []
    while True:
        begins, ends = (
            shift_start(rotation, zone, k, rule),
            shift_start(rotation, zone, k + 1, rule),
        )
        if begins >= end or (last is not None and begins >= last):
            return periods
        ends = min(ends, last) if last is not None else ends
        holder = participants[k % len(participants)]
        if ends > start and holder.get("type") != "none":
            periods.append((max(begins, start), min(ends, end), holder))
        k += 1
