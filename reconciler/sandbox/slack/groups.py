"""User groups: handles, enable and disable, members replaced whole."""

from __future__ import annotations

import re
from typing import Any

from reconciler.sandbox.slack.core import (
    Method,
    SlackRefusal,
    _require,
    _user,
    allowed,
    escape,
    method,
)
from reconciler.sandbox.slack_shapes import subteam_json
from reconciler.sandbox.state import SandboxState

# -- user groups ---------------------------------------------------------------------------------


def _group_json(slack: dict[str, Any], group: dict[str, Any], users: bool = True) -> dict[str, Any]:
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
            found: dict[str, Any] = group
            return found
    raise SlackRefusal("no_such_subteam")


def _may_edit_groups(state: SandboxState, caller: dict[str, Any]) -> None:
    if not allowed(state, "usergroups", caller):
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
def usergroups_list(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    slack = state.data["slack"]
    include_users = args.get("include_users") == "true"
    groups = [
        g for g in slack["usergroups"] if g["enabled"] or args.get("include_disabled") == "true"
    ]
    return {"usergroups": [_group_json(slack, g, include_users) for g in groups]}


@method("usergroups.create", "usergroups:write")
def usergroups_create(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    slack = state.data["slack"]
    _may_edit_groups(state, caller)
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
        "description": escape(args.get("description", "")),
        "users": [],
        "enabled": True,
        "created_by": caller["user"],
        "auto_type": None,
    }
    slack["usergroups"].append(group)
    return {"usergroup": _group_json(slack, group)}


@method("usergroups.update", "usergroups:write")
def usergroups_update(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    slack = state.data["slack"]
    _may_edit_groups(state, caller)
    group = _group(slack, args)
    if args.get("name") and args["name"] != group["name"]:
        if any(g["name"] == args["name"] for g in slack["usergroups"]):
            raise SlackRefusal("name_already_exists")
        group["name"] = args["name"]
    if args.get("handle") and args["handle"] != group["handle"]:
        _check_handle(slack, args["handle"], group["id"])
        group["handle"] = args["handle"]
    if "description" in args:
        group["description"] = escape(args["description"])
    return {"usergroup": _group_json(slack, group)}


def _toggle(enabled: bool) -> Method:
    def toggle(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
        slack = state.data["slack"]
        _may_edit_groups(state, caller)
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
) -> dict[str, Any]:
    slack = state.data["slack"]
    _may_edit_groups(state, caller)
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
