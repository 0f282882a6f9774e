"""Slack writes: channels, membership, user groups, messages. For sync and apply only.

Invites are all-or-nothing (one bad user sinks the batch), so batches are at most 100 and a
refused batch is retried without the users Slack named. A group's member list is replaced whole
and cannot be emptied: the caller chooses to disable the group instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler import live
from reconciler.backends.slack.client import SlackReader, _channel, _group, read_only
from reconciler.clients.errors import ApiError, AuthError, SlackError
from reconciler.clients.http import Http

INVITE_BATCH = 100
HARMLESS_INVITE_ERRORS = frozenset({"already_in_channel", "cant_invite_self"})


@dataclass
class InviteResult:
    invited: list[str] = field(default_factory=list)
    already_members: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # user -> Slack's error code


def _form(args: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key, value in args.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, (list, tuple, set, frozenset)):
            out[key] = ",".join(sorted(value) if isinstance(value, (set, frozenset)) else value)
        else:
            out[key] = str(value)
    return out


class SlackWriter(SlackReader):
    def __init__(self, http: Http, user_http: Http | None = None) -> None:
        super().__init__(read_only(http))
        self._write_http = http
        self._user_http = user_http  # an admin's token, for restricted user groups and unarchive
        self._groups_need_user = False  # the workspace refused the bot a user-group write

    def __repr__(self) -> str:
        return f"SlackWriter({self._write_http!r}, user_token={self._user_http is not None})"

    def close(self) -> None:
        super().close()
        if self._user_http is not None:
            self._user_http.close()

    @property
    def has_user_token(self) -> bool:
        return self._user_http is not None

    def _post(self, method: str, args: dict[str, Any], *, as_user: bool = False) -> dict[str, Any]:
        http = self._user_http if as_user and self._user_http is not None else self._write_http
        response = http.send(
            "POST",
            f"/{method}",
            data=_form(args),
            idempotent=False,
            pace_key=method,
            operation=method,
        )
        return self._calls.payload(method, response)

    def _post_group(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """User-group writes: the bot first; the user token if the workspace restricts groups,
        and from then on straight away (a workspace setting: it will not change mid-run, and
        each refused try spends a Tier 2 call)."""
        if self._groups_need_user:
            return self._post(method, args, as_user=True)
        try:
            return self._post(method, args)
        except AuthError as exc:
            if exc.code != "permission_denied" or self._user_http is None:
                raise
            self._groups_need_user = True
            return self._post(method, args, as_user=True)

    # -- channels --------------------------------------------------------------------------------

    def create_channel(self, name: str, *, private: bool = False) -> live.Channel:
        body = self._post("conversations.create", {"name": name, "is_private": private})
        return _channel(body["channel"])

    def set_purpose(self, channel_id: str, purpose: str) -> None:
        self._post("conversations.setPurpose", {"channel": channel_id, "purpose": purpose})

    def set_topic(self, channel_id: str, topic: str) -> None:
        self._post("conversations.setTopic", {"channel": channel_id, "topic": topic})

    def join(self, channel_id: str) -> None:
        self._post("conversations.join", {"channel": channel_id})  # already in: a warning only

    def invite(self, channel_id: str, users: Iterable[str]) -> InviteResult:
        result = InviteResult()
        pending = sorted(set(users))
        for start in range(0, len(pending), INVITE_BATCH):
            self._invite_batch(channel_id, pending[start : start + INVITE_BATCH], result)
        return result

    def _invite_batch(self, channel_id: str, batch: list[str], result: InviteResult) -> None:
        while batch:
            try:
                self._post("conversations.invite", {"channel": channel_id, "users": batch})
            except ApiError as exc:  # user_not_found and friends arrive as NotFound
                per_user = _per_user_errors(exc)
                if not per_user:
                    if exc.code == "already_in_channel" and len(batch) == 1:
                        result.already_members.extend(batch)
                        return
                    raise
                for user, code in per_user.items():
                    if code in HARMLESS_INVITE_ERRORS:
                        result.already_members.append(user)
                    else:
                        result.failed[user] = code
                # Nobody was invited: send the batch again without the users Slack named.
                batch = [u for u in batch if u not in per_user]
                continue
            result.invited.extend(batch)
            return

    def kick(self, channel_id: str, user: str) -> bool:
        """Remove `user`; False if they were not in the channel (already as wanted).

        A workspace may keep members (and so the bot) from removing people: Slack answers
        `restricted_action` (the method page). Then the user token, an admin's, is tried. Its
        `not_in_channel` may mean the admin is not in the channel rather than the target:
        membership is read to tell which.
        """
        args = {"channel": channel_id, "user": user}
        try:
            self._post("conversations.kick", args)
        except SlackError as exc:
            if exc.code == "not_in_channel":
                return False
            if exc.code != "restricted_action" or self._user_http is None:
                raise
        else:
            return True
        try:
            self._post("conversations.kick", args, as_user=True)
        except SlackError as exc:
            if exc.code != "not_in_channel":
                raise
            if user in self.channel_members(channel_id):
                raise SlackError(
                    "Slack",
                    "conversations.kick",
                    "the user token's user is not in the channel, so cannot remove anyone",
                    code="not_in_channel",
                ) from None
            return False
        return True

    def archive(self, channel_id: str) -> None:
        self._post("conversations.archive", {"channel": channel_id})

    def unarchive(self, channel_id: str) -> None:
        # Bot tokens cannot unarchive (a documented Slack bug): use the user token if there is one.
        self._post("conversations.unarchive", {"channel": channel_id}, as_user=True)

    # -- user groups -----------------------------------------------------------------------------

    def create_group(self, name: str, handle: str, description: str = "") -> live.UserGroup:
        body = self._post_group(
            "usergroups.create", {"name": name, "handle": handle, "description": description}
        )
        return _group(body["usergroup"])

    def update_group(
        self,
        group_id: str,
        *,
        name: str | None = None,
        handle: str | None = None,
        description: str | None = None,
    ) -> None:
        args = {"usergroup": group_id, "name": name, "handle": handle, "description": description}
        self._post_group("usergroups.update", args)

    def enable_group(self, group_id: str) -> None:
        self._post_group("usergroups.enable", {"usergroup": group_id})

    def disable_group(self, group_id: str) -> None:
        self._post_group("usergroups.disable", {"usergroup": group_id})

    def set_group_members(self, group_id: str, users: Iterable[str]) -> None:
        members = sorted(set(users))
        if not members:
            raise ValueError("Slack cannot empty a user group; disable it instead")
        self._post_group("usergroups.users.update", {"usergroup": group_id, "users": members})

    # -- messages --------------------------------------------------------------------------------

    def post_message(
        self,
        channel_id: str,
        text: str,
        *,
        event_type: str | None = None,
        event_payload: dict[str, Any] | None = None,
    ) -> str:
        """Post `text`; with `event_type`, message metadata that Slack's formatting leaves alone
        (read back by history with include_all_metadata). Returns the message's ts."""
        args: dict[str, Any] = {
            "channel": channel_id,
            "text": text,
            "unfurl_links": False,
            "mrkdwn": True,
        }
        if event_type is not None:
            metadata = {"event_type": event_type, "event_payload": event_payload or {}}
            args["metadata"] = json.dumps(metadata, sort_keys=True)
        body = self._post("chat.postMessage", args)
        return str(body.get("ts", ""))

    def delete_message(self, channel_id: str, ts: str) -> bool:
        """Delete our message `ts`; False if it was already gone."""
        try:
            self._post("chat.delete", {"channel": channel_id, "ts": ts})
        except ApiError as exc:
            if exc.code == "message_not_found":
                return False
            raise
        return True


def _per_user_errors(exc: ApiError) -> dict[str, str]:
    listed = exc.details.get("errors") or []
    assert isinstance(listed, list)
    return {e["user"]: e.get("error", "") for e in listed if isinstance(e, dict) and "user" in e}
