"""Jira Service Management Operations: configuration, errors, and the reader plan and drift get.

Three hosts (reference §2, §2.7, §2.8, §2.12): the Operations API at
`api.atlassian.com/jsm/ops/api/{cloudId}/v1`, and on the site `<site>.atlassian.net` the Teams
public API (teams, members), the user search (email to account id) and `/_edge/tenant_info` (the
cloud id). One credential for all: Basic auth with an Atlassian account's email and API token
(§3; service accounts cannot call the API). Ids only in paths, so names are resolved here, by
exact match; lists are paged by offset and size, followed through `links.next` to the end.
"""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

import httpx

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
from reconciler.clients.http import Http, Pacer, ReadOnlyHttp, VendorRules
from reconciler.clients.secrets import Secret, from_env
from reconciler.errors import ReconcileError

VENDOR = "JSM Operations"
API_HOST = "https://api.atlassian.com"
PAGE = 100  # asked for; the server may answer fewer (its maximum is not documented)
MAX_PAGES = 1000  # a listing longer than this is a loop, not a site
TEAMS_MEMBERS = re.compile(r"^/gateway/api/public/teams/v1/org/[^/]+/teams/[^/]+/members$")


def _rate_limit_wait(response: httpx.Response) -> float | None:
    # No published numbers (reference §3); the official provider honours Retry-After.
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value else None
    except ValueError:
        return None


RULES = VendorRules(VENDOR, _rate_limit_wait, pace_key=lambda _method, _path: "jsm")


@dataclass(frozen=True)
class JsmConfig:
    ops_url: str  # .../jsm/ops/api/{cloudId}
    site_url: str  # https://<site>.atlassian.net
    email: str
    token: Secret
    org_id: str  # the Teams API's paths name the organization (§2.7a)

    @classmethod
    def from_env(cls, transport: httpx.BaseTransport | None = None) -> JsmConfig:
        email = os.environ.get("ATLASSIAN_EMAIL", "").strip()
        token = from_env("ATLASSIAN_API_TOKEN")
        site = os.environ.get("JSM_SITE", "").strip()
        org = os.environ.get("ATLASSIAN_ORG_ID", "").strip()
        missing = [
            name
            for name, value in (
                ("JSM_SITE", site),
                ("ATLASSIAN_ORG_ID", org),
                ("ATLASSIAN_EMAIL", email),
                ("ATLASSIAN_API_TOKEN", token),
            )
            if not value
        ]
        if missing:
            raise ReconcileError(
                f"{', '.join(missing)} not set: JSM Operations needs the site (example-corp, or "
                "its URL), the organization id (admin.atlassian.com/o/<id>), and the email and API "
                "token of a licensed agent who is an Operations admin (service accounts cannot "
                "call the API)"
            )
        assert token is not None
        site_url = site if site.startswith(("http://", "https://")) else f"https://{site}"
        if "." not in site_url.split("//", 1)[1].split("/")[0].split(":")[0]:
            site_url += ".atlassian.net"
        cloud = os.environ.get("JSM_CLOUD_ID", "").strip() or discover_cloud_id(site_url, transport)
        api = (os.environ.get("JSM_API_URL") or API_HOST).rstrip("/")
        return cls(f"{api}/jsm/ops/api/{cloud}", site_url, email, token, org)


def discover_cloud_id(site_url: str, transport: httpx.BaseTransport | None = None) -> str:
    """The site's cloud id from `/_edge/tenant_info`, which needs no credentials (§2.12)."""
    try:
        with httpx.Client(transport=transport, timeout=10.0) as client:
            response = client.get(f"{site_url}/_edge/tenant_info")
        cloud = response.json().get("cloudId") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        cloud = None
    if not isinstance(cloud, str) or not re.fullmatch(r"[0-9a-fA-F-]{8,64}", cloud):
        raise ReconcileError(
            f"cannot find the cloud id of {site_url} (/_edge/tenant_info): set JSM_CLOUD_ID"
        )
    return cloud


def pacer() -> Pacer:
    """Unpaced until the first throttle, then at the rate learnt from it (no published rates)."""
    return Pacer({}, adaptive=True)


def make_http(config: JsmConfig, **options: Any) -> tuple[Http, Http]:
    """The Operations API's client and the site's, sharing one pacer (one account's limits)."""
    basic = base64.b64encode(f"{config.email}:{config.token.reveal()}".encode()).decode()
    Secret(basic)  # registered, so an echo of the header is scrubbed like the token itself
    headers = {"Authorization": f"Basic {basic}"}
    options.setdefault("pacer", pacer())
    return (
        Http(config.ops_url, headers, RULES, **options),
        Http(config.site_url, headers, RULES, **options),
    )


def error_for(operation: str, method: str, response: httpx.Response) -> ApiError:
    """The envelopes vary by resource (§3): `{"errors": [{title, code}]}`, `{code, message}` for
    401, and a bare `{message}` elsewhere; parsed defensively."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    message = "; ".join(str(e.get("title") or e.get("message") or "") for e in errors)
    message = message or str(body.get("message") or response.reason_phrase or "no message")
    code = next((str(e["code"]) for e in errors if e.get("code")), None)
    status = response.status_code
    kwargs: dict[str, Any] = {"status": status, "code": code}
    if status == 401:
        hint = "the email or API token is wrong, or the token lacks read:ops-config"
        return AuthError(VENDOR, operation, message, hint=hint, **kwargs)
    if status == 403:
        hint = "the account needs JSM agent access and Operations admin rights"
        return AuthError(VENDOR, operation, message, hint=hint, **kwargs)
    if status == 404:
        return NotFound(VENDOR, operation, message, **kwargs)
    if status in (409, 428) and "used by" in message:
        hint = "still used by another object; delete or repoint that first"
        return StillReferenced(VENDOR, operation, message, hint=hint, **kwargs)
    if status == 409:
        return Conflict(VENDOR, operation, message, **kwargs)
    if status in (400, 422):
        return Unprocessable(VENDOR, operation, message, **kwargs)
    if status >= 500:
        hint = "after retries" if method in ("GET", "DELETE") else "writes are not retried"
        return ServerError(VENDOR, operation, message, hint=hint, **kwargs)
    return ApiError(VENDOR, operation, message, **kwargs)


def segment(value: str) -> str:
    return quote(value, safe="")


def json_of(response: httpx.Response, operation: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise IncompleteRead(VENDOR, operation, "the answer was not JSON") from None


def next_page(link: Any, seen: set[str]) -> tuple[str, dict[str, str]] | None:
    """`links.next` as a path and query, relative to the Operations API's base (§2.0)."""
    if not link:
        return None
    if not isinstance(link, str) or link in seen:
        raise IncompleteRead(VENDOR, "paging", f"links.next {link!r} repeats or is not a link")
    seen.add(link)
    parts = urlsplit(link)
    path = parts.path
    marker = path.find("/v1/")
    if marker < 0:
        raise IncompleteRead(VENDOR, "paging", f"links.next {link!r} is not an API path")
    return path[marker:], dict(parse_qsl(parts.query))


def read_only(ops: Http, site: Http) -> tuple[ReadOnlyHttp, ReadOnlyHttp]:
    return ReadOnlyHttp(ops), ReadOnlyHttp(site, read_posts=lambda p: bool(TEAMS_MEMBERS.match(p)))
