"""The site (tenant info, user search), the Teams public API, and the Operations team endpoints.

Teams are made on the site through the Teams public API (§2.7a: its creator may be added as a
member; members are listed by POST with a cursor; adding members answers partial failures in a
200), then become Operations teams by `enable-ops`, which is asynchronous (§2.7b): it answers a
request id, the team may at first be unknown to Operations (the [TF] provider retries on 404),
and only when the request completes does the team appear in `GET /v1/teams`, with the default
schedule, escalation and routing rule Operations makes (§4.6). Team names need not be unique:
a migration duplicates a team whose name clashes (§5).
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.jsm.core import (
    OPS,
    TEAMS,
    Answer,
    Refusal,
    account,
    body_of,
    caller,
    jsm,
    new_id,
    page,
    router,
    team,
)
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

AGENT_ROLE = {"key": "jira-servicedesk", "name": "Jira Service Management"}


# -- the site ----------------------------------------------------------------------------------


@router.route("GET", "/_edge/tenant_info")
def tenant_info(state: SandboxState, request: Request) -> Answer:
    return 200, {"cloudId": jsm(state)["cloud_id"]}


def _public_user(user: dict[str, Any], roles: bool = False) -> dict[str, Any]:
    data = {
        "accountId": user["accountId"],
        "accountType": "atlassian",
        "displayName": user["displayName"],
        "active": user["active"],
        "timeZone": user.get("timeZone"),
    }
    if not user.get("hide_email"):  # a profile's visibility setting may hide it
        data["emailAddress"] = user["emailAddress"]
    if roles:
        items = [AGENT_ROLE] if user.get("agent") else []
        data["applicationRoles"] = {"size": len(items), "items": items}
    return data


@router.route("GET", "/rest/api/3/user/search")
def user_search(state: SandboxState, request: Request) -> Answer:
    """Matches the start of an email or a display name, as Jira's search does (a prefix search:
    the client must check for an exact email itself)."""
    query = request.query.get("query", "").lower()
    if not query:
        raise Refusal(400, "query is required")
    limit = int(request.query.get("maxResults", "50"))
    found = [
        u
        for u in jsm(state)["accounts"]
        if u["emailAddress"].lower().startswith(query) or u["displayName"].lower().startswith(query)
    ]
    return 200, [_public_user(u) for u in found[:limit]]


@router.route("GET", "/rest/api/3/user")
def get_user(state: SandboxState, request: Request) -> Answer:
    user = account(jsm(state), request.query.get("accountId", ""))
    return 200, _public_user(user, "applicationRoles" in request.query.get("expand", ""))


# -- the Teams public API ----------------------------------------------------------------------


def _public_team(found: dict[str, Any], site: dict[str, Any]) -> dict[str, Any]:
    return {
        "teamId": found["teamId"],
        "displayName": found["displayName"],
        "description": found.get("description") or "",
        "organizationId": site["org_id"],
        "teamType": found.get("teamType", "MEMBER_INVITE"),
    }


@router.route("POST", f"{TEAMS}/teams/")
@router.route("POST", f"{TEAMS}/teams")
def create_team(state: SandboxState, request: Request) -> Answer:
    site = jsm(state)
    body = body_of(request)
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(400, "displayName is required")
    found = {
        "teamId": new_id(state, "team"),
        "displayName": name,
        "description": body.get("description") or "",
        "teamType": body.get("teamType", "MEMBER_INVITE"),
        "members": [caller(state, request)["accountId"]],  # the creator joins: [TF] diffs after
        "ops_enabled": False,
        "ops_unseen": 1,  # enable-ops answers 404 this many times first ([TF] retries)
    }
    site["teams"].append(found)
    return 200, _public_team(found, site)


@router.route("GET", f"{TEAMS}/teams/{{team_id}}")
def get_team(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    return 200, _public_team(team(site, team_id, ops=False), site)


@router.route("PATCH", f"{TEAMS}/teams/{{team_id}}")
def update_team(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    found = team(site, team_id, ops=False)
    body = body_of(request)
    for key in ("displayName", "description"):
        if key in body:
            found[key] = body[key] or ""
    return 200, _public_team(found, site)


@router.route("DELETE", f"{TEAMS}/teams/{{team_id}}")
def delete_team(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    site["teams"].remove(team(site, team_id, ops=False))
    site["escalations"].pop(team_id, None)
    site["routing_rules"].pop(team_id, None)
    return 204, None


@router.route("POST", f"{TEAMS}/teams/{{team_id}}/members")
def list_members(state: SandboxState, request: Request, team_id: str) -> Answer:
    """Cursor paging: `{first, after}` in, `{results, pageInfo: {endCursor, hasNextPage}}` out."""
    members = team(jsm(state), team_id, ops=False)["members"]
    body = body_of(request) if request.body else {}
    first = min(int(body.get("first", 50)), 50)
    start = int(body.get("after") or 0)
    chunk = members[start : start + first]
    more = start + first < len(members)
    return 200, {
        "results": [{"accountId": a} for a in chunk],
        "pageInfo": {"endCursor": str(start + len(chunk)), "hasNextPage": more},
    }


@router.route("POST", f"{TEAMS}/teams/{{team_id}}/members/add")
def add_members(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    found = team(site, team_id, ops=False)
    added, errors = [], []
    for given in body_of(request).get("members") or []:
        account_id = given.get("accountId", "")
        try:
            account(site, account_id)
        except Refusal:
            errors.append({"accountId": account_id, "code": "USER_NOT_FOUND"})
            continue
        if account_id not in found["members"]:
            found["members"].append(account_id)
        added.append({"accountId": account_id})
    return 200, {"members": added, "errors": errors}  # partial failure in a 200 (§2.7a)


@router.route("POST", f"{TEAMS}/teams/{{team_id}}/members/remove")
def remove_members(state: SandboxState, request: Request, team_id: str) -> Answer:
    found = team(jsm(state), team_id, ops=False)
    for given in body_of(request).get("members") or []:
        if given.get("accountId") in found["members"]:
            found["members"].remove(given["accountId"])
    return 200, {"errors": []}


# -- Operations teams --------------------------------------------------------------------------


@router.route("GET", f"{OPS}/teams")
def list_ops_teams(state: SandboxState, request: Request) -> Answer:
    site = jsm(state)
    teams = [
        {"teamId": t["teamId"], "teamName": t["displayName"]}
        for t in site["teams"]
        if t.get("ops_enabled")
    ]
    return 200, {"platformTeams": teams}  # the spec's shape; a live report saw a bare array


@router.route("POST", f"{OPS}/teams/{{team_id}}/enable-ops")
def enable_ops(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    found = team(site, team_id, ops=False)
    if found.get("ops_unseen", 0) > 0:  # not yet visible to Operations
        found["ops_unseen"] -= 1
        raise Refusal(404, f"Team {team_id} not found", "NOT_FOUND")
    admins = body_of(request).get("adminAccountIds") or []
    for admin in admins:
        account(site, admin)
    request_id = new_id(state, "request")
    site["requests"][request_id] = {
        "teamId": team_id,
        "polls": site.get("enable_polls", 1),  # polls answered IN_PROGRESS before it completes
        "admins": admins,
    }
    return 202, {"requestId": request_id}


@router.route("GET", f"{OPS}/teams/{{team_id}}/requests/{{request_id}}")
def request_status(state: SandboxState, request: Request, team_id: str, request_id: str) -> Answer:
    site = jsm(state)
    pending = site["requests"].get(request_id)
    if pending is None or pending["teamId"] != team_id:
        raise Refusal(404, f"No request {request_id}", "NOT_FOUND")
    if pending["polls"] > 0:
        pending["polls"] -= 1
        return 200, {"status": {"value": "IN_PROGRESS"}}
    found = team(site, team_id, ops=False)
    if not found.get("ops_enabled"):
        found["ops_enabled"] = True
        found["ops_admins"] = pending["admins"]
        create_defaults(state, found)
    return 200, {"status": {"value": "SUCCESSFUL"}}


def create_defaults(state: SandboxState, found: dict[str, Any]) -> None:
    """What enabling operations makes for a team (§2.1, §2.5, §2.6, [TF] delete_default_resources).
    [Their names are not documented: the sandbox uses OpsGenie's.]"""
    site = jsm(state)
    name, team_id = found["displayName"], found["teamId"]
    schedule = {
        "id": new_id(state, "schedule"),
        "name": f"{name}_schedule",
        "description": "",
        "timezone": site.get("default_timezone", "America/New_York"),
        "enabled": True,
        "teamId": team_id,
        "rotations": [],
    }
    site["schedules"].append(schedule)
    escalation = {
        "id": new_id(state, "escalation"),
        "name": f"{name}_escalation",
        "description": "",
        "enabled": True,
        "rules": [
            {
                "condition": "if-not-acked",
                "notifyType": "default",
                "delay": 0,
                "recipient": {"type": "schedule", "id": schedule["id"]},
            }
        ],
    }
    site["escalations"].setdefault(team_id, []).append(escalation)
    site["routing_rules"].setdefault(team_id, []).append(
        {
            "id": new_id(state, "routing"),
            "name": "Default Routing Rule",
            "order": 0,
            "isDefault": True,
            "criteria": {"type": "match-all"},
            "notify": {"type": "escalation", "id": escalation["id"]},
        }
    )


@router.route("GET", f"{OPS}/users/contacts")
def my_contacts(state: SandboxState, request: Request) -> Answer:
    """The caller's own contacts: no user id in the path (§2.9)."""
    me = caller(state, request)
    return page(request, "/users/contacts", jsm(state)["contacts"].get(me["accountId"], []))
