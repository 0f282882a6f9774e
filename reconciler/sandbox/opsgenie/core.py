"""The emulated OpsGenie's plumbing: authentication, routing, envelopes, shared lookups.

An emulated OpsGenie REST API v2: the subset reconcile uses, with OpsGenie's semantics.

Not canned answers: names are unique (and a schedule may not take a team's name), deleting what
is still referenced answers 428, a new team gets its default schedule, escalation and routing
rule, usernames are lower-cased, zone aliases rewritten, rotation starts rounded to :00 or :30 and
answered in UTC, escalation rules answered in an order of OpsGenie's own, users paged.
"""

from __future__ import annotations

import time
from typing import Any

from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request, Response, Router
from reconciler.timing import timezones

router = Router()
Answer = tuple[int, Any, dict[str, Any]]  # status, data, extra keys of the envelope
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
    refused = credentials_refused(state, request)
    if refused is not None:
        return refused
    needed = RIGHTS_FOR.get(request.method, "read")
    if needed not in og.get("key_rights", ["read", "create_update", "delete"]):
        return _error(state, 403, "You are not authorized for this operation", started, code=40301)
    found = router.match(request.method, request.path)
    if found is None:
        return _error(state, 404, "No handler found for the path", started)
    if found == "method":
        return _error(state, 405, "Method not allowed", started)
    assert not isinstance(found, str)
    fn, params = found
    try:
        status, data, extra = fn(state, request, **params)
    except Refusal as refusal:
        return _error(state, refusal.status, refusal.message, started, **refusal.extra)
    except (TypeError, KeyError, AttributeError, ValueError):  # a field of the wrong shape
        return _error(
            state, 422, "Request body is not processable. Please check the errors.", started
        )
    body = {
        **extra,
        "took": round(time.perf_counter() - started, 3),
        "requestId": state.request_id(),
    }
    if data is not None:
        body["data"] = data
    return Response(status, body, {"X-Request-ID": body["requestId"]})


def credentials_refused(state: SandboxState, request: Request) -> Response | None:
    """OpsGenie's 401 for a wrong or missing key, judged before the body is read."""
    if request.headers.get("authorization", "") != f"GenieKey {state.data['opsgenie']['api_key']}":
        return _error(state, 401, "Could not authenticate", time.perf_counter())
    return None


def transport_error(state: SandboxState, status: int, message: str) -> Response:
    """A request OpsGenie cannot read at all, in its error envelope."""
    return _error(state, status, message, time.perf_counter())


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


# -- lookups shared by the handlers ----------------------------------------------------------


def _user(og: dict[str, Any], identifier: str) -> dict[str, Any]:
    wanted = identifier.lower()
    for user in og["users"]:
        if user["id"] == identifier or user["username"] == wanted:
            found: dict[str, Any] = user
            return found
    raise Refusal(404, f"User not found with identifier [{identifier}]")


def _user_meta(og: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    ident = given.get("id") or given.get("username") or ""
    try:
        user = _user(og, ident)
    except Refusal:
        raise Refusal(422, f"User [{ident}] does not exist") from None
    return {"id": user["id"], "username": user["username"]}


def _team(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for team in og["teams"]:
        if (kind == "id" and team["id"] == identifier) or (
            kind == "name" and team["name"].lower() == identifier.lower()
        ):
            found: dict[str, Any] = team
            return found
    raise Refusal(404, f"Team with {kind} [{identifier}] not found")


def _schedule(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for schedule in og["schedules"]:
        if (kind == "id" and schedule["id"] == identifier) or (
            kind == "name" and schedule["name"].lower() == identifier.lower()
        ):
            found: dict[str, Any] = schedule
            return found
    raise Refusal(404, f"Schedule with {kind} [{identifier}] not found")


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


def _owner(og: dict[str, Any], given: Any) -> dict[str, Any] | None:
    if not given:
        return None
    team = _team(og, given.get("id") or given.get("name"), "id" if given.get("id") else "name")
    return {"id": team["id"], "name": team["name"]}


def _new_name(og: dict[str, Any], body: dict[str, Any], kind: str) -> str:
    """The name of an object being created: present, and free in its namespace."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Refusal(422, "Request body is not processable.", errors={"name": "may not be empty"})
    _name_taken(og, name, kind=kind)
    return name


def _rename(og: dict[str, Any], obj: dict[str, Any], body: dict[str, Any], kind: str) -> None:
    if "name" in body:
        _name_taken(og, body["name"], kind=kind, except_id=obj["id"])
        obj["name"] = body["name"]


def _refuse_if_referenced(og: dict[str, Any], kind: str, obj_id: str) -> None:
    """OpsGenie's 428: an object still used by another cannot be deleted first."""
    users = _referrers(og, kind, obj_id)
    if users:
        raise Refusal(428, f"{kind.title()} is used by {', '.join(users)}")
