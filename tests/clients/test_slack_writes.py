"""Slack writes: form bodies as the spec has them, all-or-nothing invites handled, groups never
emptied, the user token only where the bot cannot act."""

from __future__ import annotations

from urllib.parse import parse_qsl

import httpx
import pytest
import respx

from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.errors import AuthError, ServerError, SlackError
from reconciler.sandbox.slack_shapes import channel_json, subteam_json
from tests.clients.conftest import BOT_TOKEN, SLACK_URL, USER_TOKEN


def form(route: respx.Route, index: int = -1) -> dict[str, str]:
    return dict(parse_qsl(route.calls[index].request.content.decode()))


def channel_ok(cid: str = "C0DELIVERY", name: str = "delivery") -> dict:
    return {"ok": True, "channel": channel_json(id=cid, name=name, is_member=True)}


def group_ok(**kwargs: object) -> dict:
    return {
        "ok": True,
        "usergroup": subteam_json(
            **{"id": "S0DS", "handle": "delivery-support", "name": "Delivery Support", **kwargs}
        ),
    }


def test_create_channel_then_set_purpose_and_topic(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    create = api.post(f"{SLACK_URL}/conversations.create").respond(json=channel_ok())
    purpose = api.post(f"{SLACK_URL}/conversations.setPurpose").respond(json=channel_ok())
    topic = api.post(f"{SLACK_URL}/conversations.setTopic").respond(json=channel_ok())
    channel = slack_writer.create_channel("delivery")
    slack_writer.set_purpose(channel.id, "Ask Delivery")
    slack_writer.set_topic(channel.id, "EOC: alex")
    assert form(create) == {"name": "delivery", "is_private": "false"}
    assert form(purpose) == {"channel": "C0DELIVERY", "purpose": "Ask Delivery"}
    assert form(topic) == {"channel": "C0DELIVERY", "topic": "EOC: alex"}
    assert create.calls.last.request.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


def test_a_refused_write_is_an_error_with_slacks_code(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    api.post(f"{SLACK_URL}/conversations.create").respond(json={"ok": False, "error": "name_taken"})
    with pytest.raises(SlackError, match="name_taken"):
        slack_writer.create_channel("delivery")


def test_writes_are_not_retried_on_5xx(api: respx.MockRouter, slack_writer: SlackWriter) -> None:
    route = api.post(f"{SLACK_URL}/chat.postMessage").respond(502, text="bad gateway")
    with pytest.raises(ServerError, match="writes are not retried"):
        slack_writer.post_message("C0DELIVERY", "hello")
    assert route.call_count == 1


def test_join_when_already_a_member_is_only_a_warning(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    api.post(f"{SLACK_URL}/conversations.join").respond(
        json={
            **channel_ok(),
            "warning": "already_in_channel",
            "response_metadata": {"warnings": ["already_in_channel"]},
        }
    )
    slack_writer.join("C0DELIVERY")
    assert slack_writer.warnings == ["conversations.join: already_in_channel"]


def test_an_invite_refused_for_one_user_is_resent_without_them(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = api.post(f"{SLACK_URL}/conversations.invite")
    route.side_effect = [
        httpx.Response(
            200,
            json={
                "ok": False,
                "error": "user_not_found",
                "errors": [
                    {"user": "U0GONE", "ok": False, "error": "user_not_found"},
                    {"user": "U0IN", "ok": False, "error": "already_in_channel"},
                ],
            },
        ),
        httpx.Response(200, json=channel_ok()),
    ]
    result = slack_writer.invite("C0DELIVERY", ["U0NEW", "U0GONE", "U0IN"])
    assert result.invited == ["U0NEW"]
    assert result.already_members == ["U0IN"]
    assert result.failed == {"U0GONE": "user_not_found"}
    assert form(route, 0)["users"] == "U0GONE,U0IN,U0NEW"
    assert form(route, 1)["users"] == "U0NEW"


def test_invites_go_in_batches_of_at_most_100(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = api.post(f"{SLACK_URL}/conversations.invite").respond(json=channel_ok())
    users = [f"U0{i:04d}" for i in range(250)]
    assert len(slack_writer.invite("C0DELIVERY", users).invited) == 250
    assert [len(form(route, i)["users"].split(",")) for i in range(3)] == [100, 100, 50]


def test_kick_of_someone_not_in_the_channel_is_already_done(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = api.post(f"{SLACK_URL}/conversations.kick")
    route.side_effect = [
        httpx.Response(200, json={"ok": True}),
        httpx.Response(200, json={"ok": False, "error": "not_in_channel"}),
    ]
    assert slack_writer.kick("C0INCIDENTS", "U0A1") is True
    assert slack_writer.kick("C0INCIDENTS", "U0A1") is False


def test_archive_with_the_bot_and_unarchive_with_the_user_token(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    archive = api.post(f"{SLACK_URL}/conversations.archive").respond(json={"ok": True})
    unarchive = api.post(f"{SLACK_URL}/conversations.unarchive").respond(json={"ok": True})
    slack_writer.archive("C0OLD")
    slack_writer.unarchive("C0OLD")
    assert archive.calls.last.request.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert unarchive.calls.last.request.headers["Authorization"] == f"Bearer {USER_TOKEN}"


def test_user_group_lifecycle(api: respx.MockRouter, slack_writer: SlackWriter) -> None:
    create = api.post(f"{SLACK_URL}/usergroups.create").respond(json=group_ok())
    update = api.post(f"{SLACK_URL}/usergroups.update").respond(json=group_ok())
    members = api.post(f"{SLACK_URL}/usergroups.users.update").respond(
        json=group_ok(users=["U0A1", "U0B2"])
    )
    api.post(f"{SLACK_URL}/usergroups.disable").respond(json=group_ok(enabled=False))
    api.post(f"{SLACK_URL}/usergroups.enable").respond(json=group_ok())
    group = slack_writer.create_group("Delivery Support", "delivery-support", "EOC")
    slack_writer.update_group(group.id, description="The EOC this week")
    slack_writer.set_group_members(group.id, ["U0B2", "U0A1"])
    slack_writer.disable_group(group.id)
    slack_writer.enable_group(group.id)
    assert form(create) == {
        "name": "Delivery Support",
        "handle": "delivery-support",
        "description": "EOC",
    }
    assert form(update) == {"usergroup": "S0DS", "description": "The EOC this week"}
    assert form(members) == {"usergroup": "S0DS", "users": "U0A1,U0B2"}


def test_a_group_is_never_emptied(slack_writer: SlackWriter) -> None:
    with pytest.raises(ValueError, match="disable it instead"):
        slack_writer.set_group_members("S0DS", [])


def test_a_restricted_workspace_falls_back_to_the_user_token(
    api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers["Authorization"] == f"Bearer {BOT_TOKEN}":
            return httpx.Response(200, json={"ok": False, "error": "permission_denied"})
        return httpx.Response(200, json=group_ok(users=["U0A1"]))

    route = api.post(f"{SLACK_URL}/usergroups.users.update").mock(side_effect=answer)
    slack_writer.set_group_members("S0DS", ["U0A1"])
    assert route.call_count == 2
    slack_writer.set_group_members("S0DT", ["U0A1"])  # the workspace said so: straight to it
    assert route.call_count == 3
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {USER_TOKEN}"


def test_without_a_user_token_permission_denied_explains_the_setting(
    api: respx.MockRouter, slack_writer: SlackWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_writer, "_user_http", None)
    api.post(f"{SLACK_URL}/usergroups.users.update").respond(
        json={"ok": False, "error": "permission_denied"}
    )
    with pytest.raises(AuthError, match="set SLACK_USER_TOKEN"):
        slack_writer.set_group_members("S0DS", ["U0A1"])


def test_post_message(api: respx.MockRouter, slack_writer: SlackWriter) -> None:
    route = api.post(f"{SLACK_URL}/chat.postMessage").respond(
        json={
            "ok": True,
            "channel": "C0DELIVERY",
            "ts": "1700000000.000100",
            "message": {
                "type": "message",
                "text": "hand-off",
                "ts": "1700000000.000100",
                "user": "U0BOTUSER",
                "team": "T0ACME000",
            },
        }
    )
    assert slack_writer.post_message("C0DELIVERY", "hand-off") == "1700000000.000100"
    assert form(route)["text"] == "hand-off"
