"""OpsGenie REST API v2: the reader plan and drift get, and the writer apply gets.

Ids, not names, after the first lookup; the right identifierType parameter per endpoint (its name
changes between endpoints); paging followed to the end; 404 is "absent" only for a get of one
named object. See ../shared/reference/opsgenie-api.md.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from reconciler import live
from reconciler.backends.opsgenie import parse
from reconciler.clients.errors import (
    ApiError,
    AuthError,
    Conflict,
    IncompleteRead,
    NotFound,
    ServerError,
    StillReferenced,
    Unprocessable,
)
from reconciler.clients.http import Http, Pacer, ReadOnlyHttp, VendorReader, VendorRules
from reconciler.clients.secrets import Secret, from_env
from reconciler.errors import ReconcileError

VENDOR = "OpsGenie"
HOSTS = {"us": "https://api.opsgenie.com", "eu": "https://api.eu.opsgenie.com"}
PAGE = 100
MAX_PAGES = 1000  # a listing longer than this is a loop, not an account

# The API-key right each kind of request needs (API key management), for 401/403 messages.
RIGHTS = {
    "GET": "Read and Configuration access",
    "POST": "Create and Update",
    "PATCH": "Create and Update",
    "PUT": "Create and Update",
    "DELETE": "Delete",
}


def _rate_limit_wait(response: httpx.Response) -> float | None:
    # OpsGenie says how long the throttle lasts: 1 for a per-second breach, 60 per-minute.
    value = response.headers.get("X-RateLimit-Period-In-Sec") or response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def request_domain(method: str, path: str) -> str:
    """The rate-limit domain a request counts against: each has its own bucket, and exhausting
    one does not throttle the others (docs.opsgenie.com/docs/api-rate-limiting)."""
    if path.endswith(("/on-calls", "/next-on-calls")):
        return "schedule-oncalls"
    if method == "GET" and path.rstrip("/") == "/v2/users":
        return "search"  # the docs put listing users in Search
    if path.startswith("/v2/alerts"):
        return "alert"
    return "configuration"


RULES = VendorRules(VENDOR, _rate_limit_wait, pace_key=request_domain)


def pacer() -> Pacer:
    """OpsGenie's limits depend on the account's plan and are not published [unverified], so
    requests go unpaced until the first throttle, and the pacer learns from it. An account that
    knows its limit sets RECONCILE_OPSGENIE_RATE (requests a second, for each domain)."""
    raw = os.environ.get("RECONCILE_OPSGENIE_RATE", "").strip()
    if not raw:
        return Pacer({}, adaptive=True)
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 10_000:
        raise ReconcileError(
            f"RECONCILE_OPSGENIE_RATE={raw!r}: expected requests a second, such as 10"
        )
    rates = {domain: (max(1, int(rate)), rate) for domain in DOMAINS}
    return Pacer(rates, adaptive=True)


DOMAINS = ("configuration", "search", "schedule-oncalls", "alert")


@dataclass(frozen=True)
class OpsGenieConfig:
    base_url: str
    key: Secret

    @classmethod
    def from_env(cls, region: str | None = None) -> OpsGenieConfig:
        key = from_env("OPSGENIE_API_KEY")
        if key is None:
            raise ReconcileError(
                "OPSGENIE_API_KEY is not set: an API key-management key with Read and "
                "Configuration access (plus Create and Update, and Delete, for apply)"
            )
        region = (region or os.environ.get("OPSGENIE_REGION") or "us").lower()
        if region not in HOSTS:
            raise ReconcileError(f"OPSGENIE_REGION={region!r}: OpsGenie has 'us' and 'eu'")
        url = os.environ.get("OPSGENIE_API_URL") or HOSTS[region]
        if not url.startswith(("http://", "https://")):
            url = f"https://{url}"
        return cls(url, key)


CONCURRENCY = 48  # OpsGenie limits requests a second, not connections: the pacer keeps the rate


def make_http(config: OpsGenieConfig, **options: Any) -> Http:
    headers = {"Authorization": f"GenieKey {config.key.reveal()}"}
    options.setdefault("pacer", pacer())
    options.setdefault("max_workers", CONCURRENCY)
    return Http(config.base_url, headers, RULES, **options)


def error_for(operation: str, method: str, response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    message = body.get("message") or response.reason_phrase or "no message"
    if body.get("errors"):
        details = "; ".join(f"{k}: {v}" for k, v in sorted(body["errors"].items()))
        message = f"{message} ({details})"
    kwargs: dict[str, Any] = {
        "status": response.status_code,
        "request_id": body.get("requestId") or response.headers.get("X-Request-ID"),
    }
    status = response.status_code
    if status in (401, 403):
        code = body.get("code")
        hint = f"the API key needs the '{RIGHTS.get(method, 'Read')}' right"
        if status == 401:
            hint = "the API key is wrong, expired or its integration disabled"
        elif code == 40302:
            hint = "OpsGenie does not support this for this key or plan"
        return AuthError(VENDOR, operation, message, hint=hint, **kwargs)
    if status == 404:
        return NotFound(VENDOR, operation, message, **kwargs)
    if status == 409:
        return Conflict(VENDOR, operation, message, **kwargs)
    if status == 428:
        return StillReferenced(
            VENDOR,
            operation,
            message,
            hint="still used by another object; delete or repoint that first",
            **kwargs,
        )
    if status in (400, 422):
        return Unprocessable(VENDOR, operation, message, **kwargs)
    if status >= 500:
        hint = "after retries" if method in ("GET", "DELETE") else "writes are not retried"
        return ServerError(VENDOR, operation, message, hint=hint, **kwargs)
    return ApiError(VENDOR, operation, message, **kwargs)


def _segment(value: str) -> str:
    return quote(value, safe="")


class OpsGenieReader(VendorReader):
    """Reads only; holds a ReadOnlyHttp, which has no way to send anything but GET."""

    def __init__(self, http: ReadOnlyHttp) -> None:
        super().__init__(http)
        self._usernames: dict[str, str] | None = None

    # -- plumbing ----------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._http.get(path, params)
        if response.status_code != 200:
            raise error_for(f"GET {path}", "GET", response)
        return _json(response, f"GET {path}")

    def _get_one(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """A get of one named object: 404 means it does not exist; anything else is an error."""
        response = self._http.get(path, params)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise error_for(f"GET {path}", "GET", response)
        return _json(response, f"GET {path}")

    def _names(self) -> dict[str, str]:
        """id -> name of users (usernames), schedules, teams and escalations, for recipients."""
        names = dict(self._user_names())
        for data in self._get("/v2/teams").get("data") or []:
            names[data["id"]] = data["name"]
        for data in self._get("/v2/schedules").get("data") or []:
            names[data["id"]] = data["name"]
        return names

    def _user_names(self) -> dict[str, str]:
        if self._usernames is None:
            self._usernames = {u.id: u.username for u in self.users()}
        return self._usernames

    # -- reads -------------------------------------------------------------------------------

    def teams(self, detailed: Collection[str] | None = None) -> list[live.Team]:
        """Every team, from the list (id, name, description); the members, a read a team, only
        of those named in `detailed` (any case), or of all when it is None."""
        listed = self._get("/v2/teams").get("data") or []
        wanted = None if detailed is None else {name.lower() for name in detailed}
        ids = [t["id"] for t in listed if wanted is None or str(t["name"]).lower() in wanted]
        details = {d["id"]: d for d in self._http.parallel(self._team_detail, ids)}
        return [parse.team(details.get(t["id"], t)) for t in listed]

    def _team_detail(self, team_id: str) -> dict[str, Any]:
        path = f"/v2/teams/{_segment(team_id)}"
        data = self._get(path, {"identifierType": "id"}).get("data")
        if not isinstance(data, dict):
            raise IncompleteRead(VENDOR, f"GET {path}", "team answer had no data")
        return data

    def team(self, name: str) -> live.Team | None:
        found = self._get_one(f"/v2/teams/{_segment(name)}", {"identifierType": "name"})
        return parse.team(found["data"]) if found else None

    def users(self) -> list[live.User]:
        """Every user, following paging to the end (OpsGenie pages users, 100 at most)."""
        users: list[live.User] = []
        offset, pages = 0, 0
        while True:
            body = self._get(
                "/v2/users", {"limit": PAGE, "offset": offset, "sortField": "username"}
            )
            batch = body.get("data")
            if not isinstance(batch, list):
                raise IncompleteRead(VENDOR, "GET /v2/users", "a page of users had no data")
            users.extend(parse.user(u) for u in batch)
            pages += 1
            total = body.get("totalCount")
            has_next = bool((body.get("paging") or {}).get("next"))
            if not batch or not has_next or pages >= MAX_PAGES:
                break
            offset += len(batch)
        if isinstance(total, int) and total != len(users):
            raise IncompleteRead(
                VENDOR,
                "GET /v2/users",
                f"read {len(users)} users but OpsGenie counts {total}; refusing a partial list",
            )
        return users

    def user(self, username: str) -> live.User | None:
        found = self._get_one(f"/v2/users/{_segment(username)}")
        return parse.user(found["data"]) if found else None

    def schedules(self) -> list[live.Schedule]:
        listed = self._get("/v2/schedules", {"expand": "rotation"}).get("data") or []
        usernames = self._user_names() if _needs_usernames(listed) else {}
        return [parse.schedule(s, usernames) for s in listed]

    def escalations(self) -> list[live.Escalation]:
        listed = self._get("/v2/escalations").get("data") or []
        names = self._names() if _recipients_by_id(listed) else {}
        return [parse.escalation(e, names) for e in listed]

    def routing_rules(self, team_id: str) -> list[live.RoutingRule]:
        path = f"/v2/teams/{_segment(team_id)}/routing-rules"
        listed = self._get(path, {"teamIdentifierType": "id"}).get("data") or []
        names: dict[str, str] = {}
        if any(
            (r.get("notify") or {}).get("id") and not (r.get("notify") or {}).get("name")
            for r in listed
        ):
            names = {e["id"]: e["name"] for e in self._get("/v2/escalations").get("data") or []}
            names.update({s["id"]: s["name"] for s in self._get("/v2/schedules").get("data") or []})
        return sorted((parse.routing_rule(r, names) for r in listed), key=lambda r: r.order)

    def routing_rules_of(self, team_ids: list[str]) -> list[list[live.RoutingRule]]:
        """Routing rules of several teams, read in parallel (bounded)."""
        return self._http.parallel(self.routing_rules, team_ids)

    def on_call(self, schedule_id: str, at: datetime | None = None) -> list[str]:
        """Usernames on call now (or `at`), overrides included, as OpsGenie computes it."""
        params: dict[str, Any] = {"scheduleIdentifierType": "id", "flat": "true"}
        if at is not None:
            params["date"] = parse.write_instant(at)
        path = f"/v2/schedules/{_segment(schedule_id)}/on-calls"
        data = self._get(path, params).get("data") or {}
        return sorted({r.lower() for r in data.get("onCallRecipients") or []})

    def overrides(self, schedule_id: str) -> list[live.Override]:
        path = f"/v2/schedules/{_segment(schedule_id)}/overrides"
        listed = self._get(path, {"scheduleIdentifierType": "id"}).get("data") or []
        usernames = (
            self._user_names()
            if any(not (o.get("user") or {}).get("username") for o in listed)
            else {}
        )
        return [parse.override(o, usernames) for o in listed]

    def alerts(self, team: str, start: datetime, end: datetime) -> list[live.Alert]:
        """Alerts routed to `team` created in [start, end), newest first, read until older.
        [The query `teams:"<name>"` is from OpsGenie's search help, unverified here; the times
        are filtered in the client, so no query syntax for dates is relied on.]"""
        found: list[live.Alert] = []
        offset = 0
        for _ in range(MAX_PAGES):
            params = {
                "query": f'teams:"{team}"',
                "sort": "createdAt",
                "order": "desc",
                "limit": PAGE,
                "offset": offset,
            }
            body = self._get("/v2/alerts", params)
            batch = body.get("data") or []
            for data in batch:
                alert = parse.alert(data)
                if alert.created < start:
                    return found
                if alert.created < end:
                    found.append(alert)
            if not batch or not (body.get("paging") or {}).get("next"):
                return found
            offset += len(batch)
        return found

    def timeline(
        self, schedule_id: str, start: datetime, interval: int, unit: str
    ) -> list[live.TimelinePeriod]:
        """The schedule's base timeline (rotations without overrides) from `start` for
        `interval` `unit`s (days, weeks or months): OpsGenie's own answer to when each rotation
        hands off, to check our model against."""
        path = f"/v2/schedules/{_segment(schedule_id)}/timeline"
        params = {
            "identifierType": "id",
            "expand": "base",
            "interval": interval,
            "intervalUnit": unit,
            "date": parse.write_instant(start),
        }
        data = self._get(path, params).get("data") or {}
        base = data.get("baseTimeline")
        if not isinstance(base, dict):
            raise IncompleteRead(VENDOR, f"GET {path}", "no baseTimeline in the answer")
        return [
            parse.timeline_period(rotation, period)
            for rotation in base.get("rotations") or []
            for period in rotation.get("periods") or []
        ]

    def user_and_contacts(self, username: str) -> tuple[live.User, list[live.Contact]] | None:
        """The user (blocked, muted) and its contacts in one read (`expand=contact`)."""
        found = self._get_one(f"/v2/users/{_segment(username)}", {"expand": "contact"})
        if not found:
            return None
        data = found["data"]
        return parse.user(data), [parse.contact(c) for c in data.get("userContacts") or []]

    def contacts(self, username: str) -> list[live.Contact]:
        path = f"/v2/users/{_segment(username)}/contacts"
        return [parse.contact(c) for c in self._get(path).get("data") or []]

    def notification_rules(self, username: str) -> list[live.NotificationRule]:
        """Rules with steps; the list has meta only, so new-alert rules are read one by one."""
        base = f"/v2/users/{_segment(username)}/notification-rules"
        metas = self._get(base).get("data") or []

        def detail(meta: dict[str, Any]) -> live.NotificationRule:
            if meta.get("actionType") != "create-alert":
                return parse.notification_rule(meta, None)
            body = self._get(f"{base}/{_segment(meta['id'])}").get("data") or {}
            return parse.notification_rule(meta, body)

        return self._http.parallel(detail, metas)


def _json(response: httpx.Response, operation: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise IncompleteRead(VENDOR, operation, "the answer was not JSON") from None
    if not isinstance(body, dict):
        raise IncompleteRead(VENDOR, operation, "the answer was not a JSON object")
    return body


def _needs_usernames(schedules: list[dict[str, Any]]) -> bool:
    return any(
        p.get("type") == "user" and not p.get("username")
        for s in schedules
        for r in s.get("rotations") or []
        for p in r.get("participants") or []
    )


def _recipients_by_id(escalations: list[dict[str, Any]]) -> bool:
    return any(
        not (
            (rule.get("recipient") or {}).get("name")
            or (rule.get("recipient") or {}).get("username")
        )
        for e in escalations
        for rule in e.get("rules") or []
    )
