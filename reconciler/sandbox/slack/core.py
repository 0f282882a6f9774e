"""The emulated Slack's plumbing: tokens, scopes, the method table, paging, shared lookups.

An emulated Slack Web API: the methods reconcile uses, with Slack's semantics.

HTTP 200 with ok:false for errors; cursor paging; the bot must be in a channel to invite, set its
purpose or topic, kick or post; invites are all-or-nothing unless `force`; a user group's members
are replaced whole and cannot be emptied; archived channels keep their names; bot tokens cannot
unarchive; a workspace may restrict user groups to admins (permission_denied for the bot).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

from reconciler.sandbox.slack_shapes import user_json
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request, Response

Method = Callable[[SandboxState, dict[str, str], dict[str, Any]], dict[str, Any]]
# The sandbox's own tables, written from Slack's method pages (docs.slack.dev/reference/methods,
# summarised in the reference's method/scope/tier matrix), never taken from the clients, so a
# mistake in one is caught by the other. Tier: 1 = 1+/min, 2 = 20+, 3 = 50+, 4 = 100+; chat.*
# are "Special" (about one message a second per channel): counted here as 60 a minute.
TIER: dict[str, int] = {
    "auth.test": 4,
    "conversations.list": 2,
    "conversations.info": 3,
    "conversations.members": 4,
    "conversations.history": 3,
    "conversations.create": 2,
    "conversations.setPurpose": 2,
    "conversations.setTopic": 2,
    "conversations.invite": 3,
    "conversations.kick": 3,
    "conversations.join": 3,
    "conversations.archive": 2,
    "conversations.unarchive": 2,
    "usergroups.list": 2,
    "usergroups.users.list": 2,
    "usergroups.create": 2,
    "usergroups.update": 2,
    "usergroups.enable": 2,
    "usergroups.disable": 2,
    "usergroups.users.update": 2,
    "users.list": 2,
    "users.lookupByEmail": 3,
    "users.info": 4,
    "chat.postMessage": 1,
    "chat.delete": 1,
}
# Methods that change nothing (the docs list them as GET): no state to save after them.
READS = frozenset(
    {
        "auth.test",
        "conversations.list",
        "conversations.info",
        "conversations.members",
        "conversations.history",
        "usergroups.list",
        "usergroups.users.list",
        "users.list",
        "users.lookupByEmail",
        "users.info",
    }
)
METHODS: dict[str, Method] = {}
# Methods and the scope they need (any one of a pair is enough).
SCOPES: dict[str, tuple[str, ...]] = {}
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


class SlackRefusal(Exception):
    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error, self.extra = error, extra


def method(name: str, *scopes: str) -> Callable[[Method], Method]:
    def register(fn: Method) -> Method:
        METHODS[name] = fn
        SCOPES[name] = scopes
        return fn

    return register


def handle(state: SandboxState, request: Request) -> Response:
    name = request.path.removeprefix("/api/")
    slack = state.data["slack"]
    headers = {
        "x-slack-req-id": state.request_id()[:12],
        "x-oauth-scopes": ",".join(slack["scopes"]),
    }
    fn = METHODS.get(name)
    if fn is None:
        return Response(404, {"ok": False, "error": "unknown_method"}, headers)
    caller = _caller(slack, request)
    if caller is None:
        return Response(200, {"ok": False, "error": "invalid_auth"}, headers)
    if name.startswith("usergroups.") and slack.get("plan", "pro") == "free":
        # User groups are a paid-plan feature; on the free plan every usergroups.* method
        # answers plan_upgrade_required (the reference, 4.2 to 4.6).
        return Response(200, {"ok": False, "error": "plan_upgrade_required"}, headers)
    needed = SCOPES[name]
    if needed and not set(needed) & set(slack["scopes"]) and caller["kind"] == "bot":
        return Response(
            200,
            {
                "ok": False,
                "error": "missing_scope",
                "needed": needed[0],
                "provided": ",".join(slack["scopes"]),
            },
            headers,
        )
    try:
        args = request.args()
    except (ValueError, UnicodeDecodeError):
        json_body = "json" in request.headers.get("content-type", "")
        error = "invalid_json" if json_body else "invalid_form_data"
        return Response(200, {"ok": False, "error": error}, headers)
    try:
        body = fn(state, args, caller)
    except SlackRefusal as refusal:
        return Response(200, {"ok": False, "error": refusal.error, **refusal.extra}, headers)
    except (TypeError, KeyError, AttributeError, ValueError):  # an argument of the wrong shape
        return Response(200, {"ok": False, "error": "invalid_arguments"}, headers)
    return Response(200, {"ok": True, **body}, headers)


def credentials_refused(state: SandboxState, request: Request) -> Response | None:
    """Slack's answer to a request whose token is wrong, judged before its body is read."""
    if _caller(state.data["slack"], request) is None:
        return Response(200, {"ok": False, "error": "invalid_auth"})
    return None


