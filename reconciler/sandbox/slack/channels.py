"""Channels: listing, membership, purpose and topic, archiving (messages: messages.py)."""

from __future__ import annotations

import re
from typing import Any

from reconciler.sandbox.slack.core import (
    CHANNEL_NAME,
    Method,
    SlackRefusal,
    _page,
    _require,
    _user,
    allowed,
    audit,
    escape,
    method,
)
from reconciler.sandbox.slack_shapes import channel_json
from reconciler.sandbox.state import SandboxState

# -- channels ------------------------------------------------------------------------------------


def _visible(channel: dict[str, Any], caller: dict[str, Any]) -> bool:
    return not channel["is_private"] or caller["user"] in channel["members"]


def _channel(slack: dict[str, Any], args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
    _require(args, "channel")
    for channel in slack["channels"]:
        if channel["id"] == args["channel"] and _visible(channel, caller):
            found: dict[str, Any] = channel
            return found
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
def conversations_list(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
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
def conversations_info(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    return {"channel": _channel_json(_channel(state.data["slack"], args, caller), caller)}


@method("conversations.members", "channels:read", "groups:read")
def conversations_members(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    channel = _channel(state.data["slack"], args, caller)
    page, cursor = _page(sorted(channel["members"]), args)
    return {"members": page, "response_metadata": {"next_cursor": cursor}}


@method("conversations.create", "channels:manage", "groups:write")
def conversations_create(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
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
    def setter(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
        _require(args, "channel")
        channel = _channel(state.data["slack"], args, caller)
        _member_of(channel, caller)
        if len(args.get(field, "")) > 250:
            raise SlackRefusal("too_long")
        channel[field] = escape(args.get(field, ""))
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
def conversations_join(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
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
def conversations_invite(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
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
        raise SlackRefusal(str(errors[0]["error"]), errors=errors)  # all or nothing
    failed = {e["user"] for e in errors}
    for user_id in wanted:
        if user_id not in failed:
            channel["members"].append(user_id)
            audit(state, "invited", channel["id"], user_id, caller["user"])
    return {"channel": _channel_json(channel, caller)}


@method("conversations.kick", "channels:manage", "groups:write")
def conversations_kick(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    _require(args, "channel", "user")
    channel = _channel(state.data["slack"], args, caller)
    _member_of(channel, caller)
    if args["user"] == caller["user"]:
        raise SlackRefusal("cant_kick_self")
    if channel["name"] == "general":
        raise SlackRefusal("cant_kick_from_general")
    setting = "remove_from_private" if channel["is_private"] else "remove_from_public"
    if not allowed(state, setting, caller):
        raise SlackRefusal("restricted_action")  # the workspace keeps members from removing
    if args["user"] not in channel["members"]:
        raise SlackRefusal("not_in_channel")
    channel["members"].remove(args["user"])
    audit(state, "removed", channel["id"], args["user"], caller["user"])
    return {}


@method("conversations.archive", "channels:manage", "groups:write")
def conversations_archive(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
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
) -> dict[str, Any]:
    if caller["kind"] == "bot":  # Slack's documented bug: bot tokens cannot unarchive
        raise SlackRefusal("not_allowed_token_type")
    channel = _channel(state.data["slack"], args, caller)
    if not channel["is_archived"]:
        raise SlackRefusal("not_archived")
    channel["is_archived"] = False
    return {}
