"""The emulated Slack behaves as Slack does, traps included (in-process and over TCP)."""

from __future__ import annotations

import pytest

from reconciler.clients.errors import ApiError, AuthError, NotFound, SlackError, Unprocessable
from tests.sandbox.conftest import Sandbox


def channel_id(sandbox: Sandbox, name: str) -> str:
    return next(c.id for c in sandbox.clients.slack.channels() if c.name == name)


def user_id(sandbox: Sandbox, email: str) -> str:
    found = sandbox.clients.slack.users_by_email([email])[email]
    assert found is not None
    return found.id


def test_preflight_and_the_seeded_workspace(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    me = sl.preflight(write=True)
    assert me.team_id == "T0EXAMPLE01"
    channels = {c.name: c for c in sl.channels()}
    assert {
        "delivery",
        "incidents",
        "prod-eng-announcements",
        "ask-prod-eng",
        "buildkite-main",
    } <= set(channels)
    assert channels["release-2025"].is_archived
    assert "leadership" not in channels  # private, and the bot is not in it
    assert not channels["buildkite-main"].bot_is_member
    groups = {g.handle: g for g in sl.user_groups()}
    assert groups["admins"].auto_type == "admin"
    assert len(groups["delivery-support"].users) == 1


def test_channels_and_users_are_paged(sandbox: Sandbox) -> None:
    def many_channels(data: dict) -> None:
        for i in range(450):
            data["slack"]["channels"].append(
                {
                    "id": f"C9{i:09d}",
                    "name": f"project-{i:03d}",
                    "is_private": False,
                    "is_archived": False,
                    "purpose": "",
                    "topic": "",
                    "members": [],
                }
            )

    sandbox.edit(many_channels)
    assert len(sandbox.clients.slack.channels()) == 12 - 1 + 450
    assert len(sandbox.clients.slack.users()) == 2 + 36 + 1


def test_lookups_skip_deactivated_people(sandbox: Sandbox) -> None:
    found = sandbox.clients.slack.users_by_email(
        ["alex.rivera@example.com", "former.engineer@example.com", "nobody@example.com"]
    )
    assert found["alex.rivera@example.com"] is not None
    assert found["former.engineer@example.com"] is None
    assert found["nobody@example.com"] is None


def test_the_bot_must_be_in_a_channel_to_invite_or_set_its_purpose(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    cid = channel_id(sandbox, "buildkite-main")
    alex = user_id(sandbox, "alex.rivera@example.com")
    with pytest.raises(SlackError, match="not_in_channel"):
        sl.set_purpose(cid, "CI")
    with pytest.raises(SlackError, match="not_in_channel"):
        sl.invite(cid, [alex])
    sl.join(cid)
    sl.set_purpose(cid, "CI status")
    sl.join(cid)  # a second join is harmless: a warning
    assert sl.warnings[-1] == "conversations.join: already_in_channel"
    assert sl.channel(cid).purpose == "CI status"


def test_invites_are_all_or_nothing_and_the_writer_recovers(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    cid = channel_id(sandbox, "delivery")
    newcomer = user_id(sandbox, "morgan.platform@example.com")
    member = user_id(sandbox, "alex.rivera@example.com")
    result = sl.invite(cid, [newcomer, member, "U0NOSUCHONE"])
    assert result.invited == [newcomer]
    assert result.already_members == [member]
    assert result.failed == {"U0NOSUCHONE": "user_not_found"}
    assert newcomer in sl.channel_members(cid)


def test_kick_and_leave_semantics(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    cid = channel_id(sandbox, "incidents")
    alex = user_id(sandbox, "alex.rivera@example.com")
    assert sl.kick(cid, alex) is True
    assert sl.kick(cid, alex) is False
    assert alex not in sl.channel_members(cid)


def test_archived_channels_keep_their_names(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    with pytest.raises(SlackError, match="name_taken"):
        sl.create_channel("release-2025")
    created = sl.create_channel("delivery-oncall")
    sl.archive(created.id)
    with pytest.raises(SlackError, match="name_taken"):
        sl.create_channel("delivery-oncall")


def test_bot_tokens_cannot_unarchive_but_the_user_token_can(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    cid = channel_id(sandbox, "release-2025")
    sl.unarchive(cid)  # the writer uses the user token for this
    assert not sl.channel(cid).is_archived
    user_http, sl._user_http = sl._user_http, None
    try:
        with pytest.raises(ApiError, match=r"not_allowed_token_type"):
            sl.unarchive(cid)
    finally:
        sl._user_http = user_http


def test_channel_names_slack_rejects(sandbox: Sandbox) -> None:
    with pytest.raises(Unprocessable, match="invalid_name_specials"):
        sandbox.clients.slack.create_channel("Delivery Team")


def test_group_members_are_replaced_whole_and_never_emptied(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    group = next(g for g in sl.user_groups() if g.handle == "delivery-support")
    alex = user_id(sandbox, "alex.rivera@example.com")
    casey = user_id(sandbox, "casey.okafor@example.com")
    sl.set_group_members(group.id, [alex, casey])
    sl.set_group_members(group.id, [casey])
    assert next(g for g in sl.user_groups() if g.id == group.id).users == {casey}
    with pytest.raises(ValueError):
        sl.set_group_members(group.id, [])
    assert sl._user_http is not None  # an admin's: the workspace restricts groups by default
    raw = sl._user_http.send(
        "POST",
        "/usergroups.users.update",
        data={"usergroup": group.id, "users": ""},
        idempotent=False,
    )
    assert raw.json() == {"ok": False, "error": "no_users_provided"}


def test_guests_and_bots_cannot_join_a_group(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    group = next(g for g in sl.user_groups() if g.handle == "delivery-support")
    guest = next(u for u in sl.users() if u.is_guest)
    with pytest.raises(Unprocessable, match="invalid_users"):
        sl.set_group_members(group.id, [guest.id])


def test_disabled_groups_stay_listed_and_block_their_handle(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    group = next(g for g in sl.user_groups() if g.handle == "platform-oncall")
    sl.disable_group(group.id)
    assert next(g for g in sl.user_groups() if g.id == group.id).enabled is False
    with pytest.raises(SlackError, match="handle_already_exists"):
        sl.create_group("Platform again", "platform-oncall")
    sl.enable_group(group.id)


def test_restricted_user_groups_need_the_admin_token(sandbox: Sandbox) -> None:
    sandbox.edit(lambda data: data["slack"]["permissions"].__setitem__("usergroups", "admins"))
    sl = sandbox.clients.slack
    created = sl.create_group("Search on call", "search-oncall")  # via the user token
    assert created.handle == "search-oncall"
    sl._user_http = None
    with pytest.raises(AuthError, match="permission_denied"):
        sl.create_group("Other", "other-oncall")


def test_posting_needs_membership(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    with pytest.raises(SlackError, match="not_in_channel"):
        sl.post_message(channel_id(sandbox, "sales"), "hello")
    ts = sl.post_message(channel_id(sandbox, "delivery"), "Hand-off notes: https://x")
    assert ts
    messages = sandbox.state().data["slack"]["messages"]
    assert messages[-1]["text"] == "Hand-off notes: https://x"


def test_unknown_channel_by_id(sandbox: Sandbox) -> None:
    assert sandbox.clients.slack.channel("C0NOSUCHONE") is None
    with pytest.raises(NotFound):
        sandbox.clients.slack.channel_members("C0NOSUCHONE")
