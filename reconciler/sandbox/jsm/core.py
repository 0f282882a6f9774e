"""The emulated Jira Service Management Operations site: plumbing, envelopes, paging, lookups.

One sandbox host stands for the three hosts a JSM tenant has (../shared/reference/jsm-ops.md):
- `api.atlassian.com/jsm/ops/api/{cloudId}/v1/...`: the Operations API (§2);
- `<site>.atlassian.net/gateway/api/public/teams/v1/org/{orgId}/...`: the Teams public API (§2.7a);
- `<site>.atlassian.net/rest/api/3/user...` and `/_edge/tenant_info`: the site (§2.8, §2.12).
Their path prefixes do not clash with OpsGenie's `/v2/` or Slack's `/api/`.

The traps it keeps, each from the reference: ids only in paths (§2.0), offset/size paging with
`links.next` (§2.0; the sandbox's default page is small, 20, so every list is paged: the real
default is not documented), dates answered in another format than sent (§2.0: with milliseconds,
in the schedule's zone), Basic auth with email and API token (§3), the error envelopes
`{"errors": [{title, code}]}` and `{code, message}` for 401 (§3), team-scoped escalations and
routing rules (§2.5, §2.6), an asynchronous enable-ops that creates default objects when it
completes (§2.7b, §4.6), and Atlassian account ids for people (§2.0).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from reconciler.sandbox.rotation_engine import parse_instant
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request, Response, Router

router = Router()
OPS = "/jsm/ops/api/{cloud}/v1"
TEAMS = "/gateway/api/public/teams/v1/org/{org}"
PREFIXES = ("/jsm/ops/api/", "/gateway/api/public/teams/", "/rest/api/3/", "/_edge/")
DEFAULT_PAGE = 20  # [sandbox's choice: the real default and maximum are not documented]
MAX_PAGE = 100
Answer = tuple[int, Any]


def is_jsm_path(path: str) -> bool:
    return path.startswith(PREFIXES)


class Refusal(Exception):
    def __init__(self, status: int, title: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(title)
        self.status, self.title, self.code = status, title, code


def jsm(state: SandboxState) -> dict[str, Any]:
    found: dict[str, Any] | None = state.data.get("jsm")
    if found is None:
        raise Refusal(404, "No Jira Service Management site here", "NOT_FOUND")
    return found


def handle(state: SandboxState, request: Request) -> Response:
    if "jsm" not in state.data:
        return _errors(404, "No Jira Service Management site here", "NOT_FOUND")
    refused = credentials_refused(state, request)
    if refused is not None:
        return refused
    found = router.match(request.method, request.path)
    if found is None:
        return _errors(404, "No handler found for the path", "NOT_FOUND")
    if found == "method":
        return _errors(405, "Method not allowed", "METHOD_NOT_ALLOWED")
    assert not isinstance(found, str)
    fn, params = found
    site = state.data["jsm"]
    if params.pop("cloud", site["cloud_id"]) != site["cloud_id"]:
        return _errors(404, "No site with this cloud id", "NOT_FOUND")
    if params.pop("org", site["org_id"]) != site["org_id"]:
        return _errors(404, "No organization with this id", "NOT_FOUND")
    try:
        status, body = fn(state, request, **params)
    except Refusal as refusal:
        return _errors(refusal.status, refusal.title, refusal.code)
    except (TypeError, KeyError, AttributeError, ValueError):  # a field of the wrong shape
        return _errors(400, "The request body is not valid", "BAD_REQUEST")
    return Response(status, body)


def credentials_refused(state: SandboxState, request: Request) -> Response | None:
    """Basic auth with an account's email and API token; the tenant_info endpoint needs none."""
    site = state.data.get("jsm")
    if site is None or request.path == "/_edge/tenant_info":
        return None
    given = request.headers.get("authorization", "")
    for cred in site["credentials"]:
        expected = base64.b64encode(f"{cred['email']}:{cred['token']}".encode()).decode()
        if given == f"Basic {expected}":
            return None
    # §3: a 401 is {code, message}, not the errors list of the configuration APIs.
    return Response(401, {"code": 401, "message": "Unauthorized; scope does not match"})


def caller(state: SandboxState, request: Request) -> dict[str, Any]:
    """The account whose API token made the request (contacts are the caller's own, §2.9)."""
    given = request.headers.get("authorization", "").removeprefix("Basic ")
    email = base64.b64decode(given).decode().split(":", 1)[0]
    cred = next(c for c in jsm(state)["credentials"] if c["email"] == email)
    return account(jsm(state), cred["accountId"])


