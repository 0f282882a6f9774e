"""Messages: posting, deleting, and reading a channel's history, as Slack does them.

- chat.postMessage stores `metadata` (a JSON object with `event_type` and `event_payload`) and
  answers it back in history only with `include_all_metadata` (docs.slack.dev, "Using message
  metadata"). A bot's message carries both `user` (the bot user) and `bot_id`.
- Message text comes back as Slack keeps it: a bare `&`, `<` or `>` escaped as `&amp;`, `&lt;`,
  `&gt;`, and what looks like a domain turned into a link `<http://ops.io|ops.io>` (Slack's
  "Formatting text for app surfaces": it links URLs and escapes those three characters).
- chat.delete: a bot may delete only its own messages (`cant_delete_message` otherwise).
- conversations.history pages by cursor (`has_more`, `response_metadata.next_cursor`). With
  `oldest` and no `latest` it answers the messages closest to `oldest`, oldest first; otherwise
  the newest first. [The order with `oldest` alone is as the vendor-truth review (issue 10)
  reports it; Slack's method page does not state it, so the client must not depend on order.]
- Reading history needs the history scope that matches the conversation type:
  `channels:history` for a public channel, `groups:history` for a private one.
"""

from __future__ import annotations

import json
import re
from typing import Any

from reconciler.sandbox.slack.channels import _channel
from reconciler.sandbox.slack.core import SlackRefusal, _limit, _page, _require, method
from reconciler.sandbox.state import SandboxState

_BARE_AMP = re.compile(r"&(?!amp;|lt;|gt;)")
_DOMAIN = re.compile(r"(?<![\w@/.|<-])((?:[a-z0-9-]+\.)+(?:io|com|org|net|dev|app))(?![\w.>|-])")
_CONTROL = re.compile(r"<[^<>]*>")  # <@U…>, <#C…>, <!here>, <http://…|…>: left as sent


def slack_text(text: str) -> str:
    """Text as Slack stores a message: bare &, < and > escaped, bare domains linked."""
    parts, last = [], 0
    for control in _CONTROL.finditer(text):
        parts.append(_plain(text[last : control.start()]))
        parts.append(control.group(0))
        last = control.end()
    parts.append(_plain(text[last:]))
    return "".join(parts)


def _plain(text: str) -> str:
    text = _BARE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    return _DOMAIN.sub(lambda m: f"<http://{m.group(1)}|{m.group(1)}>", text)


def _metadata(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        raise SlackRefusal("invalid_metadata_format") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("event_type"), str)
        or not isinstance(data.get("event_payload"), dict)
    ):
        raise SlackRefusal("invalid_metadata_schema")
    return {"event_type": data["event_type"], "event_payload": data["event_payload"]}


@method("chat.postMessage", "chat:write")
def chat_post(state: SandboxState, args: dict[str, str], caller: dict[str, Any]) -> dict[str, Any]:
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
    metadata = _metadata(args.get("metadata"))
    now = state.now()
    ts = f"{int(now.timestamp()):010d}.{state.next_number('ts') % 1_000_000:06d}"
    message: dict[str, Any] = {
        "type": "message",
        "text": slack_text(args.get("text", "")),
        "ts": ts,
        "user": caller["user"],
        "team": slack["team_id"],
    }
    if caller["kind"] == "bot":
        message["bot_id"] = slack["bot"].get("bot_id", "B0000000001")
    stored = {"channel": channel["id"], **message}
    if metadata is not None:
        stored["metadata"] = metadata
    slack["messages"].append(stored)
    return {"channel": channel["id"], "ts": ts, "message": message}


@method("chat.delete", "chat:write")
def chat_delete(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    slack = state.data["slack"]
    _require(args, "channel", "ts")
    channel = _channel(slack, args, caller)
    for i, message in enumerate(slack["messages"]):
        if message["channel"] == channel["id"] and message["ts"] == args["ts"]:
            if message.get("user") != caller["user"]:
                raise SlackRefusal("cant_delete_message")
            del slack["messages"][i]
            return {"channel": channel["id"], "ts": args["ts"]}
    raise SlackRefusal("message_not_found")


@method("conversations.history", "channels:history", "groups:history")
def conversations_history(
    state: SandboxState, args: dict[str, str], caller: dict[str, Any]
) -> dict[str, Any]:
    slack = state.data["slack"]
    channel = _channel(slack, args, caller)
    needed = "groups:history" if channel["is_private"] else "channels:history"
    if caller["kind"] == "bot" and needed not in slack["scopes"]:
        raise SlackRefusal("missing_scope", needed=needed, provided=",".join(slack["scopes"]))
    if caller["user"] not in channel["members"]:
        raise SlackRefusal("not_in_channel")
    try:
        oldest = float(args.get("oldest") or 0)
        latest = float(args["latest"]) if args.get("latest") else float("inf")
    except ValueError:
        raise SlackRefusal("invalid_ts_oldest") from None
    inclusive = args.get("inclusive") in ("true", "1")
    oldest_first = bool(args.get("oldest")) and not args.get("latest")
    chosen = sorted(
        (
            m
            for m in slack["messages"]
            if m["channel"] == channel["id"] and _within(float(m["ts"]), oldest, latest, inclusive)
        ),
        key=lambda m: float(m["ts"]),
        reverse=not oldest_first,
    )
    _limit(args, 100)
    page, cursor = _page(chosen, args, 100)
    with_metadata = args.get("include_all_metadata") in ("true", "1")
    return {
        "messages": [_shown(m, with_metadata) for m in page],
        "has_more": bool(cursor),
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": cursor},
    }


def _within(ts: float, oldest: float, latest: float, inclusive: bool) -> bool:
    if inclusive:
        return oldest <= ts <= latest
    return oldest < ts < latest


def _shown(message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
    hidden = {"channel"} if with_metadata else {"channel", "metadata"}
    return {k: v for k, v in message.items() if k not in hidden}
