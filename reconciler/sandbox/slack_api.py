"""An emulated Slack Web API: the methods reconcile uses, with Slack's semantics.

HTTP 200 with ok:false for errors; cursor paging; the bot must be in a channel to invite, set its
purpose or topic, kick or post; invites are all-or-nothing unless `force`; a user group's members
are replaced whole and cannot be emptied; archived channels keep their names; bot tokens cannot
unarchive; a workspace may restrict user groups to admins (permission_denied for the bot).
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from typing import Any

from reconciler.sandbox.http import Request, Response
from reconciler.sandbox.slack_shapes import channel_json, subteam_json, user_json
from reconciler.sandbox.state import SandboxState

Method = Callable[[SandboxState, dict[str, str], dict[str, Any]], dict[str, Any]]
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
        body = fn(state, request.args(), caller)
    except SlackRefusal as refusal:
        return Response(200, {"ok": False, "error": refusal.error, **refusal.extra}, headers)
    return Response(200, {"ok": True, **body}, headers)


def _caller(slack: dict[str, Any], request: Request) -> dict[str, Any] | None:
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not token:
        token = request.query.get("token", "")
    if token == slack["bot"]["token"]:
        return {"kind": "bot", "user": slack["bot"]["user_id"]}
    if slack.get("user_token") and token == slack["user_token"]["token"]:
        return {"kind": "user", "user": slack["user_token"]["user_id"]}
    return None


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


# -- identity ------------------------------------------------------------------------------------


@method("auth.test")
def auth_test(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    answer = {
        "url": f"https://{slack['domain']}.slack.com/",
        "team": slack["team_name"],
        "user": "reconcile" if caller["kind"] == "bot" else "admin",
        "team_id": slack["team_id"],
        "user_id": caller["user"],
    }
    if caller["kind"] == "bot":
        answer["bot_id"] = slack["bot"]["bot_id"]
    return answer


# -- users ---------------------------------------------------------------------------------------


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


@method("users.list", "users:read")
def users_list(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    page, cursor = _page(slack["users"], args, default=1000 if not args.get("limit") else 100)
    return {
        "members": [_user_json(slack, u) for u in page],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": cursor},
    }


@method("users.lookupByEmail", "users:read.email")
def users_lookup(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    _require(args, "email")
    slack = state.data["slack"]
    wanted = args["email"].lower()
    for user in slack["users"]:
        if (user.get("email") or "").lower() == wanted and not user.get("deleted"):
            return {"user": _user_json(slack, user)}
    raise SlackRefusal("users_not_found")


def _user(slack: dict[str, Any], user_id: str) -> dict[str, Any] | None:
    return next((u for u in slack["users"] if u["id"] == user_id), None)


# -- channels ------------------------------------------------------------------------------------


def _visible(channel: dict[str, Any], caller: dict[str, Any]) -> bool:
    return not channel["is_private"] or caller["user"] in channel["members"]


def _channel(slack: dict[str, Any], args: dict[str, str], caller: dict[str, Any]) -> dict:
    _require(args, "channel")
    for channel in slack["channels"]:
        if channel["id"] == args["channel"] and _visible(channel, caller):
            return channel
    raise SlackRefusal("channel_not_found")


def _channel_json(channel: dict[str, Any], caller: dict[str, Any]) -> dict[str, Any]:
    return channel_json(
        id=channel["id"],
        name=channel["name"],
        is_private=channel["is_private"],
        is_archived=channel["is_archived"],
        is_member=caller["user"] in channel["members"],
        purpose=channel.get("purpose", ""),
        topic=channel.get("topic", ""),
        creator=channel.get("creator", "U00000000"),
        created=channel.get("created", 1_700_000_000),
        num_members=len(channel["members"]),
    )


def _member_of(channel: dict[str, Any], caller: dict[str, Any]) -> None:
    if channel["is_archived"]:
        raise SlackRefusal("is_archived")
    if caller["user"] not in channel["members"]:
        raise SlackRefusal("not_in_channel")


@method("conversations.list", "channels:read", "groups:read")
def conversations_list(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    types = set((args.get("types") or "public_channel").split(","))
    if not types <= {"public_channel", "private_channel", "mpim", "im"}:
        raise SlackRefusal("invalid_types")
    exclude_archived = args.get("exclude_archived") in ("true", "1")
    chosen = [
        c
        for c in slack["channels"]
        if ("private_channel" if c["is_private"] else "public_channel") in types
        and _visible(c, caller)
        and not (exclude_archived and c["is_archived"])
    ]
    page, cursor = _page(chosen, args)
    return {
        "channels": [_channel_json(c, caller) for c in page],
        "response_metadata": {"next_cursor": cursor},
    }


@method("conversations.info", "channels:read", "groups:read")
def conversations_info(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    return {"channel": _channel_json(_channel(state.data["slack"], args, caller), caller)}


@method("conversations.members", "channels:read", "groups:read")
def conversations_members(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict:
    channel = _channel(state.data["slack"], args, caller)
    page, cursor = _page(sorted(channel["members"]), args)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


@method("conversations.create", "channels:manage", "groups:write")
def conversations_create(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    name = args.get("name") or ""
    if not name:
        raise SlackRefusal("invalid_name_required")
    if len(name) > 80:
        raise SlackRefusal("invalid_name_maxlength")
    if not CHANNEL_NAME.match(name):
        if re.fullmatch(r"[\W_-]+", name):
            raise SlackRefusal("invalid_name_punctuation")
        raise SlackRefusal("invalid_name_specials")
    if any(c["name"] == name for c in slack["channels"]):  # archived ones keep their names
        raise SlackRefusal("name_taken")
    channel = {
        "id": state.slack_id("G" if args.get("is_private") == "true" else "C"),
        "name": name,
        "is_private": args.get("is_private") == "true",
        "is_archived": False,
        "purpose": "",
        "topic": "",
        "creator": caller["user"],
        "created": int(state.now().timestamp()),
        "members": [caller["user"]],
    }
    slack["channels"].append(channel)
    return {"channel": _channel_json(channel, caller)}


def _set_text(field: str) -> Method:
    def setter(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
        _require(args, "channel")
        channel = _channel(state.data["slack"], args, caller)
        _member_of(channel, caller)
        if len(args.get(field, "")) > 250:
            raise SlackRefusal("too_long")
        channel[field] = args.get(field, "")
        return {"channel": _channel_json(channel, caller)}

    return setter


method(
    "conversations.setPurpose",
    "channels:manage",
    "groups:write",
    "channels:write.topic",
    "groups:write.topic",
)(_set_text("purpose"))
method(
    "conversations.setTopic",
    "channels:manage",
    "groups:write",
    "channels:write.topic",
    "groups:write.topic",
)(_set_text("topic"))


@method("conversations.join", "channels:join")
def conversations_join(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    channel = _channel(state.data["slack"], args, caller)
    if channel["is_private"]:
        raise SlackRefusal("method_not_supported_for_channel_type")
    if channel["is_archived"]:
        raise SlackRefusal("is_archived")
    if caller["user"] in channel["members"]:
        return {
            "channel": _channel_json(channel, caller),
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    channel["members"].append(caller["user"])
    return {"channel": _channel_json(channel, caller)}


@method(
    "conversations.invite",
    "channels:manage",
    "groups:write",
    "channels:write.invites",
    "groups:write.invites",
)
def conversations_invite(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    _require(args, "channel", "users")
    channel = _channel(slack, args, caller)
    _member_of(channel, caller)
    wanted = [u for u in args["users"].split(",") if u]
    if len(wanted) > 1000:
        raise SlackRefusal("too_many_users")
    errors = []
    for user_id in wanted:
        user = _user(slack, user_id)
        if user is None or user.get("deleted"):
            errors.append({"user": user_id, "ok": False, "error": "user_not_found"})
        elif user_id == caller["user"]:
            errors.append({"user": user_id, "ok": False, "error": "cant_invite_self"})
        elif user_id in channel["members"]:
            errors.append({"user": user_id, "ok": False, "error": "already_in_channel"})
        elif user.get("is_ultra_restricted"):
            errors.append({"user": user_id, "ok": False, "error": "ura_max_channels"})
    if errors and args.get("force") != "true":
        raise SlackRefusal(errors[0]["error"], errors=errors)  # all or nothing
    failed = {e["user"] for e in errors}
    channel["members"].extend(u for u in wanted if u not in failed)
    return {"channel": _channel_json(channel, caller)}


@method("conversations.kick", "channels:manage", "groups:write")
def conversations_kick(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    _require(args, "channel", "user")
    channel = _channel(state.data["slack"], args, caller)
    _member_of(channel, caller)
    if args["user"] == caller["user"]:
        raise SlackRefusal("cant_kick_self")
    if channel["name"] == "general":
        raise SlackRefusal("cant_kick_from_general")
    if args["user"] not in channel["members"]:
        raise SlackRefusal("not_in_channel")
    channel["members"].remove(args["user"])
    return {}


@method("conversations.archive", "channels:manage", "groups:write")
def conversations_archive(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict:
    channel = _channel(state.data["slack"], args, caller)
    if channel["is_archived"]:
        raise SlackRefusal("already_archived")
    if channel["name"] == "general":
        raise SlackRefusal("cant_archive_general")
    _member_of(channel, caller)
    channel["is_archived"] = True
    return {}


@method("conversations.unarchive", "channels:manage", "groups:write")
def conversations_unarchive(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict:
    if caller["kind"] == "bot":  # Slack's documented bug: bot tokens cannot unarchive
        raise SlackRefusal("not_allowed_token_type")
    channel = _channel(state.data["slack"], args, caller)
    if not channel["is_archived"]:
        raise SlackRefusal("not_archived")
    channel["is_archived"] = False
    return {}


# -- user groups ---------------------------------------------------------------------------------


def _group_json(slack: dict[str, Any], group: dict[str, Any], users: bool = True) -> dict:
    return subteam_json(
        id=group["id"],
        handle=group["handle"],
        name=group["name"],
        description=group.get("description", ""),
        users=group["users"] if users else [],
        enabled=group["enabled"],
        team_id=slack["team_id"],
        created_by=group.get("created_by", "U00000000"),
        auto_type=group.get("auto_type"),
    )


def _group(slack: dict[str, Any], args: dict[str, str]) -> dict[str, Any]:
    _require(args, "usergroup")
    for group in slack["usergroups"]:
        if group["id"] == args["usergroup"]:
            return group
    raise SlackRefusal("no_such_subteam")


def _may_edit_groups(slack: dict[str, Any], caller: dict[str, Any]) -> None:
    if slack.get("restrict_usergroups") and caller["kind"] == "bot":
        raise SlackRefusal("permission_denied")


def _check_handle(slack: dict[str, Any], handle: str, except_id: str | None = None) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,79}", handle):
        raise SlackRefusal("bad_handle")
    taken = [g for g in slack["usergroups"] if g["handle"] == handle and g["id"] != except_id]
    taken += [c for c in slack["channels"] if c["name"] == handle]
    taken += [u for u in slack["users"] if u["name"] == handle]
    if taken:
        raise SlackRefusal("handle_already_exists")


@method("usergroups.list", "usergroups:read")
def usergroups_list(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    include_users = args.get("include_users") == "true"
    groups = [
        g for g in slack["usergroups"] if g["enabled"] or args.get("include_disabled") == "true"
    ]
    return {"usergroups": [_group_json(slack, g, include_users) for g in groups]}


@method("usergroups.create", "usergroups:write")
def usergroups_create(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    _may_edit_groups(slack, caller)
    name = args.get("name") or ""
    if not name:
        raise SlackRefusal("missing_subteam_name")
    if any(g["name"] == name for g in slack["usergroups"]):
        raise SlackRefusal("name_already_exists")
    handle = args.get("handle") or name.lower().replace(" ", "-")
    _check_handle(slack, handle)
    group = {
        "id": state.slack_id("S"),
        "handle": handle,
        "name": name,
        "description": args.get("description", ""),
        "users": [],
        "enabled": True,
        "created_by": caller["user"],
        "auto_type": None,
    }
    slack["usergroups"].append(group)
    return {"usergroup": _group_json(slack, group)}


@method("usergroups.update", "usergroups:write")
def usergroups_update(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    _may_edit_groups(slack, caller)
    group = _group(slack, args)
    if args.get("name") and args["name"] != group["name"]:
        if any(g["name"] == args["name"] for g in slack["usergroups"]):
            raise SlackRefusal("name_already_exists")
        group["name"] = args["name"]
    if args.get("handle") and args["handle"] != group["handle"]:
        _check_handle(slack, args["handle"], group["id"])
        group["handle"] = args["handle"]
    if "description" in args:
        group["description"] = args["description"]
    return {"usergroup": _group_json(slack, group)}


def _toggle(enabled: bool) -> Method:
    def toggle(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
        slack = state.data["slack"]
        _may_edit_groups(slack, caller)
        group = _group(slack, args)
        if group["enabled"] == enabled:
            raise SlackRefusal("already_enabled" if enabled else "already_disabled")
        group["enabled"] = enabled
        return {"usergroup": _group_json(slack, group)}

    return toggle


method("usergroups.enable", "usergroups:write")(_toggle(True))
method("usergroups.disable", "usergroups:write")(_toggle(False))


@method("usergroups.users.update", "usergroups:write")
def usergroups_users_update(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict:
    slack = state.data["slack"]
    _may_edit_groups(slack, caller)
    group = _group(slack, args)
    wanted = [u for u in (args.get("users") or "").split(",") if u]
    if not wanted:
        raise SlackRefusal("no_users_provided")  # disable the group instead, say the docs
    for user_id in wanted:
        user = _user(slack, user_id)
        if user is None or user.get("deleted") or user.get("is_bot"):
            raise SlackRefusal("invalid_users")
        if user.get("is_restricted") or user.get("is_ultra_restricted"):
            raise SlackRefusal("invalid_users")
    group["users"] = sorted(set(wanted))  # the whole list, replaced
    return {"usergroup": _group_json(slack, group)}


# -- messages ------------------------------------------------------------------------------------


@method("chat.postMessage", "chat:write")
def chat_post(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict:
    slack = state.data["slack"]
    _require(args, "channel")
    if not args.get("text") and not args.get("blocks"):
        raise SlackRefusal("no_text")
    channel = _channel(slack, args, caller)
    if channel["is_archived"]:
        raise SlackRefusal("is_archived")
    public_ok = "chat:write.public" in slack["scopes"] and not channel["is_private"]
    if caller["user"] not in channel["members"] and not public_ok:
        raise SlackRefusal("not_in_channel")
    now = state.now()
    ts = f"{int(now.timestamp()):010d}.{state.next_number('ts') % 1_000_000:06d}"
    message = {
        "type": "message",
        "text": args.get("text", ""),
        "ts": ts,
        "user": caller["user"],
        "team": slack["team_id"],
    }
    slack["messages"].append({"channel": channel["id"], **message})
    return {"channel": channel["id"], "ts": ts, "message": message}
