"""The emulator's front door: routes a request to OpsGenie, JSM Operations or Slack, applies rate
limits and injected faults, and keeps the state file in step with every change."""

from __future__ import annotations

import base64
import math
import time
from typing import Any
from urllib.parse import parse_qsl, urlencode

from reconciler.sandbox import jsm as jsm_api
from reconciler.sandbox import opsgenie as opsgenie_api
from reconciler.sandbox import slack as slack_api
from reconciler.sandbox.echo import echo, echoing
from reconciler.sandbox.faults import (
    JSM_BUCKET,
    OPSGENIE_BUCKET,
    SLACK_TIER_PER_MINUTE,
    FaultPlan,
    RateLimiter,
    opsgenie_domain,
)
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request, Response

NOT_OURS = "not an OpsGenie (/v2/), JSM Operations or Slack (/api/) path"


def journal_entry(state: SandboxState, request: Request) -> dict[str, Any]:
    """A write as the journal keeps it: enough to make it again on the saved state. Not the
    credential: which of the sandbox's own credentials it came with (the state holds them), so
    the journal is no place a token can be found."""
    body = request.body
    if request.path.startswith("/api/") and b"token=" in body:
        kept = [(k, v) for k, v in parse_qsl(body.decode("utf-8"), keep_blank_values=True)]
        body = urlencode([(k, v) for k, v in kept if k != "token"]).encode()
    return {
        "method": request.method,
        "path": request.path,
        "query": {k: v for k, v in request.query.items() if k != "token"},
        "content_type": request.headers.get("content-type", ""),
        "credential": _credential_of(state, request),
        "body": base64.b64encode(body).decode(),
        "now": state.data["meta"].get("now") or state.now().isoformat(),
    }


def _credentials(state: SandboxState) -> dict[str, str]:
    """Each of the sandbox's credentials by name, as a request's Authorization carries it."""
    found = {"opsgenie": f"GenieKey {state.data['opsgenie']['api_key']}"}
    slack = state.data["slack"]
    found["slack-bot"] = f"Bearer {slack['bot']['token']}"
    if (slack.get("user_token") or {}).get("token"):
        found["slack-user"] = f"Bearer {slack['user_token']['token']}"
    for cred in (state.data.get("jsm") or {}).get("credentials", []):
        pair = base64.b64encode(f"{cred['email']}:{cred['token']}".encode()).decode()
        found[f"jsm:{cred['email']}"] = f"Basic {pair}"
    return found


def _credential_of(state: SandboxState, request: Request) -> str | None:
    given = request.headers.get("authorization", "")
    if not given and request.path.startswith("/api/"):
        token = request.args().get("token", "")
        given = f"Bearer {token}" if token else ""
    return next((name for name, value in _credentials(state).items() if value == given), None)


def replay(state: SandboxState, entries: list[dict[str, Any]]) -> None:
    """Journaled writes made again, in order, at the clock they were made at: the handlers are
    deterministic given the state (ids come from its counters), so the result is the same."""
    clock = state.data["meta"].get("now")
    credentials = _credentials(state)  # the journal never changes them
    for entry in entries:
        state.data["meta"]["now"] = entry["now"]
        headers = {"content-type": entry["content_type"]}
        credential = credentials.get(entry["credential"] or "")
        if credential:
            headers["authorization"] = credential
        request = Request(
            entry["method"],
            entry["path"],
            entry["query"],
            headers,
            base64.b64decode(entry["body"]),
        )
        if jsm_api.is_jsm_path(request.path):
            jsm_api.handle(state, request)
        elif request.path.startswith("/api/"):
            slack_api.handle(state, request)
        else:
            opsgenie_api.handle(state, request)
    state.data["meta"]["now"] = clock


class Dropped(Exception):
    """The connection is dropped without an answer."""


class TimedOut(Exception):
    """No answer within the client's patience."""

    def __init__(self, ms: int) -> None:
        super().__init__(f"no answer for {ms} ms")
        self.ms = ms


