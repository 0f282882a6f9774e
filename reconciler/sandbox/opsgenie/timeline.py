"""A schedule's timeline, from the sandbox's own rotation engine (rotation_engine.py).

GET /v2/schedules/{identifier}/timeline with identifierType, expand (base, override, forwarding),
interval, intervalUnit (days, weeks, months) and date (the spec's parameters). The window starts at
`date` (default: now) and lasts `interval` units [whether OpsGenie moves the start to a day or week
boundary is not documented: the sandbox does not]. `baseTimeline` is the rotations alone;
`finalTimeline` has overrides applied, their turns typed "override". Both come from the same
engine that answers who is on call, with the sandbox's daylight saving switch
(`opsgenie.dst_rule`: wall-clock, the default, or elapsed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reconciler.sandbox.opsgenie.core import (
    Answer,
    Refusal,
    _identifier_kind,
    _ok,
    _schedule,
    router,
)
from reconciler.sandbox.rotation_engine import WALL_CLOCK, parse_instant, rotation_periods
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

UNITS = {"days": 1, "weeks": 7, "months": 31}  # a month as 31 days [sandbox's simplification]
MAX_DAYS = 366  # a longer window is refused, as a bounded read should be [sandbox's choice]


def _window(state: SandboxState, request: Request) -> tuple[datetime, datetime]:
    query = request.query
    try:
        interval = int(query.get("interval", "1"))
    except ValueError:
        raise Refusal(422, f"Invalid interval [{query.get('interval')}]") from None
    unit = query.get("intervalUnit", "weeks")
    if unit not in UNITS:
        raise Refusal(422, f"Invalid intervalUnit [{unit}]")
    days = interval * UNITS[unit]
    if interval < 1 or days > MAX_DAYS:
        raise Refusal(422, f"Invalid interval [{interval}]")
    start = state.now()
    if query.get("date"):
        try:
            start = parse_instant(query["date"])
        except ValueError:
            raise Refusal(422, f"Invalid date [{query['date']}]") from None
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
    return start, start + timedelta(days=days)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _recipient(og: dict[str, Any], participant: dict[str, Any]) -> dict[str, Any]:
    user = next(
        (
            u
            for u in og["users"]
            if u["id"] == participant.get("id") or u["username"] == participant.get("username")
        ),
        None,
    )
    return {
        "type": "user",
        "id": user["id"] if user else participant.get("id", ""),
        "name": user["username"] if user else participant.get("username", ""),
    }


@router.route("GET", "/v2/schedules/{identifier}/timeline")
def timeline(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request))
    start, end = _window(state, request)
    zone = ZoneInfo(schedule.get("timezone") or "UTC")
    rule = og.get("dst_rule", WALL_CLOCK)
    base = []
    for order, rotation in enumerate(schedule.get("rotations") or []):
        periods = [
            {
                "startDate": _iso(a),
                "endDate": _iso(b),
                "type": "default",
                "recipient": _recipient(og, who),
            }
            for a, b, who in rotation_periods(rotation, zone, start, end, rule)
        ]
        base.append(
            {
                "id": rotation["id"],
                "name": rotation.get("name", ""),
                "order": order,
                "periods": periods,
            }
        )
    overrides = og["overrides"].get(schedule["id"], [])
    expand = set((request.query.get("expand") or "").split(","))
    data: dict[str, Any] = {
        "_parent": {"id": schedule["id"], "name": schedule["name"], "enabled": schedule["enabled"]},
        "startDate": _iso(start),
        "endDate": _iso(end),
        "finalTimeline": {"rotations": _with_overrides(og, base, overrides, start, end)},
    }
    if "base" in expand:
        data["baseTimeline"] = {"rotations": base}
    return _ok(data, expandable=["base", "forwarding", "override"])


def _with_overrides(
    og: dict[str, Any],
    base: list[dict[str, Any]],
    overrides: list[dict[str, Any]],
    start: datetime,
    end: datetime,
) -> list[dict[str, Any]]:
    """Each rotation's periods with the overrides that name it (or name none) cut in."""
    final = []
    for rotation in base:
        cuts = [
            (max(parse_instant(o["startDate"]), start), min(parse_instant(o["endDate"]), end), o)
            for o in overrides
            if not o.get("rotations") or rotation["id"] in [r["id"] for r in o["rotations"]]
        ]
        cuts = [c for c in cuts if c[0] < c[1]]
        periods: list[dict[str, Any]] = []
        for period in rotation["periods"]:
            pieces = [(parse_instant(period["startDate"]), parse_instant(period["endDate"]))]
            for a, b, _ in cuts:
                pieces = [p for lo, hi in pieces for p in _minus(lo, hi, a, b)]
            periods += [{**period, "startDate": _iso(lo), "endDate": _iso(hi)} for lo, hi in pieces]
        periods += [
            {
                "startDate": _iso(a),
                "endDate": _iso(b),
                "type": "override",
                "recipient": _recipient(og, o["user"]),
            }
            for a, b, o in cuts
        ]
        final.append({**rotation, "periods": sorted(periods, key=lambda p: p["startDate"])})
    return final


def _minus(lo: datetime, hi: datetime, a: datetime, b: datetime) -> list[tuple[datetime, datetime]]:
    if b <= lo or a >= hi:
        return [(lo, hi)]
    return [(x, y) for x, y in ((lo, a), (b, hi)) if x < y]
