"""Slack reads: cursors to the end, ok:false as errors, warnings surfaced, scopes checked first."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from reconciler.backends.slack.client import LOOKUP_LIMIT, SlackReader
from reconciler.clients.errors import AuthError, IncompleteRead, ServerError
from reconciler.sandbox.slack_shapes import channel_json, subteam_json, user_json
from tests.clients.conftest import SLACK_URL, Sleeps

SCOPES = "channels:read,groups:read,usergroups:read,users:read,users:read.email"


def ok(**payload: object) -> dict:
    return {"ok": True, **payload}


def auth_ok(scopes: str = SCOPES) -> httpx.Response:
    return httpx.Response(
        200,
        json=ok(
            url="https://acme.slack.com/",
            team="Acme",
            user="reconcile",
            team_id="T0ACME",
            user_id="U0BOT",
            bot_id="B0BOTBOTBOT",
        ),
        headers={"x-oauth-scopes": scopes},
    )


def test_preflight_names_the_missing_scopes(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    api.get(f"{SLACK_URL}/auth.test").mock(return_value=auth_ok("channels:read,users:read"))
    with pytest.raises(AuthError, match=r"groups:read, users:read\.email"):
        slack_reader.preflight()


def test_preflight_passes_with_the_read_scopes(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    api.get(f"{SLACK_URL}/auth.test").mock(return_value=auth_ok())
    me = slack_reader.preflight()
    assert (me.user_id, me.team_id, me.bot_id) == ("U0BOT", "T0ACME", "B0BOTBOTBOT")


def test_a_revoked_token_is_an_auth_error(api: respx.MockRouter, slack_reader: SlackReader) -> None:
    api.get(f"{SLACK_URL}/auth.test").respond(json={"ok": False, "error": "token_revoked"})
    with pytest.raises(AuthError, match="token_revoked"):
        slack_reader.identity()


def test_channels_are_read_page_by_page_archived_and_private_included(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    route = api.get(f"{SLACK_URL}/conversations.list")
    route.side_effect = [
        httpx.Response(
            200,
            json=ok(
                channels=[
                    channel_json(id="C0DELIVERY", name="delivery", purpose="p", is_member=True)
                ],
                response_metadata={"next_cursor": "dGVhbTpDMDY="},
            ),
        ),
        httpx.Response(
            200,
            json=ok(
                channels=[channel_json(id="C0OLD", name="old", is_archived=True, is_private=True)],
                response_metadata={"next_cursor": ""},
            ),
        ),
    ]
    channels = slack_reader.channels()
    assert [(c.name, c.is_archived, c.is_private, c.purpose) for c in channels] == [
        ("delivery", False, False, "p"),
        ("old", True, True, ""),
    ]
    first, second = (c.request.url.params for c in route.calls)
    assert first["types"] == "public_channel,private_channel"
    assert first["exclude_archived"] == "false"
    assert "cursor" not in first and second["cursor"] == "dGVhbTpDMDY="


def test_429_honours_retry_after(
    api: respx.MockRouter, slack_reader: SlackReader, sleeps: Sleeps
) -> None:
    api.get(f"{SLACK_URL}/conversations.members").side_effect = [
        httpx.Response(
            429, json={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "7"}
        ),
        httpx.Response(
            200, json=ok(members=["U0A1", "U0B2"], response_metadata={"next_cursor": ""})
        ),
    ]
    assert slack_reader.channel_members("C0DELIVERY") == {"U0A1", "U0B2"}
    assert 7 <= sleeps[0] <= 7.25


def test_5xx_then_success(api: respx.MockRouter, slack_reader: SlackReader, sleeps: Sleeps) -> None:
    api.get(f"{SLACK_URL}/usergroups.list").side_effect = [
        httpx.Response(503, text="upstream unavailable"),
        httpx.Response(200, json=ok(usergroups=[])),
    ]
    assert slack_reader.user_groups() == []
    assert len(sleeps) == 1


def test_an_internal_error_answer_is_retried_for_reads(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    route = api.get(f"{SLACK_URL}/usergroups.list")
    route.side_effect = [
        httpx.Response(200, json={"ok": False, "error": "internal_error"}),
        httpx.Response(200, json=ok(usergroups=[subteam_json(id="S0DS", handle="h", name="n")])),
    ]
    assert [g.handle for g in slack_reader.user_groups()] == ["h"]
    assert route.call_count == 2


def test_5xx_until_retries_run_out_is_an_error(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    route = api.get(f"{SLACK_URL}/users.list").respond(500, text="oops")
    with pytest.raises(ServerError, match=r"HTTP 500 \(after retries\)"):
        slack_reader.users()
    assert route.call_count == 3


def test_a_listing_that_never_ends_is_refused_not_cut_short(
    api: respx.MockRouter, slack_reader: SlackReader, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(slack_reader, "max_pages", 3)
    api.get(f"{SLACK_URL}/users.list").respond(
        json=ok(
            cache_ts=0,
            members=[user_json(id="U0A1", name="a", email="a@example.com")],
            response_metadata={"next_cursor": "again"},
        )
    )
    with pytest.raises(IncompleteRead, match="more than 3 pages"):
        slack_reader.users()


def test_the_directory_is_swept_in_pages_as_large_as_slack_allows(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    """users.list is Tier 2: thousands of people at 200 a page would wait out the minute."""
    route = api.get(f"{SLACK_URL}/users.list").respond(
        json=ok(cache_ts=0, members=[user_json(id="U0A1", name="a", email="a@example.com")])
    )
    slack_reader.users()
    assert route.calls.last.request.url.params["limit"] == "999"
    listed = api.get(f"{SLACK_URL}/conversations.list").respond(json=ok(channels=[]))
    slack_reader.channels()
    assert listed.calls.last.request.url.params["limit"] == "999"


def test_a_bot_without_a_scope_is_told_which(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    api.get(f"{SLACK_URL}/conversations.list").respond(
        json={
            "ok": False,
            "error": "missing_scope",
            "needed": "groups:read",
            "provided": "users:read",
        }
    )
    with pytest.raises(AuthError, match="needs scope groups:read; it has users:read"):
        slack_reader.channels()


def test_user_groups_keep_disabled_ones_and_members(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    route = api.get(f"{SLACK_URL}/usergroups.list").respond(
        json=ok(
            usergroups=[
                subteam_json(
                    id="S0DS", handle="delivery-support", name="Delivery Support", users=["U0A1"]
                ),
                subteam_json(id="S0OLD", handle="old", name="Old", enabled=False),
                subteam_json(id="S0ADM", handle="admins", name="Admins", auto_type="admin"),
            ]
        )
    )
    groups = {g.handle: g for g in slack_reader.user_groups()}
    assert groups["delivery-support"].users == {"U0A1"}
    assert groups["old"].enabled is False
    assert groups["admins"].auto_type == "admin"
    assert route.calls.last.request.url.params["include_disabled"] == "true"


def test_few_people_are_looked_up_by_email(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    def lookup(request: httpx.Request) -> httpx.Response:
        email = request.url.params["email"]
        if email == "gone@example.com":
            return httpx.Response(200, json={"ok": False, "error": "users_not_found"})
        return httpx.Response(200, json=ok(user=user_json(id="U0A1", name="a", email=email)))

    route = api.get(f"{SLACK_URL}/users.lookupByEmail").mock(side_effect=lookup)
    found = slack_reader.users_by_email(["A@example.com", "gone@example.com"])
    assert found["a@example.com"].id == "U0A1"
    assert found["gone@example.com"] is None
    assert route.call_count == 2


def test_many_people_are_found_in_one_sweep(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    people = [f"p{i}@example.com" for i in range(LOOKUP_LIMIT + 1)]
    members = [user_json(id=f"U0P{i}", name=f"p{i}", email=e) for i, e in enumerate(people)]
    members.append(user_json(id="U0BOT", name="bot", email=None, is_bot=True))
    members.append(user_json(id="U0DEAD", name="dead", email="dead@example.com", deleted=True))
    route = api.get(f"{SLACK_URL}/users.list").respond(
        json=ok(members=members, cache_ts=0, response_metadata={"next_cursor": ""})
    )
    found = slack_reader.users_by_email([*people, "dead@example.com"])
    assert found["p0@example.com"].id == "U0P0"
    assert found["dead@example.com"] is None
    assert route.call_count == 1


def test_guests_and_bots_cannot_join_groups(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    api.get(f"{SLACK_URL}/users.list").respond(
        json=ok(
            cache_ts=0,
            members=[
                user_json(id="U0G", name="g", email="g@example.com", is_restricted=True),
                user_json(id="U0B", name="b", email=None, is_bot=True),
                user_json(id="U0P", name="p", email="p@example.com"),
            ],
            response_metadata={"next_cursor": ""},
        )
    )
    assert {u.id: u.can_join_groups for u in slack_reader.users()} == {
        "U0G": False,
        "U0B": False,
        "U0P": True,
    }


def test_warnings_on_success_are_surfaced(
    api: respx.MockRouter, slack_reader: SlackReader, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(f"{SLACK_URL}/users.lookupByEmail").respond(
        json={
            "ok": True,
            "user": user_json(id="U0A1", name="a", email="a@example.com"),
            "warning": "superfluous_charset",
            "response_metadata": {"messages": ["[WARN] superfluous charset"]},
        }
    )
    with caplog.at_level(logging.WARNING, "reconciler.slack"):
        slack_reader.users_by_email(["a@example.com"])
    assert slack_reader.warnings == [
        "users.lookupByEmail: superfluous_charset",
        "users.lookupByEmail: [WARN] superfluous charset",
    ]
    assert "superfluous_charset" in caplog.text


def test_an_unknown_channel_is_absent_only_when_asked_for_by_id(
    api: respx.MockRouter, slack_reader: SlackReader
) -> None:
    api.get(f"{SLACK_URL}/conversations.info").respond(
        json={"ok": False, "error": "channel_not_found"}
    )
    assert slack_reader.channel("C0NOPE") is None
