"""Users, teams, members and team routing rules."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.opsgenie.core import (
    Answer,
    Refusal,
    _body,
    _done,
    _identifier_kind,
    _new_name,
    _ok,
    _rename,
    _team,
    _user,
    _user_meta,
    _zone,
    router,
)
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request


@router.route("GET", "/v2/users")
def list_users(state: SandboxState, request: Request) -> Answer:
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
    shown = ("id", "username", "fullName", "role", "timeZone", "blocked", "verified", "mutedUntil")
    return {k: user[k] for k in shown if user.get(k) is not None}


@router.route("GET", "/v2/users/{identifier}")
def get_user(state: SandboxState, request: Request, identifier: str) -> Answer:
    """A user; with `expand=contact`, its contacts as `userContacts` (reference 4.1: method as
    `contactMethod`, `enabled` flat, not the contacts endpoint's `status.enabled`)."""
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    data = _public_user(user)
    if "contact" in (request.query.get("expand") or "").split(","):
        data["userContacts"] = [
            {
                "id": c["id"],
                "to": c["to"],
                "contactMethod": c["method"],
                "enabled": bool((c.get("status") or {}).get("enabled", True)),
                **(
                    {"disabledReason": c["status"]["disabledReason"]}
                    if (c.get("status") or {}).get("disabledReason")
                    else {}
                ),
            }
            for c in og["contacts"].get(user["id"], [])
        ]
    return _ok(data, expandable=["contact"])  # the spec's GetUserResponse requires it


@router.route("GET", "/v2/users/{identifier}/contacts")
def list_contacts(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    return _ok([c for c in og["contacts"].get(user["id"], [])])


@router.route("GET", "/v2/users/{identifier}/notification-rules")
def list_rules(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    rules = og["notification_rules"].get(user["id"], [])
    meta = ("id", "name", "actionType", "order", "enabled")
    return _ok([{k: r[k] for k in meta if k in r} for r in rules])


@router.route("GET", "/v2/users/{identifier}/notification-rules/{rule_id}")
def get_rule(state: SandboxState, request: Request, identifier: str, rule_id: str) -> Answer:
    og = state.data["opsgenie"]
    user = _user(og, identifier)
    for rule in og["notification_rules"].get(user["id"], []):
        if rule["id"] == rule_id:
            return _ok(rule)
    raise Refusal(404, f"Notification rule not found with id [{rule_id}]")


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
def list_teams(state: SandboxState, request: Request) -> Answer:
    teams = state.data["opsgenie"]["teams"]
    return _ok(
        [
            {"id": t["id"], "name": t["name"], "description": t.get("description", "")}
            for t in teams
        ],
        expandable=["member"],
    )


@router.route("GET", "/v2/teams/{identifier}")
def get_team(state: SandboxState, request: Request, identifier: str) -> Answer:
    team = _team(state.data["opsgenie"], identifier, _identifier_kind(request))
    return _ok(team)


@router.route("POST", "/v2/teams")
def create_team(state: SandboxState, request: Request) -> Answer:
    og = state.data["opsgenie"]
    body = _body(request)
    name = _new_name(og, body, "team")
    team = {
        "id": state.opsgenie_id("team"),
        "name": name,
        "description": body.get("description") or "",
        "members": _members(og, body.get("members") or []),
    }
    og["teams"].append(team)
    create_team_defaults(state, team)
    return _done("Created", 201, {"id": team["id"], "name": team["name"]})


def create_team_defaults(state: SandboxState, team: dict[str, Any]) -> None:
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
def update_team(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    team = _team(og, identifier)
    body = _body(request)
    _rename(og, team, body, "team")
    if "description" in body:
        team["description"] = body["description"] or ""
    if "members" in body:  # replaces the list
        team["members"] = _members(og, body["members"])
    return _done("Updated", 200, {"id": team["id"], "name": team["name"]})


@router.route("DELETE", "/v2/teams/{identifier}")
def delete_team(state: SandboxState, request: Request, identifier: str) -> Answer:
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
def add_member(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    body = _body(request)
    user = _user_meta(og, body.get("user") or {})
    team["members"] = [m for m in team["members"] if m["user"]["id"] != user["id"]]
    team["members"].append({"user": user, "role": body.get("role") or "user"})
    return _ok({"id": team["id"]})


@router.route("DELETE", "/v2/teams/{identifier}/members/{member}")
def remove_member(state: SandboxState, request: Request, identifier: str, member: str) -> Answer:
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


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _time_restriction(given: Any) -> dict[str, Any] | None:
    """A routing rule's timeRestriction in its two shapes (the spec's TimeRestrictionInterval:
    `time-of-day` with one `restriction`, `weekday-and-time-of-day` with `restrictions`)."""
    if given is None:
        return None

    def bad(why: str) -> Refusal:
        return Refusal(422, "Request body is not processable.", errors={"timeRestriction": why})

    if not isinstance(given, dict) or given.get("type") not in (
        "time-of-day",
        "weekday-and-time-of-day",
    ):
        raise bad("Invalid time restriction type")
    hours = ("startHour", "startMin", "endHour", "endMin")
    if given["type"] == "time-of-day":
        one = given.get("restriction")
        if not isinstance(one, dict) or not all(isinstance(one.get(k), int) for k in hours):
            raise bad("restriction needs startHour, startMin, endHour and endMin")
        return {"type": "time-of-day", "restriction": {k: one[k] for k in hours}}
    many = given.get("restrictions")
    if not isinstance(many, list) or not many:
        raise bad("restrictions may not be empty")
    cleaned = []
    for item in many:
        if (
            not isinstance(item, dict)
            or item.get("startDay") not in _DAYS
            or item.get("endDay") not in _DAYS
            or not all(isinstance(item.get(k), int) for k in hours)
        ):
            raise bad("each restriction needs startDay, endDay and the hours")
        cleaned.append({k: item[k] for k in ("startDay", "endDay", *hours)})
    return {"type": "weekday-and-time-of-day", "restrictions": cleaned}


def _reorder(rules: list[dict[str, Any]]) -> None:
    """Keep the default rule last, and orders 0..n-1."""
    rules.sort(key=lambda r: (r.get("isDefault", False), r["order"]))
    for i, rule in enumerate(rules):
        rule["order"] = i


@router.route("GET", "/v2/teams/{identifier}/routing-rules")
def list_routing(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    return _ok(og["routing_rules"].get(team["id"], []))


@router.route("POST", "/v2/teams/{identifier}/routing-rules")
def create_routing(state: SandboxState, request: Request, identifier: str) -> Answer:
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
    restriction = _time_restriction(body.get("timeRestriction"))
    if restriction is not None:
        rule["timeRestriction"] = restriction
    rules.append(rule)
    _reorder(rules)
    return _done("Created", 201, {"id": rule["id"], "name": rule["name"]})


def _routing_rule(og: dict[str, Any], team: dict[str, Any], rule_id: str) -> dict[str, Any]:
    for rule in og["routing_rules"].get(team["id"], []):
        if rule["id"] == rule_id:
            found: dict[str, Any] = rule
            return found
    raise Refusal(404, f"Routing rule [{rule_id}] not found")


@router.route("PATCH", "/v2/teams/{identifier}/routing-rules/{rule_id}")
def update_routing(state: SandboxState, request: Request, identifier: str, rule_id: str) -> Answer:
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
        if rule.get("isDefault"):  # provider issue #264: OpsGenie's own 422
            raise Refusal(422, "Default routing rule can not have timezone.")
        rule["timezone"] = _zone(body["timezone"], "timezone")
    # [unverified] Whether a PATCH can clear a restriction (null, or the key left out) is not
    # documented; the sandbox takes the cautious reading that it cannot, as the tool does.
    restriction = _time_restriction(body.get("timeRestriction"))
    if restriction is not None:
        rule["timeRestriction"] = restriction
    if "notify" in body:
        rule["notify"] = _notify(og, body["notify"])
    return _done("Updated")


@router.route("POST", "/v2/teams/{identifier}/routing-rules/{rule_id}/change-order")
def order_routing(state: SandboxState, request: Request, identifier: str, rule_id: str) -> Answer:
    """Move a rule to index `order` (0..n-1); the default rule cannot move (provider #344)."""
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    rule = _routing_rule(og, team, rule_id)
    body = _body(request)
    rules = og["routing_rules"][team["id"]]
    order = body.get("order")
    if rule.get("isDefault"):
        raise Refusal(403, "Default routing rule order cannot be changed")
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order < len(rules):
        raise Refusal(
            422, "Request body is not processable.", errors={"order": f"Invalid order [{order}]"}
        )
    rules.remove(rule)
    rules.insert(order, rule)
    for i, each in enumerate(rules):
        each["order"] = i
    _reorder(rules)
    return _done("Updated")


@router.route("DELETE", "/v2/teams/{identifier}/routing-rules/{rule_id}")
def delete_routing(state: SandboxState, request: Request, identifier: str, rule_id: str) -> Answer:
    og = state.data["opsgenie"]
    team = _team(og, identifier, _identifier_kind(request, "teamIdentifierType"))
    rule = _routing_rule(og, team, rule_id)
    if rule.get("isDefault"):
        raise Refusal(403, "The default routing rule cannot be deleted")
    og["routing_rules"][team["id"]].remove(rule)
    _reorder(og["routing_rules"][team["id"]])
    return _done("Deleted")