def transport_error(status: int, error: str) -> Response:
    """A request Slack cannot read at all: the error code in Slack's envelope."""
    return Response(status, {"ok": False, "error": error})


def _caller(slack: dict[str, Any], request: Request) -> dict[str, Any] | None:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not token:
        token = request.query.get("token", "")
    if token == slack["bot"]["token"]:
        return {"kind": "bot", "user": slack["bot"]["user_id"]}
    if slack.get("user_token") and token == slack["user_token"]["token"]:
        return {"kind": "user", "user": slack["user_token"]["user_id"]}
    return None


# Workspace settings, with Slack's defaults (help center): "By default, only Workspace Owners and
# Admins can create and manage user groups" (Manage permissions for user groups); removing
# members from public channels is for owners and admins by default, from private channels for
# any member [the removal defaults are from third-party guides: unverified]. The bot is never
# an admin; the user token is an admin's.
DEFAULT_PERMISSIONS = {
    "usergroups": "admins",
    "remove_from_public": "admins",
    "remove_from_private": "everyone",
}


def permission(state: SandboxState, name: str) -> str:
    return str((state.data["slack"].get("permissions") or {}).get(name, DEFAULT_PERMISSIONS[name]))


def allowed(state: SandboxState, name: str, caller: dict[str, Any]) -> bool:
    return permission(state, name) == "everyone" or caller["kind"] == "user"


def escape(text: str) -> str:
    """Text as Slack keeps it: &, < and > as &amp;, &lt; and &gt; (purposes, topics,
    descriptions; "Formatting text for app surfaces": the three characters Slack escapes)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def audit(state: SandboxState, event: str, channel: str, user: str, by: str) -> None:
    """A record of each change that took effect, for tests that count effects, not calls.

    Not part of Slack's API (Slack's nearest is the channel_join message); never answered.
    """
    state.data["slack"].setdefault("audit", []).append(
        {"event": event, "channel": channel, "user": user, "by": by, "at": state.now().isoformat()}
    )


def _require(args: dict[str, str], *names: str) -> None:
    for name in names:
        if not args.get(name):
            raise SlackRefusal(
                "invalid_arguments",
                response_metadata={"messages": [f"[ERROR] missing required field: {name}"]},
            )


def _limit(args: dict[str, str], default: int = 100) -> int:
    try:
        limit = int(args.get("limit") or default)
    except ValueError:
        raise SlackRefusal("invalid_limit") from None
    if limit < 1 or limit >= 1000:
        raise SlackRefusal("invalid_limit")
    return limit


def _page(items: list[Any], args: dict[str, str], default: int = 100) -> tuple[list[Any], str]:
    """One cursor page: Slack's cursors are opaque; ours encode the offset."""
    limit = _limit(args, default)
    cursor = args.get("cursor") or ""
    try:
        offset = int(base64.b64decode(cursor).decode().split(":")[1]) if cursor else 0
    except (ValueError, IndexError):
        raise SlackRefusal("invalid_cursor") from None
    page = items[offset : offset + limit]
    more = offset + limit < len(items)
    next_cursor = base64.b64encode(f"next:{offset + limit}".encode()).decode() if more else ""
    return page, next_cursor


def _user_json(slack: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    return user_json(
        id=user["id"],
        name=user["name"],
        email=user.get("email"),
        real_name=user.get("real_name", ""),
        team_id=slack["team_id"],
        deleted=user.get("deleted", False),
        is_bot=user.get("is_bot", False),
        is_restricted=user.get("is_restricted", False),
        is_ultra_restricted=user.get("is_ultra_restricted", False),
    )


def _user(slack: dict[str, Any], user_id: str) -> dict[str, Any] | None:
    return next((u for u in slack["users"] if u["id"] == user_id), None)