def transport_error(status: int, message: str) -> Response:
    return _errors(status, message, "BAD_REQUEST")


def _errors(status: int, title: str, code: str) -> Response:
    return Response(status, {"errors": [{"title": title, "code": code}]})


# -- bodies, paging, dates ---------------------------------------------------------------------


def body_of(request: Request) -> dict[str, Any]:
    try:
        body = request.json()
    except ValueError:
        raise Refusal(400, "The request body is not JSON") from None
    if not isinstance(body, dict):
        raise Refusal(400, "The request body is not a JSON object")
    return body


def page(request: Request, path: str, items: list[Any], **extra: Any) -> Answer:
    """`{values, links: {next}}` with offset/size; `next` is relative to the API's base (§2.0)."""
    try:
        offset = int(request.query.get("offset", "0"))
        size = int(request.query.get("size", str(DEFAULT_PAGE)))
    except ValueError:
        raise Refusal(400, "offset and size must be numbers") from None
    if offset < 0 or not 1 <= size <= MAX_PAGE:
        raise Refusal(400, f"size must be between 1 and {MAX_PAGE}")
    values = items[offset : offset + size]
    links: dict[str, Any] = {}
    if offset + size < len(items):
        kept = {k: v for k, v in request.query.items() if k not in ("offset", "size")}
        query = urlencode({**kept, "offset": offset + size, "size": size})
        links["next"] = f"/v1{path}?{query}"
    return 200, {"values": values, "links": links, **extra}


def instant(value: Any, field: str) -> datetime:
    try:
        when = parse_instant(str(value))
    except ValueError:
        raise Refusal(400, f"{field} is not an RFC 3339 date-time") from None
    if when.tzinfo is None:
        raise Refusal(400, f"{field} has no offset")
    return when.astimezone(UTC)


def stored(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def answered(text: str | None, zone: str | None) -> str | None:
    """A date as the API answers it: the same instant, another format (§2.0, [TF] HEIMDALL-12257):
    milliseconds and the schedule's own offset, so only a client that compares instants agrees."""
    if not text:
        return None
    local = parse_instant(text).astimezone(ZoneInfo(zone or "UTC"))
    return local.isoformat(timespec="milliseconds")


# -- lookups -----------------------------------------------------------------------------------


def find(
    items: list[dict[str, Any]], key: str, value: str, missing: str, code: str = "NOT_FOUND"
) -> dict[str, Any]:
    """The item whose `key` is `value`, else the API's 404 saying `missing`."""
    for item in items:
        if item[key] == value:
            return item
    raise Refusal(404, missing, code)


def account(site: dict[str, Any], account_id: str) -> dict[str, Any]:
    missing = f"No user with account id {account_id}"
    return find(site["accounts"], "accountId", account_id, missing, "USER_NOT_FOUND")


def team(site: dict[str, Any], team_id: str, *, ops: bool = True) -> dict[str, Any]:
    """A team by id; `ops`: one whose operations are enabled (else 404, as for an unknown one)."""
    found = find(site["teams"], "teamId", team_id, f"No team {team_id}")
    if ops and not found.get("ops_enabled"):
        raise Refusal(404, f"Operations are not enabled for team {team_id}", "NOT_FOUND")
    return found


def schedule(site: dict[str, Any], schedule_id: str) -> dict[str, Any]:
    return find(site["schedules"], "id", schedule_id, f"No schedule {schedule_id}")


def new_id(state: SandboxState, kind: str) -> str:
    """A UUID, as the API's ids look (§2.0), from its own namespace: never an OpsGenie id."""
    return state.opsgenie_id(f"jsm-{kind}")


def referrers(site: dict[str, Any], obj_id: str) -> list[str]:
    found = []
    for team_id, escalations in site["escalations"].items():
        for esc in escalations:
            if any(r["recipient"].get("id") == obj_id for r in esc["rules"]):
                found.append(f"escalation {esc['name']} of team {team_id}")
    for team_id, rules in site["routing_rules"].items():
        for rule in rules:
            if (rule.get("notify") or {}).get("id") == obj_id:
                found.append(f"routing rule {rule['name']} of team {team_id}")
    return found


def refuse_if_referenced(site: dict[str, Any], obj_id: str, kind: str) -> None:
    """Deleting what is referenced fails [as in OpsGenie (428); JSM's status is not documented:
    the sandbox answers 409 with the errors envelope]."""
    users = referrers(site, obj_id)
    if users:
        raise Refusal(409, f"The {kind} is used by {', '.join(users)}", "CONFLICT")
