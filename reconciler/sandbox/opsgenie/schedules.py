"""Schedules, rotations, who is on call, overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler.sandbox.opsgenie.core import (
    Answer,
    Refusal,
    _body,
    _done,
    _identifier_kind,
    _new_name,
    _ok,
    _owner,
    _refuse_if_referenced,
    _rename,
    _schedule,
    _user_meta,
    _zone,
    router,
)
from reconciler.sandbox.rotation_engine import WALL_CLOCK, on_call, parse_instant
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

ROTATION_TYPES = {"hourly", "daily", "weekly"}


# -- schedules and rotations ---------------------------------------------------------------------


def _public_schedule(schedule: dict[str, Any], with_rotations: bool) -> dict[str, Any]:
    data = {k: v for k, v in schedule.items() if k != "rotations"}
    if with_rotations:
        data["rotations"] = schedule["rotations"]
    return data


@router.route("GET", "/v2/schedules")
def list_schedules(state: SandboxState, request: Request) -> Answer:
    expand = "rotation" in request.query.get("expand", "")
    schedules = state.data["opsgenie"]["schedules"]
    return _ok([_public_schedule(s, expand) for s in schedules], expandable=["rotation"])


@router.route("GET", "/v2/schedules/{identifier}")
def get_schedule(state: SandboxState, request: Request, identifier: str) -> Answer:
    schedule = _schedule(state.data["opsgenie"], identifier, _identifier_kind(request))
    return _ok(_public_schedule(schedule, True))


@router.route("POST", "/v2/schedules")
def create_schedule(state: SandboxState, request: Request) -> Answer:
    og = state.data["opsgenie"]
    body = _body(request)
    name = _new_name(og, body, "schedule")
    schedule: dict[str, Any] = {
        "id": state.opsgenie_id("schedule"),
        "name": name,
        "description": body.get("description") or "",
        "timezone": _zone(body.get("timezone"), "timezone")
        or og.get("account_timezone", "America/New_York"),
        "enabled": bool(body.get("enabled", True)),
        "ownerTeam": _owner(og, body.get("ownerTeam")),
        "rotations": [],
    }
    for rotation in body.get("rotations") or []:
        schedule["rotations"].append(_rotation(state, rotation))
    og["schedules"].append(schedule)
    return _done(
        "Created", 201, {"id": schedule["id"], "name": name, "enabled": schedule["enabled"]}
    )


@router.route("PATCH", "/v2/schedules/{identifier}")
def update_schedule(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request))
    body = _body(request)
    _rename(og, schedule, body, "schedule")
    if "description" in body:
        schedule["description"] = body["description"] or ""
    if "timezone" in body:
        schedule["timezone"] = _zone(body["timezone"], "timezone")
    if "enabled" in body:
        schedule["enabled"] = bool(body["enabled"])
    if "ownerTeam" in body:
        schedule["ownerTeam"] = _owner(og, body["ownerTeam"])
    return _done("Updated", 200, {"id": schedule["id"], "name": schedule["name"]})


@router.route("DELETE", "/v2/schedules/{identifier}")
def delete_schedule(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request))
    _refuse_if_referenced(og, "schedule", schedule["id"])
    og["schedules"].remove(schedule)
    og["overrides"].pop(schedule["id"], None)
    return _done("Deleted")


def _round_to_half_hour(when: datetime) -> datetime:
    """OpsGenie moves rotation times to the nearest :00 or :30, silently."""
    minutes = when.minute + when.second / 60
    base = when.replace(minute=0, second=0, microsecond=0)
    return base + timedelta(minutes=30 * round(minutes / 30))


def _instant(value: Any, field: str) -> str:
    try:
        when = parse_instant(str(value))
    except ValueError:
        raise Refusal(
            422, "Request body is not processable.", errors={field: f"Invalid date [{value}]"}
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return _round_to_half_hour(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _participants(og: dict[str, Any], given: Any) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not given:
        raise Refusal(
            422, "Request body is not processable.", errors={"participants": "may not be empty"}
        )
    result = []
    for p in given:
        if p.get("type") == "none":
            result.append({"type": "none"})
        elif p.get("type") == "user":
            user = _user_meta(og, p)
            result.append({"type": "user", **user})
        else:
            raise Refusal(422, f"Participant type [{p.get('type')}] is not supported here")
    return result


def _rotation(
    state: SandboxState, body: dict[str, Any], existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    og = state.data["opsgenie"]
    rotation = dict(existing or {"id": state.opsgenie_id("rotation")})
    if existing is None or "type" in body:
        if body.get("type") not in ROTATION_TYPES:
            raise Refusal(
                422,
                "Request body is not processable.",
                errors={"type": f"Invalid rotation type [{body.get('type')}]"},
            )
        rotation["type"] = body["type"]
    if existing is None or "startDate" in body:
        if "startDate" not in body:
            raise Refusal(
                422, "Request body is not processable.", errors={"startDate": "may not be null"}
            )
        rotation["startDate"] = _instant(body["startDate"], "startDate")
    if "endDate" in body:
        rotation["endDate"] = _instant(body["endDate"], "endDate") if body["endDate"] else None
        if rotation["endDate"] and rotation["endDate"] <= rotation["startDate"]:
            raise Refusal(422, "endDate must be after startDate")
    if existing is None or "participants" in body:
        rotation["participants"] = _participants(og, body.get("participants"))
    if existing is None or "length" in body:
        length = body.get("length", 1)
        if not isinstance(length, int) or length < 1:
            raise Refusal(422, "Request body is not processable.", errors={"length": "must be > 0"})
        rotation["length"] = length
    for key in ("name", "timeRestriction"):
        if key in body:
            rotation[key] = body[key]
    rotation.setdefault("name", "")
    return rotation


@router.route("POST", "/v2/schedules/{identifier}/rotations")
def create_rotation(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    rotation = _rotation(state, _body(request))
    schedule["rotations"].append(rotation)
    return _done("Created", 201, {"id": rotation["id"], "name": rotation["name"]})


def _find_rotation(schedule: dict[str, Any], rotation_id: str) -> dict[str, Any]:
    for rotation in schedule["rotations"]:
        if rotation["id"] == rotation_id:
            found: dict[str, Any] = rotation
            return found
    raise Refusal(404, f"Rotation [{rotation_id}] not found")


@router.route("GET", "/v2/schedules/{identifier}/rotations")
def list_rotations(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    return _ok(schedule["rotations"])


@router.route("PATCH", "/v2/schedules/{identifier}/rotations/{rotation_id}")
def update_rotation(
    state: SandboxState, request: Request, identifier: str, rotation_id: str
) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    old = _find_rotation(schedule, rotation_id)
    new = _rotation(state, _body(request), old)
    schedule["rotations"][schedule["rotations"].index(old)] = new
    return _done("Updated", 200, {"id": new["id"], "name": new["name"]})


@router.route("DELETE", "/v2/schedules/{identifier}/rotations/{rotation_id}")
def delete_rotation(
    state: SandboxState, request: Request, identifier: str, rotation_id: str
) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    schedule["rotations"].remove(_find_rotation(schedule, rotation_id))
    return _done("Deleted")


@router.route("GET", "/v2/schedules/{identifier}/on-calls")
def who_is_on_call(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    at = state.now()
    if "date" in request.query:
        try:
            at = parse_instant(request.query["date"])
        except ValueError:
            raise Refusal(422, f"Invalid date [{request.query['date']}]") from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
    usernames = {u["id"]: u["username"] for u in og["users"]}
    rule = og.get("dst_rule", WALL_CLOCK)
    names = on_call(schedule, og["overrides"].get(schedule["id"], []), at, usernames, rule)
    parent = {"id": schedule["id"], "name": schedule["name"], "enabled": schedule["enabled"]}
    if request.query.get("flat", "false") == "true":
        return _ok({"_parent": parent, "onCallRecipients": names})
    by_name = {u["username"]: u for u in og["users"]}
    participants = [{"id": by_name[n]["id"], "name": n, "type": "user"} for n in names]
    return _ok({"_parent": parent, "onCallParticipants": participants})


@router.route("GET", "/v2/schedules/{identifier}/overrides")
def list_overrides(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    return _ok(og["overrides"].get(schedule["id"], []))


@router.route("POST", "/v2/schedules/{identifier}/overrides")
def create_override(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    body = _body(request)
    user = _user_meta(og, body.get("user") or {})
    existing = og["overrides"].setdefault(schedule["id"], [])
    if body.get("alias") and any(o["alias"] == body["alias"] for o in existing):
        # An alias names one override of a schedule [409, as for other names: the spec
        # documents the alias as the override's identifier, not the status].
        raise Refusal(409, f"Override with alias [{body['alias']}] already exists")
    override = {
        "alias": body.get("alias") or state.opsgenie_id("override"),
        "user": {"type": "user", **user},
        "startDate": _instant(body.get("startDate"), "startDate"),
        "endDate": _instant(body.get("endDate"), "endDate"),
        "rotations": [{"id": r["id"]} for r in body.get("rotations") or []],
    }
    existing.append(override)
    return _done("Created", 201, {"alias": override["alias"]})


@router.route("DELETE", "/v2/schedules/{identifier}/overrides/{alias}")
def delete_override(state: SandboxState, request: Request, identifier: str, alias: str) -> Answer:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    found = [o for o in og["overrides"].get(schedule["id"], []) if o["alias"] == alias]
    if not found:
        raise Refusal(404, f"Override with alias [{alias}] not found")
    og["overrides"][schedule["id"]].remove(found[0])
    return _done("Deleted")
