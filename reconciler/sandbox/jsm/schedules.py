"""Schedules, rotations, who is on call, the timeline and overrides (§2.1-§2.4).

Who is on call comes from the sandbox's own rotation engine (written apart from reconcile's
model), fed the JSM shapes: participants are `{type, id}` with account ids, `noone` instead of
OpsGenie's `none`, overrides name a `responder` and `rotationIds`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from reconciler.sandbox.jsm.core import (
    OPS,
    Answer,
    Refusal,
    account,
    answered,
    body_of,
    find,
    instant,
    jsm,
    new_id,
    page,
    refuse_if_referenced,
    router,
    schedule,
    stored,
    team,
)
from reconciler.sandbox.rotation_engine import WALL_CLOCK, on_call, rotation_periods
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request
from reconciler.timing import timezones

ROTATION_TYPES = {"hourly", "daily", "weekly"}
PARTICIPANT_TYPES = {"user", "team", "escalation", "noone"}


def _public_rotation(rotation: dict[str, Any], zone: str) -> dict[str, Any]:
    data = dict(rotation)
    data["startDate"] = answered(rotation["startDate"], zone)
    data["endDate"] = answered(rotation.get("endDate"), zone)
    return data


def _public(found: dict[str, Any], rotations: bool) -> dict[str, Any]:
    data = {k: v for k, v in found.items() if k != "rotations"}
    if rotations:
        data["rotations"] = [_public_rotation(r, found["timezone"]) for r in found["rotations"]]
    return data


@router.route("GET", f"{OPS}/schedules")
def list_schedules(state: SandboxState, request: Request) -> Answer:
    expand = "rotation" in request.query.get("expand", "")
    found = jsm(state)["schedules"]
    if request.query.get("query"):  # a search, not an exact match ([TF] takes the first result)
        found = [s for s in found if request.query["query"].lower() in s["name"].lower()]
    return page(request, "/schedules", [_public(s, expand) for s in found], _expands=["rotation"])


@router.route("GET", f"{OPS}/schedules/{{schedule_id}}")
def get_schedule(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    return 200, _public(schedule(jsm(state), schedule_id), True)


def _zone(value: Any) -> str:
    zone = timezones.canonical(str(value))
    if zone is None:
        raise Refusal(400, f"Invalid timezone {value}")
    return zone


def _name_free(site: dict[str, Any], name: str, except_id: str | None = None) -> None:
    """[Schedule names unique across the site: OpsGenie's rule, assumed kept; unverified.]"""
    if any(s["name"].lower() == name.lower() and s["id"] != except_id for s in site["schedules"]):
        raise Refusal(409, f"A schedule named {name} already exists", "CONFLICT")


@router.route("POST", f"{OPS}/schedules")
def create_schedule(state: SandboxState, request: Request) -> Answer:
    site = jsm(state)
    body = body_of(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(400, "name must not be empty")
    _name_free(site, name)
    if body.get("teamId"):
        team(site, body["teamId"])
    found: dict[str, Any] = {
        "id": new_id(state, "schedule"),
        "name": name,
        "description": body.get("description") or "",
        # §2.1: the default zone is America/New_York, whatever the site's
        "timezone": _zone(body["timezone"]) if body.get("timezone") else "America/New_York",
        "enabled": bool(body.get("enabled", True)),
        "teamId": body.get("teamId") or None,
        "rotations": [],
    }
    for rotation in body.get("rotations") or []:
        found["rotations"].append(_rotation(state, rotation))
    site["schedules"].append(found)
    return 201, _public(found, True)


@router.route("PATCH", f"{OPS}/schedules/{{schedule_id}}")
def update_schedule(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    site = jsm(state)
    found = schedule(site, schedule_id)
    body = body_of(request)
    if "name" in body:
        _name_free(site, body["name"], schedule_id)
        found["name"] = body["name"]
    if "description" in body:
        found["description"] = body["description"] or ""
    if "timezone" in body:
        found["timezone"] = _zone(body["timezone"])
    if "enabled" in body:
        found["enabled"] = bool(body["enabled"])
    if "teamId" in body:  # "" makes the schedule global (§2.1)
        if body["teamId"]:
            team(site, body["teamId"])
        found["teamId"] = body["teamId"] or None
    return 200, _public(found, True)


@router.route("DELETE", f"{OPS}/schedules/{{schedule_id}}")
def delete_schedule(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    site = jsm(state)
    found = schedule(site, schedule_id)
    refuse_if_referenced(site, schedule_id, "schedule")
    site["schedules"].remove(found)
    site["overrides"].pop(schedule_id, None)
    return 204, None


# -- rotations ---------------------------------------------------------------------------------


def _participants(site: dict[str, Any], given: Any) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not given:
        raise Refusal(400, "participants must not be empty")
    result = []
    for p in given:
        kind = p.get("type")
        if kind not in PARTICIPANT_TYPES:
            raise Refusal(400, f"Invalid participant type {kind}")
        if kind == "noone":
            result.append({"type": "noone"})
            continue
        if kind == "user":
            account(site, p.get("id", ""))  # account ids only: an email is refused
        result.append({"type": kind, "id": p["id"]})
    return result


def _rotation(
    state: SandboxState, body: dict[str, Any], existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    site = jsm(state)
    rotation = dict(existing or {"id": new_id(state, "rotation"), "name": "", "length": 1})
    if existing is None or "type" in body:
        if body.get("type") not in ROTATION_TYPES:
            raise Refusal(400, f"Invalid rotation type {body.get('type')}")
        rotation["type"] = body["type"]
    if existing is None or "startDate" in body:
        rotation["startDate"] = stored(instant(body.get("startDate"), "startDate"))
    if "endDate" in body:
        end = body["endDate"]
        rotation["endDate"] = stored(instant(end, "endDate")) if end else None
    if rotation.get("endDate") and rotation["endDate"] <= rotation["startDate"]:
        raise Refusal(400, "endDate must be after startDate")
    if existing is None or "participants" in body:
        rotation["participants"] = _participants(site, body.get("participants"))
    if "length" in body:
        if not isinstance(body["length"], int) or body["length"] < 1:
            raise Refusal(400, "length must be at least 1")
        rotation["length"] = body["length"]
    for key in ("name", "timeRestriction"):
        if key in body:
            rotation[key] = body[key]
    return rotation


def _find_rotation(found: dict[str, Any], rotation_id: str) -> dict[str, Any]:
    return find(found["rotations"], "id", rotation_id, f"No rotation {rotation_id}")


@router.route("GET", f"{OPS}/schedules/{{schedule_id}}/rotations")
def list_rotations(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    found = schedule(jsm(state), schedule_id)
    rotations = [_public_rotation(r, found["timezone"]) for r in found["rotations"]]
    return page(request, f"/schedules/{schedule_id}/rotations", rotations)


@router.route("POST", f"{OPS}/schedules/{{schedule_id}}/rotations")
def create_rotation(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    found = schedule(jsm(state), schedule_id)
    rotation = _rotation(state, body_of(request))
    found["rotations"].append(rotation)
    return 201, _public_rotation(rotation, found["timezone"])


@router.route("PATCH", f"{OPS}/schedules/{{schedule_id}}/rotations/{{rotation_id}}")
def update_rotation(
    state: SandboxState, request: Request, schedule_id: str, rotation_id: str
) -> Answer:
    found = schedule(jsm(state), schedule_id)
    old = _find_rotation(found, rotation_id)
    new = _rotation(state, body_of(request), old)
    found["rotations"][found["rotations"].index(old)] = new
    return 200, _public_rotation(new, found["timezone"])


@router.route("DELETE", f"{OPS}/schedules/{{schedule_id}}/rotations/{{rotation_id}}")
def delete_rotation(
    state: SandboxState, request: Request, schedule_id: str, rotation_id: str
) -> Answer:
    found = schedule(jsm(state), schedule_id)
    found["rotations"].remove(_find_rotation(found, rotation_id))
    return 204, None


# -- who is on call, timeline, overrides -------------------------------------------------------


def engine_shape(found: dict[str, Any], overrides: list[dict[str, Any]]) -> tuple[Any, Any]:
    """The schedule and overrides in the shapes the rotation engine reads."""
    rotations = [
        {
            **r,
            "participants": [
                {"type": "none"} if p["type"] == "noone" else p for p in r["participants"]
            ],
        }
        for r in found["rotations"]
    ]
    engine_overrides = [
        {
            "user": o["responder"] if o["responder"]["type"] == "user" else {"type": "none"},
            "startDate": o["startDate"],
            "endDate": o["endDate"],
            "rotations": [{"id": r} for r in o.get("rotationIds") or []],
        }
        for o in overrides
    ]
    return {**found, "rotations": rotations}, engine_overrides


def _at(state: SandboxState, request: Request) -> datetime:
    if "date" not in request.query:
        return state.now()
    return instant(request.query["date"], "date")


@router.route("GET", f"{OPS}/schedules/{{schedule_id}}/on-calls")
def who_is_on_call(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    site = jsm(state)
    found = schedule(site, schedule_id)
    shaped, overrides = engine_shape(found, site["overrides"].get(schedule_id, []))
    ids = {a["accountId"]: a["accountId"] for a in site["accounts"]}
    rule = site.get("dst_rule", WALL_CLOCK)
    who = on_call(shaped, overrides, _at(state, request), ids, rule)
    if request.query.get("flat", "false") == "true":
        return 200, {"onCallUsers": who}  # account ids, no `data` wrapper (§2.3)
    return 200, {"onCallParticipants": [{"id": a, "type": "user"} for a in who]}


UNITS = {"days": 1, "weeks": 7, "months": 31}


@router.route("GET", f"{OPS}/schedules/{{schedule_id}}/timeline")
def timeline(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    """The base timeline: each rotation's turns [the periods' shape is the spec's TimelinePeriod
    (§2.3); the envelope around them is OpsGenie's, assumed kept: unverified]."""
    site = jsm(state)
    found = schedule(site, schedule_id)
    unit = request.query.get("intervalUnit", "weeks")
    if unit not in UNITS:
        raise Refusal(400, f"Invalid intervalUnit {unit}")
    days = int(request.query.get("interval", "1")) * UNITS[unit]
    if not 1 <= days <= 366:
        raise Refusal(400, "Invalid interval")
    start = _at(state, request)
    end = start + timedelta(days=days)
    shaped, _ = engine_shape(found, [])
    zone = ZoneInfo(found["timezone"])
    rule = site.get("dst_rule", WALL_CLOCK)
    rotations = []
    for order, rotation in enumerate(shaped["rotations"]):
        periods = [
            {
                "startDate": answered(stored(begins), found["timezone"]),
                "endDate": answered(stored(ends), found["timezone"]),
                "type": "base",
                "responder": {"type": holder["type"], "id": holder.get("id")},
            }
            for begins, ends, holder in rotation_periods(rotation, zone, start, end, rule)
        ]
        rotations.append(
            {"id": rotation["id"], "name": rotation["name"], "order": order, "periods": periods}
        )
    return 200, {
        "startDate": stored(start.astimezone(UTC)),
        "endDate": stored(end.astimezone(UTC)),
        "baseTimeline": {"rotations": rotations},
    }


@router.route("GET", f"{OPS}/schedules/{{schedule_id}}/overrides")
def list_overrides(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    site = jsm(state)
    found = schedule(site, schedule_id)
    listed = [
        {
            **o,
            "startDate": answered(o["startDate"], found["timezone"]),
            "endDate": answered(o["endDate"], found["timezone"]),
        }
        for o in site["overrides"].get(schedule_id, [])
    ]
    return page(request, f"/schedules/{schedule_id}/overrides", listed)


@router.route("POST", f"{OPS}/schedules/{{schedule_id}}/overrides")
def create_override(state: SandboxState, request: Request, schedule_id: str) -> Answer:
    site = jsm(state)
    found = schedule(site, schedule_id)
    body = body_of(request)
    responder = body.get("responder") or {}
    if responder.get("type") not in ("user", "noone"):
        raise Refusal(400, "responder.type must be user or noone")
    if responder["type"] == "user":
        account(site, responder.get("id", ""))
    start = instant(body.get("startDate"), "startDate")
    end = instant(body.get("endDate"), "endDate")
    if end <= start:
        raise Refusal(400, "endDate must be after startDate")
    override = {
        "alias": new_id(state, "override"),  # the server's choice (§2.4)
        "responder": {"type": responder["type"], "id": responder.get("id")},
        "startDate": stored(start),
        "endDate": stored(end),
        "rotationIds": body.get("rotationIds"),
    }
    site["overrides"].setdefault(found["id"], []).append(override)
    return 201, override


@router.route("DELETE", f"{OPS}/schedules/{{schedule_id}}/overrides/{{alias}}")
def delete_override(state: SandboxState, request: Request, schedule_id: str, alias: str) -> Answer:
    site = jsm(state)
    schedule(site, schedule_id)
    found = [o for o in site["overrides"].get(schedule_id, []) if o["alias"] == alias]
    if not found:
        raise Refusal(404, f"No override {alias}", "NOT_FOUND")
    site["overrides"][schedule_id].remove(found[0])
    return 204, None
