"""Slack Web API: the reader plan and drift get, and the writer sync and apply get.

Slack answers errors as HTTP 200 with ok:false, pages with cursors (an empty next_cursor ends a
listing), rate-limits per method with 429 and Retry-After, and carries warnings on successful
answers. Reads are GETs with query parameters; writes are form-encoded POSTs, as the spec has them.
See ../shared/reference/slack-api.md.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import httpx

from reconciler import live
from reconciler.clients.errors import (
    ApiError,
    AuthError,
    IncompleteRead,
    NotFound,
    ServerError,
    SlackError,
    Unprocessable,
)
from reconciler.clients.http import Http, Pacer, ReadOnlyHttp, VendorReader, VendorRules
from reconciler.clients.secrets import Secret, from_env
from reconciler.errors import ReconcileError

log = logging.getLogger("reconciler.slack")
VENDOR = "Slack"
DEFAULT_URL = "https://slack.com/api"
PAGE = 200  # Slack's advice for cursor pages
# users.list and conversations.list are Tier 2 (20 a minute): a directory of thousands at 200 a
# page spends the minute's budget, and a plan waits a minute a further 20 pages. Their method
# pages make `limit` a maximum (Slack may answer fewer, and the cursor goes on), under 1000.
DIRECTORY_PAGE = 999
MAX_PAGES = 2000
LOOKUP_LIMIT = 10  # up to this many people: users.lookupByEmail each; more: one users.list sweep

# Method -> rate tier (per minute): 2 = 20+, 3 = 50+, 4 = 100+; "special" noted inline.
TIERS: dict[str, int] = {
    "auth.test": 4,  # special; generous in practice
    "conversations.list": 2,
    "conversations.info": 3,
    "conversations.members": 4,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "users.info": 4,
    "conversations.history": 3,
    "conversations.create": 2,
    "conversations.setPurpose": 2,
    "conversations.setTopic": 2,
    "conversations.join": 3,
    "conversations.invite": 3,
    "conversations.kick": 3,
    "conversations.archive": 2,
    "conversations.unarchive": 2,
    "usergroups.create": 2,
    "usergroups.update": 2,
    "usergroups.enable": 2,
    "usergroups.disable": 2,
    "usergroups.users.update": 2,
    "chat.postMessage": 1,  # special: about one message a second per channel
}
READ_METHODS = frozenset(
    {
        "auth.test",
        "conversations.list",
        "conversations.info",
        "conversations.members",
        "usergroups.list",
        "usergroups.users.list",
        "users.list",
        "users.lookupByEmail",
        "users.info",
        "conversations.history",
    }
)
PER_MINUTE = {1: 60, 2: 20, 3: 50, 4: 100}

# What each command needs (the README's table says the same, per command). User groups are asked
# for only when a policy declares one: they are a paid-plan feature. History is read for the
# hand-off post, with the scope of the notes channel's type (a public channel: channels:history,
# a private one: groups:history); Slack's missing_scope answer names it if it is not there.
READ_SCOPES = frozenset({"channels:read", "groups:read", "users:read", "users:read.email"})
GROUP_READ_SCOPES = frozenset({"usergroups:read"})
WRITE_SCOPES = frozenset(
    {
        "channels:manage",
        "groups:write",
        "channels:join",
        "channels:write.invites",
        "groups:write.invites",
        "channels:write.topic",
        "groups:write.topic",
        "chat:write",
    }
)
GROUP_WRITE_SCOPES = frozenset({"usergroups:write"})
AUTH_ERRORS = frozenset(
    {
        "not_authed",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "not_allowed_token_type",
        "permission_denied",
        "ekm_access_denied",
        "access_denied",
        "team_access_not_granted",
    }
)
RETRYABLE = frozenset({"internal_error", "fatal_error", "service_unavailable", "request_timeout"})
ARGUMENT_ERRORS = frozenset(
    {
        "invalid_arguments",
        "invalid_arg_name",
        "invalid_array_arg",
        "invalid_form_data",
        "invalid_name",
        "invalid_name_specials",
        "invalid_name_punctuation",
        "invalid_name_maxlength",
        "invalid_name_required",
        "too_long",
        "bad_handle",
        "no_users_provided",
        "invalid_users",
    }
)


def _rate_limit_wait(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _error_code(response: httpx.Response) -> str | None:
    """The `error` of an ok:false answer; None for anything else (checked cheaply first)."""
    if b'"ok":false' not in response.content.replace(b" ", b""):
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return str(body.get("error")) if isinstance(body, dict) and body.get("ok") is False else None


def _retryable_answer(response: httpx.Response) -> bool:
    return _error_code(response) in RETRYABLE


def _limited_answer(response: httpx.Response) -> bool:
    """chat.postMessage may say `rate_limited` in an HTTP 200 (its method page lists the error):
    nothing was posted, so it is waited out like a 429, writes included."""
    return _error_code(response) in ("rate_limited", "ratelimited")


RULES = VendorRules(VENDOR, _rate_limit_wait, _retryable_answer, _limited_answer)


def pacer(**options: Any) -> Pacer:
    rates = {m: (PER_MINUTE[t], PER_MINUTE[t] / 60) for m, t in TIERS.items()}
    return Pacer(rates, **options)


@dataclass(frozen=True)
class SlackConfig:
    base_url: str
    bot_token: Secret
    user_token: Secret | None = None

    @classmethod
    def from_env(cls) -> SlackConfig:
        bot = from_env("SLACK_BOT_TOKEN")
        if bot is None:
            raise ReconcileError("SLACK_BOT_TOKEN is not set: a bot token (xoxb-...) is needed")
        url = (os.environ.get("SLACK_API_URL") or DEFAULT_URL).rstrip("/")
        return cls(url, bot, from_env("SLACK_USER_TOKEN"))


def make_http(base_url: str, token: Secret, **options: Any) -> Http:
    options.setdefault("pacer", pacer())
    return Http(base_url, {"Authorization": f"Bearer {token.reveal()}"}, RULES, **options)


def error_for(method: str, body: dict[str, Any], response: httpx.Response) -> ApiError:
    code = str(body.get("error") or "unknown_error")
    messages = (body.get("response_metadata") or {}).get("messages") or []
    message = "; ".join(messages) or code.replace("_", " ")
    kwargs: dict[str, Any] = {
        "status": response.status_code,
        "code": code,
        "details": {"errors": body["errors"]} if isinstance(body.get("errors"), list) else None,
        "request_id": response.headers.get("x-slack-req-id"),
    }
    if code in AUTH_ERRORS:
        hint = None
        if code == "missing_scope":
            hint = f"the token needs scope {body.get('needed')}; it has {body.get('provided')}"
        elif code == "permission_denied" and method.startswith("usergroups."):
            hint = (
                "the workspace lets only some people manage user groups (Slack's default: owners "
                "and admins; Workspace settings > Permissions > User Groups): set "
                "SLACK_USER_TOKEN to a user token of someone allowed (scope usergroups:write), "
                "or allow everyone"
            )
        elif code == "permission_denied":
            hint = (
                "the workspace restricts this to some people; set SLACK_USER_TOKEN to a token "
                "of someone allowed, or open the setting to everyone"
            )
        return AuthError(VENDOR, method, message, hint=hint, **kwargs)
    if code in ARGUMENT_ERRORS:
        return Unprocessable(VENDOR, method, message, **kwargs)
    if code.endswith("_not_found") or code == "no_such_subteam":
        return NotFound(VENDOR, method, message, **kwargs)
    return SlackError(VENDOR, method, message, **kwargs)


class _Calls:
    """Turns an HTTP answer into Slack's payload, surfacing warnings, raising on ok:false."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def payload(self, method: str, response: httpx.Response) -> dict[str, Any]:
        if response.status_code >= 500:
            raise ServerError(
                VENDOR,
                method,
                f"HTTP {response.status_code}",
                status=response.status_code,
                hint="after retries" if method in READ_METHODS else "writes are not retried",
            )
        if response.status_code != 200:
            raise ApiError(
                VENDOR,
                method,
                f"unexpected HTTP {response.status_code}",
                status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError:
            raise IncompleteRead(VENDOR, method, "the answer was not JSON") from None
        if not isinstance(body, dict) or "ok" not in body:
            raise IncompleteRead(VENDOR, method, "the answer had no 'ok'")
        self._warn(method, body)
        if body["ok"] is not True:
            raise error_for(method, body, response)
        return body

    def _warn(self, method: str, body: dict[str, Any]) -> None:
        metadata = body.get("response_metadata") or {}
        notes = [w for w in str(body.get("warning") or "").split(",") if w]
        notes += list(metadata.get("warnings") or []) + list(metadata.get("messages") or [])
        for note in dict.fromkeys(notes):
            text = f"{method}: {note}"
            self.warnings.append(text)
            log.warning("Slack says %s", text)


class SlackReader(VendorReader):
    """Reads only; holds a ReadOnlyHttp that refuses every method but Slack's read methods."""

    max_pages = MAX_PAGES

    def __init__(self, http: ReadOnlyHttp) -> None:
        super().__init__(http)
        self._calls = _Calls()
        self._me: live.SlackIdentity | None = None

    @property
    def warnings(self) -> list[str]:
        return self._calls.warnings

    def _get(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._http.get(f"/{method}", params, pace_key=method, operation=method)
        return self._calls.payload(method, response)

    def _paged(self, method: str, key: str, params: dict[str, Any], size: int = PAGE) -> list[Any]:
        items: list[Any] = []
        cursor = ""
        for _ in range(self.max_pages):
            page = self._get(
                method, {**params, "limit": size, **({"cursor": cursor} if cursor else {})}
            )
            if not isinstance(page.get(key), list):
                raise IncompleteRead(VENDOR, method, f"a page had no {key!r} list")
            items.extend(page[key])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                return items
        raise IncompleteRead(
            VENDOR, method, f"more than {self.max_pages} pages; refusing a partial list"
        )

    # -- reads -----------------------------------------------------------------------------------

    def identity(self) -> live.SlackIdentity:
        response = self._http.get("/auth.test", pace_key="auth.test", operation="auth.test")
        body = self._calls.payload("auth.test", response)
        header = response.headers.get("x-oauth-scopes")
        scopes = frozenset(s.strip() for s in header.split(",") if s.strip()) if header else None
        return live.SlackIdentity(body["user_id"], body["team_id"], body.get("bot_id"), scopes)

    def preflight(self, *, write: bool = False, groups: bool = False) -> live.SlackIdentity:
        """auth.test first: a bad token or a missing scope is named before any other call."""
        me = self.identity()
        self._me = me
        needed = READ_SCOPES | (WRITE_SCOPES if write else frozenset())
        if groups:
            needed |= GROUP_READ_SCOPES | (GROUP_WRITE_SCOPES if write else frozenset())
        if me.scopes is not None and (missing := needed - me.scopes):
            raise AuthError(
                VENDOR,
                "auth.test",
                f"the token lacks scope(s): {', '.join(sorted(missing))}",
                hint="add them to the app's bot token scopes and reinstall it",
            )
        return me

    def channels(self) -> list[live.Channel]:
        """Public and private channels the token can see, archived ones included."""
        raw = self._paged(
            "conversations.list",
            "channels",
            {"types": "public_channel,private_channel", "exclude_archived": "false"},
            DIRECTORY_PAGE,  # Tier 2 too: an apply plans three times, each a full sweep
        )
        return [_channel(c) for c in raw]

    def channel(self, channel_id: str) -> live.Channel | None:
        try:
            body = self._get("conversations.info", {"channel": channel_id})
        except NotFound:
            return None
        return _channel(body["channel"])

    def channel_members(self, channel_id: str) -> frozenset[str]:
        members = self._paged("conversations.members", "members", {"channel": channel_id})
        return frozenset(members)

    def user_groups(self) -> list[live.UserGroup]:
        """Every user group with its members, disabled ones included (one call, no paging)."""
        try:
            body = self._get(
                "usergroups.list",
                {"include_users": "true", "include_disabled": "true", "include_count": "false"},
            )
        except ApiError as exc:
            if exc.code in ("plan_upgrade_required", "paid_teams_only"):
                raise ReconcileError(
                    "Slack user groups need a paid Slack plan: usergroups.list answered "
                    f"{exc.code}; remove slack.on_call_group from the policy, or upgrade"
                ) from None
            raise
        groups = body.get("usergroups")
        if not isinstance(groups, list):
            raise IncompleteRead(VENDOR, "usergroups.list", "no 'usergroups' list")
        return [_group(g) for g in groups]

    def history(self, channel_id: str, since: float) -> list[live.Message]:
        """Messages posted after `since` (a Unix time), oldest first, with their metadata.

        Paged by cursor to the end. Slack answers `oldest` alone nearest-first from `oldest`
        (issue 10's review of the method), not newest first: the order is not relied on.
        """
        raw = self._paged(
            "conversations.history",
            "messages",
            {"channel": channel_id, "oldest": f"{since:.6f}", "include_all_metadata": "true"},
        )
        messages = [_message(m) for m in raw if isinstance(m, dict)]
        return sorted(messages, key=lambda m: _ts(m.ts))

    def me(self) -> live.SlackIdentity:
        """Who this token is; asked of Slack once."""
        if self._me is None:
            self._me = self.identity()
        return self._me

    def users(self) -> list[live.SlackUser]:
        return [_user(u) for u in self._paged("users.list", "members", {}, DIRECTORY_PAGE)]

    def users_by_email(self, emails: list[str]) -> dict[str, live.SlackUser | None]:
        """Each email's Slack user (None: no active account), by the cheaper of two ways."""
        wanted = sorted({e.lower() for e in emails})
        if len(wanted) <= LOOKUP_LIMIT:
            found = self._http.parallel(self._lookup, wanted)
            return dict(zip(wanted, found, strict=True))
        by_email = {u.email: u for u in self.users() if u.email and not u.deleted}
        return {e: by_email.get(e) for e in wanted}

    def _lookup(self, email: str) -> live.SlackUser | None:
        try:
            body = self._get("users.lookupByEmail", {"email": email})
        except NotFound:  # users_not_found: no account, or a deactivated one
            return None
        user = _user(body["user"])
        return None if user.deleted else user


def _ts(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0


def _message(data: dict[str, Any]) -> live.Message:
    raw = data.get("metadata")
    metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
    payload = metadata.get("event_payload")
    return live.Message(
        ts=str(data.get("ts") or ""),
        user=str(data.get("user") or ""),
        bot_id=data.get("bot_id") or None,
        text=str(data.get("text") or ""),
        event_type=metadata.get("event_type") or None,
        event_payload=payload if isinstance(payload, dict) else None,
    )


def unescape(text: str) -> str:
    """Slack's stored text as it was sent: Slack escapes &, < and > as &amp;, &lt; and &gt;
    ("Formatting text for app surfaces"), so "Q&A" comes back "Q&amp;A"; &amp; goes last."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _channel(data: dict[str, Any]) -> live.Channel:
    return live.Channel(
        id=data["id"],
        name=data.get("name") or "",
        is_private=bool(data.get("is_private")),
        is_archived=bool(data.get("is_archived")),
        bot_is_member=bool(data.get("is_member")),
        purpose=unescape((data.get("purpose") or {}).get("value") or ""),
        topic=unescape((data.get("topic") or {}).get("value") or ""),
    )


def _group(data: dict[str, Any]) -> live.UserGroup:
    return live.UserGroup(
        id=data["id"],
        handle=data.get("handle") or "",
        name=data.get("name") or "",
        description=unescape(data.get("description") or ""),
        enabled=not data.get("date_delete"),
        users=frozenset(data.get("users") or []),
        auto_type=data.get("auto_type") or None,
    )


def _user(data: dict[str, Any]) -> live.SlackUser:
    email = (data.get("profile") or {}).get("email")
    return live.SlackUser(
        id=data["id"],
        name=data.get("name") or "",
        email=email.lower() if email else None,
        deleted=bool(data.get("deleted")),
        is_bot=bool(data.get("is_bot")) or data.get("id") == "USLACKBOT",
        is_guest=bool(data.get("is_restricted") or data.get("is_ultra_restricted")),
    )


def read_only(http: Http) -> ReadOnlyHttp:
    return ReadOnlyHttp(http, allowed=lambda path: path.lstrip("/") in READ_METHODS)