class Emulator:
    def __init__(self, state: SandboxState, *, sleep: Any = time.sleep) -> None:
        self.state = state
        self.faults = FaultPlan()
        self.limiter = RateLimiter()
        self.calls: dict[str, int] = {}
        self.limited: dict[str, int] = {}  # of those, refused by the rate limits (429)
        self._sleep = sleep

    def handle(self, request: Request) -> Response:
        endpoint = self._endpoint(request)
        with self.state.lock:
            self.state.refresh()
            self.calls[endpoint] = self.calls.get(endpoint, 0) + 1
            faults, counted = self.faults.pick(self.state.data.get("faults") or {}, endpoint)
            if counted:  # so the next process sees the fault used up, as this one does
                self.state.save()
            limited = self._rate_limited(request) if self._limits_on() else None
        for fault in faults:
            if fault.kind == "latency":
                self._sleep(fault.ms / 1000)
        for fault in faults:
            if fault.kind == "drop":
                raise Dropped(endpoint)
            if fault.kind == "timeout":
                raise TimedOut(fault.ms or 30_000)
            if fault.kind == "429":
                return self._too_many(request, 1.0)
            if fault.kind == "rate_limited_200" and request.path.startswith("/api/"):
                # chat.postMessage's own limit: an HTTP 200 whose error is rate_limited (its
                # method page lists the error; whether Retry-After comes with it is unverified).
                return Response(200, {"ok": False, "error": "rate_limited"}, {"Retry-After": "1"})
            if fault.kind == "5xx" and jsm_api.is_jsm_path(request.path):
                return jsm_api.transport_error(503, "Service unavailable (injected)")
            if fault.kind == "5xx":
                return Response(
                    503,
                    {
                        "message": "Service unavailable (injected)",
                        "took": 0.0,
                        "requestId": self.state.request_id(),
                    }
                    if request.path.startswith("/v2/")
                    else None,
                )
        if limited:
            with self.state.lock:
                self.limited[endpoint] = self.limited.get(endpoint, 0) + 1
            return self._too_many(request, limited)
        with self.state.lock:
            if request.path.startswith("/v2/"):
                response = opsgenie_api.handle(self.state, request)
                # Every write is journaled, refused or not: a refusal may change the state too
                # (a fault used up, a team Operations could not see yet), and replay must agree.
                changed = request.method != "GET"
            elif jsm_api.is_jsm_path(request.path):
                response = jsm_api.handle(self.state, request)
                # A poll of enable-ops can complete it: a GET that changes the site.
                changed = request.method != "GET" or "/requests/" in request.path
            elif request.path.startswith("/api/"):
                response = slack_api.handle(self.state, request)
                name = request.path.removeprefix("/api/")
                changed = name not in slack_api.READS
            else:
                return Response(404, {"message": NOT_OURS})
            if changed:
                self.state.record(journal_entry(self.state, request))
            if echoing(self.state.data):
                response = echo(request, response)
        return response

    def refuse_before_reading(self, request: Request) -> Response | None:
        """The vendor's answer to a request refused on its credentials or path alone.

        The TCP server asks this before it reads a body, so a caller without credentials
        cannot make the sandbox read (or wait for) one.
        """
        with self.state.lock:
            self.state.refresh()
            if request.path.startswith("/v2/"):
                return opsgenie_api.credentials_refused(self.state, request)
            if request.path.startswith("/api/"):
                return slack_api.credentials_refused(self.state, request)
            if jsm_api.is_jsm_path(request.path):
                return jsm_api.credentials_refused(self.state, request)
        return Response(404, {"message": NOT_OURS})

    def unreadable(self, request: Request, status: int, why: str) -> Response:
        """A request whose body cannot be read (bad length, too large), in the vendor's shape."""
        if request.path.startswith("/api/"):
            code = "request_too_large" if status == 413 else "invalid_form_data"
            return slack_api.transport_error(status, code)
        if jsm_api.is_jsm_path(request.path):
            return jsm_api.transport_error(status, why)
        with self.state.lock:
            return opsgenie_api.transport_error(self.state, status, why)

    @staticmethod
    def _endpoint(request: Request) -> str:
        return f"{request.method} {request.path}"

    def _limits_on(self) -> bool:
        return bool((self.state.data.get("rate_limits") or {}).get("enabled"))

    def _rate_limited(self, request: Request) -> float | None:
        if request.path.startswith("/api/"):
            name = request.path.removeprefix("/api/")
            per_minute = SLACK_TIER_PER_MINUTE[slack_api.TIER.get(name, 3)]
            wait = self.limiter.wait_needed(f"slack:{name}", per_minute, per_minute / 60)
        elif jsm_api.is_jsm_path(request.path):
            # JSM's numbers are not published (reference §3): a test sets its own bucket.
            bucket = (self.state.data.get("rate_limits") or {}).get("jsm_bucket")
            capacity, per_second = bucket or JSM_BUCKET
            wait = self.limiter.wait_needed("jsm", capacity, per_second)
        else:
            # A test or rehearsal may set its own bucket: [capacity, per second].
            bucket = (self.state.data.get("rate_limits") or {}).get("opsgenie_bucket")
            capacity, per_second = bucket or OPSGENIE_BUCKET
            domain = opsgenie_domain(request.path)
            wait = self.limiter.wait_needed(f"opsgenie:{domain}", capacity, per_second)
        return wait or None

    def _too_many(self, request: Request, wait: float) -> Response:
        seconds = max(1, math.ceil(wait))
        if request.path.startswith("/api/"):
            return Response(
                429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(seconds)}
            )
        if jsm_api.is_jsm_path(request.path):  # [TF] honours Retry-After (go-retryablehttp)
            too_many = jsm_api.transport_error(429, "Too many requests")
            return Response(429, too_many.body, {"Retry-After": str(seconds)})
        return Response(
            429,
            {
                "message": "You are making too many requests! To avoid errors, we recommend you "
                "limit requests.",
                "took": 0.0,
                "requestId": self.state.request_id(),
            },
            {
                "X-RateLimit-State": "THROTTLED",
                "X-RateLimit-Reason": "ACCOUNT",
                "X-RateLimit-Period-In-Sec": str(seconds),
            },
        )
