"""auth.test and users: who the token is, and the workspace's people."""

from __future__ import annotations

import time
from typing import Any

from reconciler.sandbox.slack.core import (
    SlackRefusal,
    _page,
    _require,
    _user_json,
    method,
)
from reconciler.sandbox.state import SandboxState

# -- identity ------------------------------------------------------------------------------------


@method("auth.test")
def auth_test(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
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


@method("users.list", "users:read")
def users_list(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
    slack = state.data["slack"]
    page, cursor = _page(slack["users"], args, default=1000 if not args.get("limit") else 100)
    return {
        "members": [_user_json(slack, u) for u in page],
        "cache_ts": int(time.time()),
        "response_metadata": {"next_cursor": cursor},
    }


@method("users.lookupByEmail", "users:read.email")
def users_lookup(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    _require(args, "email")
    slack = state.data["slack"]
    wanted = args["email"].lower()
    for user in slack["users"]:
        if (user.get("email") or "").lower() == wanted and not user.get("deleted"):
            return {"user": _user_json(slack, user)}
    raise SlackRefusal("users_not_found")
