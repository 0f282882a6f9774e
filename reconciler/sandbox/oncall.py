"""Who is on call in an emulated OpsGenie schedule at an instant.

Written independently of reconciler.rotation on purpose: the sandbox is the reference our
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


def rotation_holder(rotation: dict[str, Any], zone: ZoneInfo, at: datetime) -> dict | None:
    """The participant of `rotation` on call at `at` (None: nobody from it)."""
    start = parse_instant(rotation["startDate"])
    if at < start:
        return None
    if rotation.get("endDate") and at >= parse_instant(rotation["endDate"]):
        return None
    length = int(rotation.get("length") or 1)
    if rotation["type"] == "hourly":
        index = int((at - start) // timedelta(hours=length))
    else:
        days = length * (7 if rotation["type"] == "weekly" else 1)
        start_local, at_local = start.astimezone(zone), at.astimezone(zone)
        index = (at_local.date() - start_local.date()).days // days
        boundary = datetime.combine(
            start_local.date() + timedelta(days=index * days), start_local.timetz()
        ).replace(tzinfo=zone)
        if at < boundary:
            index -= 1
    participants = rotation.get("participants") or []
    if not participants or index < 0:
        return None
    holder = participants[index % len(participants)]
    if holder.get("type") == "none":
        return None
    if not _within(rotation.get("timeRestriction"), at.astimezone(zone)):
        return None
    return holder


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
) -> list[str]:
    """Usernames on call in `schedule` at `at`, overrides applied."""
    zone = ZoneInfo(schedule.get("timezone") or "UTC")
    holders: dict[str, str | None] = {}
    for rotation in schedule.get("rotations") or []:
        holder = rotation_holder(rotation, zone, at)
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
