"""An emulated OpsGenie REST API v2: the subset reconcile uses, with OpsGenie's semantics.

Not canned answers: names are unique (and a schedule may not take a team's name), deleting what
is still referenced answers 428, a new team gets its default schedule, escalation and routing
rule, usernames are lower-cased, zone aliases rewritten, rotation starts rounded to :00 or :30 and
answered in UTC, escalation rules answered in an order of OpsGenie's own, users paged.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from reconciler import timezones
from reconciler.sandbox.http import Request, Response, Router
from reconciler.sandbox.oncall import on_call, parse_instant
from reconciler.sandbox.state import SandboxState

router = Router()
ROTATION_TYPES = {"hourly", "daily", "weekly"}
RIGHTS_FOR = {
    "GET": "read",
    "POST": "create_update",
    "PATCH": "create_update",
    "PUT": "create_update",
    "DELETE": "delete",
}


class Refusal(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


def handle(state: SandboxState, request: Request) -> Response:
    started = time.perf_counter()
    og = state.data["opsgenie"]
    key = request.headers.get("authorization", "")
    if key != f"GenieKey {og['api_key']}":
        return _error(state, 401, "Could not authenticate", started)
    needed = RIGHTS_FOR.get(request.method, "read")
    if needed not in og.get("key_rights", ["read", "create_update", "delete"]):
        return _error(state, 403, "You are not authorized for this operation", started, code=40301)
    found = router.match(request.method, request.path)
    if found is None:
        return _error(state, 404, "No handler found for the path", started)
    if found == "method":
        return _error(state, 405, "Method not allowed", started)
    fn, params = found  # type: ignore[misc]
    try:
        status, data, extra = fn(state, request, **params)
    except Refusal as refusal:
        return _error(state, refusal.status, refusal.message, started, **refusal.extra)
    body = {
        **extra,
        "took": round(time.perf_counter() - started, 3),
        "requestId": state.request_id(),
    }
    if data is not None:
        body["data"] = data
    return Response(status, body, {"X-Request-ID": body["requestId"]})


def _error(
    state: SandboxState, status: int, message: str, started: float, **extra: Any
) -> Response:
    body = {
        "message": message,
        "took": round(time.perf_counter() - started, 3),
        "requestId": state.request_id(),
        **extra,
    }
    return Response(status, body, {"X-Request-ID": body["requestId"]})


def _ok(data: Any = None, status: int = 200, **extra: Any) -> tuple[int, Any, dict[str, Any]]:
    return status, data, extra


def _done(result: str, status: int = 200, data: Any = None) -> tuple[int, Any, dict[str, Any]]:
    return status, data, {"result": result}


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise Refusal(400, "Could not parse the request body as JSON") from None
    if not isinstance(body, dict):
        raise Refusal(422, "Request body is not processable. Please check the errors.")
    return body


def _identifier_kind(request: Request, param: str = "identifierType") -> str:
    kind = request.query.get(param, "id")
    if kind not in ("id", "name"):
        raise Refusal(422, f"Invalid {param} [{kind}]")
    return kind


def _zone(name: str | None, field: str) -> str | None:
    if name is None:
        return None
    canonical = timezones.canonical(name)
    if canonical is None:
        raise Refusal(
            422,
            "Request body is not processable. Please check the errors.",
            errors={field: f"Invalid timezone [{name}]"},
        )
    return canonical


# -- users ---------------------------------------------------------------------------------------


def _user(og: dict[str, Any], identifier: str) -> dict[str, Any]:
    wanted = identifier.lower()
    for user in og["users"]:
        if user["id"] == identifier or user["username"] == wanted:
            return user
    raise Refusal(404, f"User not found with identifier [{identifier}]")


def _user_meta(og: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    ident = given.get("id") or given.get("username") or ""
    try:
        user = _user(og, ident)
    except Refusal:
        raise Refusal(422, f"User [{ident}] does not exist") from None
    return {"id": user["id"], "username": user["username"]}


@router.route("GET", "/v2/users")
def list_users(state: SandboxState, request: Request) -> tuple[int, Any, dict[str, Any]]:
    users = sorted(state.data["opsgenie"]["users"], key=lambda u: u["username"])
    try:
        limit = max(1, min(int(request.query.get("limit", 100)), 100))
        offset = max(0, int(request.query.get("offset", 0)))
    except ValueError:
        raise Refusal(422, "limit and offset must be numbers") from None
    page = users[offset : offset + limit]
    paging = {"first": f"/v2/users?limit={limit}&offset=0"}
    if offset + limit < len(users):
        paging["next"] = f"/v2/users?limit={limit}&offset={offset + limit}"
    if offset > 0:
        paging["prev"] = f"/v2/users?limit={limit}&offset={max(0, offset - limit)}"
    return _ok([_public_user(u) for u in page], totalCount=len(users), paging=paging)


def _public_user(user: dict[str, Any]) -> dict[str, Any]:
    return {
        k: user[k]
        for k in ("id", "username", "fullName", "role", "timeZone", "blocked", "verified")
        if k in user
    }


@router.route("GET", "/v2/users/{identifier}")
def get_user(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    return _ok(_public_user(_user(state.data["opsgenie"], identifier)), expandable=["contact"])


@router.route("GET", "/v2/users/{identifier}/contacts")
def list_contacts(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    return _ok([c for c in og["contacts"].get(user["id"], [])])


@router.route("GET", "/v2/users/{identifier}/notification-rules")
def list_rules(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    rules = og["notification_rules"].get(user["id"], [])
    meta = ("id", "name", "actionType", "order", "enabled")
    return _ok([{k: r[k] for k in meta if k in r} for r in rules])


@router.route("GET", "/v2/users/{identifier}/notification-rules/{rule_id}")
def get_rule(state: SandboxState, request: Request, identifier: str, rule_id: str) -> tuple:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    for rule in og["notification_rules"].get(user["id"], []):
        if rule["id"] == rule_id:
            return _ok(rule)
    raise Refusal(404, f"Notification rule not found with id [{rule_id}]")


# -- teams ---------------------------------------------------------------------------------------


def _team(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for team in og["teams"]:
        if (kind == "id" and team["id"] == identifier) or (
            kind == "name" and team["name"].lower() == identifier.lower()
        ):
            return team
    raise Refusal(404, f"Team with {kind} [{identifier}] not found")


def _name_taken(og: dict[str, Any], name: str, *, kind: str, except_id: str | None = None) -> None:
    lowered = name.lower()
    if kind in ("team", "schedule"):
        # Teams and schedules share a namespace: the trap provider issue #353 reports.
        for team in og["teams"]:
            if team["name"].lower() == lowered and team["id"] != except_id:
                raise Refusal(409, "There is already one Team with same name")
        for schedule in og["schedules"]:
            if schedule["name"].lower() == lowered and schedule["id"] != except_id:
                raise Refusal(409, "There is already one Schedule with same name")
    if kind == "escalation":
        for esc in og["escalations"]:
            if esc["name"].lower() == lowered and esc["id"] != except_id:
                raise Refusal(409, f"Escalation with [name] [{name}] already exists.")


def _members(og: dict[str, Any], members: Any) -> list[dict[str, Any]]:
    if not isinstance(members, list):
        raise Refusal(422, "members must be a list")
    result, seen = [], set()
    for member in members:
        user = _user_meta(og, member.get("user") or {})
        if user["id"] not in seen:
            seen.add(user["id"])
            result.append({"user": user, "role": member.get("role") or "user"})
    return result


@router.route("GET", "/v2/teams")
def list_teams(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    teams = state.data["opsgenie"]["teams"]
    return _ok(
        [
            {"id": t["id"], "name": t["name"], "description": t.get("description", "")}
            for t in teams
        ],
        expandable=["member"],
    )


@router.route("GET", "/v2/teams/{identifier}")
def get_team(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    team = _team(state.data["opsgenie"], identifier, _identifier_kind(request))
    return _ok(team)


@router.route("POST", "/v2/teams")
def create_team(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    body = _body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(422, "Request body is not processable.", errors={"name": "may not be empty"})
    _name_taken(og, name, kind="team")
    team = {
        "id": state.opsgenie_id("team"),
        "name": name,
        "description": body.get("description") or "",
        "members": _members(og, body.get("members") or []),
    }
    og["teams"].append(team)
    _create_team_defaults(state, team)
    return _done("Created", 201, {"id": team["id"], "name": team["name"]})


def _create_team_defaults(state: SandboxState, team: dict[str, Any]) -> None:
    """What OpsGenie makes with every new team: a schedule, an escalation, a routing rule."""
    og = state.data["opsgenie"]
    owner = {"id": team["id"], "name": team["name"]}
    schedule = {
        "id": state.opsgenie_id("schedule"),
        "name": f"{team['name']}_schedule",
        "description": "",
        "timezone": og.get("account_timezone", "America/New_York"),
        "enabled": True,
        "ownerTeam": owner,
        "rotations": [],
    }
    og["schedules"].append(schedule)
    escalation = {
        "id": state.opsgenie_id("escalation"),
        "name": f"{team['name']}_escalation",
        "description": "",
        "ownerTeam": owner,
        "rules": [
            {
                "condition": "if-not-acked",
                "notifyType": "default",
                "delay": {"timeAmount": 0, "timeUnit": "minutes"},
                "recipient": {"type": "schedule", "id": schedule["id"], "name": schedule["name"]},
            }
        ],
    }
    og["escalations"].append(escalation)
    og["routing_rules"][team["id"]] = [
        {
            "id": state.opsgenie_id("routing"),
            "name": "Default Routing Rule",
            "isDefault": True,
            "order": 0,
            "criteria": {"type": "match-all"},
            "timezone": schedule["timezone"],
            "notify": {"type": "escalation", "id": escalation["id"], "name": escalation["name"]},
        }
    ]


@router.route("PATCH", "/v2/teams/{identifier}")
def update_team(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    team = _team(og, identifier)
    body = _body(request)
    if "name" in body:
        _name_taken(og, body["name"], kind="team", except_id=team["id"])
        team["name"] = body["name"]
    if "description" in body:
        team["description"] = body["description"] or ""
    if "members" in body:  # replaces the list
        team["members"] = _members(og, body["members"])
    return _done("Updated", 200, {"id": team["id"], "name": team["name"]})


@router.route("DELETE", "/v2/teams/{identifier}")
def delete_team(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request))
    defaults = {f"{team['name']}_schedule", f"{team['name']}_escalation"}
    for kind in ("schedules", "escalations"):
        for obj in og[kind]:
            owner = (obj.get("ownerTeam") or {}).get("id")
            if owner == team["id"] and obj["name"] not in defaults:
                raise Refusal(428, f"Team is used by {kind[:-1]} [{obj['name']}]")
    og["teams"].remove(team)
    og["routing_rules"].pop(team["id"], None)
    og["escalations"] = [
        e for e in og["escalations"] if (e.get("ownerTeam") or {}).get("id") != team["id"]
    ]
    og["schedules"] = [
        s for s in og["schedules"] if (s.get("ownerTeam") or {}).get("id") != team["id"]
    ]
    return _done("Deleted")


@router.route("POST", "/v2/teams/{identifier}/members")
def add_member(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    body = _body(request)
    user = _user_meta(og, body.get("user") or {})
    team["members"] = [m for m in team["members"] if m["user"]["id"] != user["id"]]
    team["members"].append({"user": user, "role": body.get("role") or "user"})
    return _ok({"id": team["id"]})


@router.route("DELETE", "/v2/teams/{identifier}/members/{member}")
def remove_member(state: SandboxState, request: Request, identifier: str, member: str) -> tuple:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    user = _user(og, member)
    before = len(team["members"])
    team["members"] = [m for m in team["members"] if m["user"]["id"] != user["id"]]
    if len(team["members"]) == before:
        raise Refusal(404, f"User [{member}] is not a member of the team")
    return _done("Deleted")


# -- routing rules -------------------------------------------------------------------------------


def _notify(og: dict[str, Any], notify: Any) -> dict[str, Any]:
    if not isinstance(notify, dict) or notify.get("type") not in ("escalation", "schedule", "none"):
        raise Refusal(422, "Request body is not processable.", errors={"notify": "Invalid notify"})
    if notify["type"] == "none":
        return {"type": "none"}
    pool = og["escalations"] if notify["type"] == "escalation" else og["schedules"]
    for obj in pool:
        if obj["id"] == notify.get("id") or obj["name"] == notify.get("name"):
            return {"type": notify["type"], "id": obj["id"], "name": obj["name"]}
    raise Refusal(
        422, f"{notify['type'].title()} [{notify.get('id') or notify.get('name')}] does not exist"
    )


def _reorder(rules: list[dict[str, Any]]) -> None:
    """Keep the default rule last, and orders 0..n-1."""
    rules.sort(key=lambda r: (r.get("isDefault", False), r["order"]))
    for i, rule in enumerate(rules):
        rule["order"] = i


@router.route("GET", "/v2/teams/{identifier}/routing-rules")
def list_routing(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    return _ok(og["routing_rules"].get(team["id"], []))


@router.route("POST", "/v2/teams/{identifier}/routing-rules")
def create_routing(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    body = _body(request)
    rules = og["routing_rules"].setdefault(team["id"], [])
    if len(rules) >= 100:
        raise Refusal(422, "A team can have at most 100 routing rules")
    rule = {
        "id": state.opsgenie_id("routing"),
        "name": body.get("name") or "",
        "isDefault": False,
        "order": int(body.get("order", len(rules))) - 0.5,
        "criteria": body.get("criteria") or {"type": "match-all"},
        "timezone": _zone(body.get("timezone"), "timezone") or og.get("account_timezone"),
        "notify": _notify(og, body.get("notify")),
    }
    rules.append(rule)
    _reorder(rules)
    return _done("Created", 201, {"id": rule["id"], "name": rule["name"]})


def _routing_rule(og: dict[str, Any], team: dict[str, Any], rule_id: str) -> dict[str, Any]:
    for rule in og["routing_rules"].get(team["id"], []):
        if rule["id"] == rule_id:
            return rule
    raise Refusal(404, f"Routing rule [{rule_id}] not found")


@router.route("PATCH", "/v2/teams/{identifier}/routing-rules/{rule_id}")
def update_routing(state: SandboxState, request: Request, identifier: str, rule_id: str) -> tuple:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    rule = _routing_rule(og, team, rule_id)
    body = _body(request)
    if "order" in body:
        raise Refusal(422, "order cannot be changed by update; use change-order")
    for key in ("name", "criteria"):
        if key in body:
            rule[key] = body[key]
    if "timezone" in body:
        rule["timezone"] = _zone(body["timezone"], "timezone")
    if "notify" in body:
        rule["notify"] = _notify(og, body["notify"])
    return _done("Updated")


@router.route("DELETE", "/v2/teams/{identifier}/routing-rules/{rule_id}")
def delete_routing(state: SandboxState, request: Request, identifier: str, rule_id: str) -> tuple:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    rule = _routing_rule(og, team, rule_id)
    if rule.get("isDefault"):
        raise Refusal(403, "The default routing rule cannot be deleted")
    og["routing_rules"][team["id"]].remove(rule)
    _reorder(og["routing_rules"][team["id"]])
    return _done("Deleted")


# -- schedules and rotations ---------------------------------------------------------------------


def _schedule(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for schedule in og["schedules"]:
        if (kind == "id" and schedule["id"] == identifier) or (
            kind == "name" and schedule["name"].lower() == identifier.lower()
        ):
            return schedule
    raise Refusal(404, f"Schedule with {kind} [{identifier}] not found")


def _owner(og: dict[str, Any], given: Any) -> dict[str, Any] | None:
    if not given:
        return None
    team = _team(og, given.get("id") or given.get("name"), "id" if given.get("id") else "name")
    return {"id": team["id"], "name": team["name"]}


def _public_schedule(schedule: dict[str, Any], with_rotations: bool) -> dict[str, Any]:
    data = {k: v for k, v in schedule.items() if k != "rotations"}
    if with_rotations:
        data["rotations"] = schedule["rotations"]
    return data


@router.route("GET", "/v2/schedules")
def list_schedules(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    expand = "rotation" in request.query.get("expand", "")
    schedules = state.data["opsgenie"]["schedules"]
    return _ok([_public_schedule(s, expand) for s in schedules], expandable=["rotation"])


@router.route("GET", "/v2/schedules/{identifier}")
def get_schedule(state: SandboxState, request: Request, identifier: str) -> tuple[int, Any, dict]:
    schedule = _schedule(state.data["opsgenie"], identifier, _identifier_kind(request))
    return _ok(_public_schedule(schedule, True))


@router.route("POST", "/v2/schedules")
def create_schedule(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    body = _body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(422, "Request body is not processable.", errors={"name": "may not be empty"})
    _name_taken(og, name, kind="schedule")
    schedule = {
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
def update_schedule(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request))
    body = _body(request)
    if "name" in body:
        _name_taken(og, body["name"], kind="schedule", except_id=schedule["id"])
        schedule["name"] = body["name"]
    if "description" in body:
        schedule["description"] = body["description"] or ""
    if "timezone" in body:
        schedule["timezone"] = _zone(body["timezone"], "timezone")
    if "enabled" in body:
        schedule["enabled"] = bool(body["enabled"])
    if "ownerTeam" in body:
        schedule["ownerTeam"] = _owner(og, body["ownerTeam"])
    return _done("Updated", 200, {"id": schedule["id"], "name": schedule["name"]})


def _referrers(og: dict[str, Any], kind: str, obj_id: str) -> list[str]:
    found = []
    if kind == "schedule":
        for esc in og["escalations"]:
            for rule in esc["rules"]:
                if (
                    rule["recipient"].get("type") == "schedule"
                    and rule["recipient"].get("id") == obj_id
                ):
                    found.append(f"escalation [{esc['name']}]")
    for team_id, rules in og["routing_rules"].items():
        for rule in rules:
            if rule["notify"].get("id") == obj_id:
                team = next((t["name"] for t in og["teams"] if t["id"] == team_id), team_id)
                found.append(f"routing rule [{rule['name']}] of team [{team}]")
    return found


@router.route("DELETE", "/v2/schedules/{identifier}")
def delete_schedule(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request))
    users = _referrers(og, "schedule", schedule["id"])
    if users:
        raise Refusal(428, f"Schedule is used by {', '.join(users)}")
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


def _rotation(state: SandboxState, body: dict[str, Any], existing: dict | None = None) -> dict:
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
def create_rotation(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    rotation = _rotation(state, _body(request))
    schedule["rotations"].append(rotation)
    return _done("Created", 201, {"id": rotation["id"], "name": rotation["name"]})


def _find_rotation(schedule: dict[str, Any], rotation_id: str) -> dict[str, Any]:
    for rotation in schedule["rotations"]:
        if rotation["id"] == rotation_id:
            return rotation
    raise Refusal(404, f"Rotation [{rotation_id}] not found")


@router.route("GET", "/v2/schedules/{identifier}/rotations")
def list_rotations(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    return _ok(schedule["rotations"])


@router.route("PATCH", "/v2/schedules/{identifier}/rotations/{rotation_id}")
def update_rotation(state: SandboxState, request: Request, identifier: str, rotation_id: str):
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    old = _find_rotation(schedule, rotation_id)
    new = _rotation(state, _body(request), old)
    schedule["rotations"][schedule["rotations"].index(old)] = new
    return _done("Updated", 200, {"id": new["id"], "name": new["name"]})


@router.route("DELETE", "/v2/schedules/{identifier}/rotations/{rotation_id}")
def delete_rotation(state: SandboxState, request: Request, identifier: str, rotation_id: str):
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    schedule["rotations"].remove(_find_rotation(schedule, rotation_id))
    return _done("Deleted")


@router.route("GET", "/v2/schedules/{identifier}/on-calls")
def who_is_on_call(state: SandboxState, request: Request, identifier: str) -> tuple:
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
    names = on_call(schedule, og["overrides"].get(schedule["id"], []), at, usernames)
    parent = {"id": schedule["id"], "name": schedule["name"], "enabled": schedule["enabled"]}
    if request.query.get("flat", "false") == "true":
        return _ok({"_parent": parent, "onCallRecipients": names})
    by_name = {u["username"]: u for u in og["users"]}
    participants = [{"id": by_name[n]["id"], "name": n, "type": "user"} for n in names]
    return _ok({"_parent": parent, "onCallParticipants": participants})


@router.route("GET", "/v2/schedules/{identifier}/overrides")
def list_overrides(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    return _ok(og["overrides"].get(schedule["id"], []))


@router.route("POST", "/v2/schedules/{identifier}/overrides")
def create_override(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    schedule = _schedule(og, identifier, _identifier_kind(request, "scheduleIdentifierType"))
    body = _body(request)
    user = _user_meta(og, body.get("user") or {})
    override = {
        "alias": body.get("alias") or state.opsgenie_id("override"),
        "user": {"type": "user", **user},
        "startDate": _instant(body.get("startDate"), "startDate"),
        "endDate": _instant(body.get("endDate"), "endDate"),
        "rotations": [{"id": r["id"]} for r in body.get("rotations") or []],
    }
    og["overrides"].setdefault(schedule["id"], []).append(override)
    return _done("Created", 201, {"alias": override["alias"]})


# -- escalations ---------------------------------------------------------------------------------


def _escalation(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for esc in og["escalations"]:
        if (kind == "id" and esc["id"] == identifier) or (
            kind == "name" and esc["name"].lower() == identifier.lower()
        ):
            return esc
    raise Refusal(404, f"Escalation with {kind} [{identifier}] not found")


def _rules(og: dict[str, Any], rules: Any) -> list[dict[str, Any]]:
    if not isinstance(rules, list) or not rules:
        raise Refusal(422, "Request body is not processable.", errors={"rules": "may not be empty"})
    result = []
    for rule in rules:
        recipient = rule.get("recipient") or {}
        kind = recipient.get("type")
        if kind == "user":
            target = {"type": "user", **_user_meta(og, recipient)}
        elif kind == "schedule":
            schedule = _schedule(
                og,
                recipient.get("id") or recipient.get("name"),
                "id" if recipient.get("id") else "name",
            )
            target = {"type": "schedule", "id": schedule["id"], "name": schedule["name"]}
        elif kind == "team":
            team = _team(
                og,
                recipient.get("id") or recipient.get("name"),
                "id" if recipient.get("id") else "name",
            )
            target = {"type": "team", "id": team["id"], "name": team["name"]}
        else:
            raise Refusal(
                422,
                "Request body is not processable.",
                errors={"rules#recipient": f"Invalid recipient type '{kind}'"},
            )
        delay = rule.get("delay") or {}
        result.append(
            {
                "condition": rule.get("condition") or "if-not-acked",
                "notifyType": rule.get("notifyType") or "default",
                "delay": {
                    "timeAmount": int(delay.get("timeAmount", 0)),
                    "timeUnit": delay.get("timeUnit") or "minutes",
                },
                "recipient": target,
            }
        )
    # OpsGenie does not keep the order it was given (provider issue #397); neither do we.
    return sorted(result, key=lambda r: r["recipient"]["id"])


@router.route("GET", "/v2/escalations")
def list_escalations(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    return _ok(state.data["opsgenie"]["escalations"])


@router.route("GET", "/v2/escalations/{identifier}")
def get_escalation(state: SandboxState, request: Request, identifier: str) -> tuple:
    return _ok(_escalation(state.data["opsgenie"], identifier, _identifier_kind(request)))


@router.route("POST", "/v2/escalations")
def create_escalation(state: SandboxState, request: Request) -> tuple[int, Any, dict]:
    og = state.data["opsgenie"]
    body = _body(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(422, "Request body is not processable.", errors={"name": "may not be empty"})
    _name_taken(og, name, kind="escalation")
    esc = {
        "id": state.opsgenie_id("escalation"),
        "name": name,
        "description": body.get("description") or "",
        "ownerTeam": _owner(og, body.get("ownerTeam")),
        "rules": _rules(og, body.get("rules")),
    }
    if body.get("repeat"):
        esc["repeat"] = body["repeat"]
    og["escalations"].append(esc)
    return _done("Created", 201, {"id": esc["id"], "name": name})


@router.route("PATCH", "/v2/escalations/{identifier}")
def update_escalation(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    esc = _escalation(og, identifier, _identifier_kind(request))
    body = _body(request)
    if "name" in body:
        _name_taken(og, body["name"], kind="escalation", except_id=esc["id"])
        esc["name"] = body["name"]
    if "description" in body:
        esc["description"] = body["description"] or ""
    if "rules" in body:
        esc["rules"] = _rules(og, body["rules"])
    if "ownerTeam" in body:
        esc["ownerTeam"] = _owner(og, body["ownerTeam"])
    return _done("Updated", 200, {"id": esc["id"], "name": esc["name"]})


@router.route("DELETE", "/v2/escalations/{identifier}")
def delete_escalation(state: SandboxState, request: Request, identifier: str) -> tuple:
    og = state.data["opsgenie"]
    esc = _escalation(og, identifier, _identifier_kind(request))
    users = _referrers(og, "escalation", esc["id"])
    if users:
        raise Refusal(428, f"Escalation is used by {', '.join(users)}")
    og["escalations"].remove(esc)
    return _done("Deleted")
