"""Every endpoint the clients use, through every way an answer can go.

Reads: success, 429 then success, 5xx then success, 5xx until retries run out, refused
credentials, and (Slack) ok:false. Writes: success, 429 then success, refused by the vendor,
refused credentials, and 5xx not retried. Each exchange is also checked against the specs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from reconciler import live
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.errors import ApiError, AuthError, ServerError
from reconciler.sandbox.slack_shapes import channel_json, subteam_json, user_json
from tests.clients.conftest import OG_URL, SLACK_URL, og, og_error


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: str
    call: Callable[[Any], Any]
    answer: dict[str, Any]
    status: int = 200


DONE = {"result": "Done", "took": 0.1, "requestId": "req-ok"}
ROTATION = live.ScheduleRotation(
    "r-1",
    "engineer-on-call",
    "weekly",
    1,
    datetime(2026, 1, 5, 16, tzinfo=UTC),
    None,
    (live.Participant("user", "a@example.com"),),
)
RULE = live.EscalationRule(0, "if-not-acked", "default", live.Recipient("schedule", "x", "s-1"))
ROUTE = live.RoutingRule("rr-1", "x on-call", 0, False, "match-all", "escalation", "x", "e-1")
USER = {"id": "u-1", "username": "a@example.com", "fullName": "A"}
TEAM = {"id": "t-1", "name": "Delivery", "members": []}

OG_READS = [
    Endpoint("teams", "GET", "/v2/teams", lambda c: c.teams(), og([], expandable=[])),
    Endpoint("team", "GET", "/v2/teams/Delivery", lambda c: c.team("Delivery"), og(TEAM)),
    Endpoint(
        "users",
        "GET",
        "/v2/users",
        lambda c: c.users(),
        og([USER], totalCount=1, paging={"first": "x"}),
    ),
    Endpoint(
        "user",
        "GET",
        "/v2/users/a%40example.com",
        lambda c: c.user("a@example.com"),
        og(USER, expandable=["contact"]),
    ),
    Endpoint(
        "schedules",
        "GET",
        "/v2/schedules",
        lambda c: c.schedules(),
        og([], expandable=["rotation"]),
    ),
    Endpoint("escalations", "GET", "/v2/escalations", lambda c: c.escalations(), og([])),
    Endpoint(
        "routing rules",
        "GET",
        "/v2/teams/t-1/routing-rules",
        lambda c: c.routing_rules("t-1"),
        og([]),
    ),
    Endpoint(
        "on-calls",
        "GET",
        "/v2/schedules/s-1/on-calls",
        lambda c: c.on_call("s-1"),
        og({"_parent": {"id": "s-1", "name": "x", "enabled": True}, "onCallRecipients": []}),
    ),
    Endpoint(
        "overrides", "GET", "/v2/schedules/s-1/overrides", lambda c: c.overrides("s-1"), og([])
    ),
    Endpoint(
        "contacts",
        "GET",
        "/v2/users/a%40example.com/contacts",
        lambda c: c.contacts("a@example.com"),
        og([]),
    ),
    Endpoint(
        "notification rules",
        "GET",
        "/v2/users/a%40example.com/notification-rules",
        lambda c: c.notification_rules("a@example.com"),
        og([]),
    ),
]
OG_WRITES = [
    Endpoint(
        "create team",
        "POST",
        "/v2/teams",
        lambda c: c.create_team("x", "d", []),
        {**DONE, "data": {"id": "t-1", "name": "x"}},
        201,
    ),
    Endpoint(
        "update team",
        "PATCH",
        "/v2/teams/t-1",
        lambda c: c.update_team("t-1", description="d"),
        DONE,
    ),
    Endpoint(
        "add member",
        "POST",
        "/v2/teams/t-1/members",
        lambda c: c.add_team_member("t-1", live.TeamMember("a@example.com", "user")),
        og({"id": "t-1"}),
    ),
    Endpoint(
        "remove member",
        "DELETE",
        "/v2/teams/t-1/members/a%40example.com",
        lambda c: c.remove_team_member("t-1", "a@example.com"),
        DONE,
    ),
    Endpoint("delete team", "DELETE", "/v2/teams/t-1", lambda c: c.delete_team("t-1"), DONE),
    Endpoint(
        "create schedule",
        "POST",
        "/v2/schedules",
        lambda c: c.create_schedule("x", "d", "UTC", "t-1"),
        {**DONE, "data": {"id": "s-1", "name": "x", "enabled": True}},
        201,
    ),
    Endpoint(
        "update schedule",
        "PATCH",
        "/v2/schedules/s-1",
        lambda c: c.update_schedule("s-1", enabled=True),
        DONE,
    ),
    Endpoint(
        "delete schedule", "DELETE", "/v2/schedules/s-1", lambda c: c.delete_schedule("s-1"), DONE
    ),
    Endpoint(
        "create rotation",
        "POST",
        "/v2/schedules/s-1/rotations",
        lambda c: c.create_rotation("s-1", ROTATION),
        {**DONE, "data": {"id": "r-1", "name": "x"}},
        201,
    ),
    Endpoint(
        "update rotation",
        "PATCH",
        "/v2/schedules/s-1/rotations/r-1",
        lambda c: c.update_rotation("s-1", ROTATION),
        DONE,
    ),
    Endpoint(
        "delete rotation",
        "DELETE",
        "/v2/schedules/s-1/rotations/r-1",
        lambda c: c.delete_rotation("s-1", "r-1"),
        DONE,
    ),
    Endpoint(
        "create escalation",
        "POST",
        "/v2/escalations",
        lambda c: c.create_escalation("x", "d", "t-1", [RULE]),
        {**DONE, "data": {"id": "e-1", "name": "x"}},
        201,
    ),
    Endpoint(
        "update escalation",
        "PATCH",
        "/v2/escalations/e-1",
        lambda c: c.update_escalation("e-1", rules=[RULE]),
        DONE,
    ),
    Endpoint(
        "delete escalation",
        "DELETE",
        "/v2/escalations/e-1",
        lambda c: c.delete_escalation("e-1"),
        DONE,
    ),
    Endpoint(
        "create routing rule",
        "POST",
        "/v2/teams/t-1/routing-rules",
        lambda c: c.create_routing_rule("t-1", ROUTE),
        {**DONE, "data": {"id": "rr-1", "name": "x"}},
        201,
    ),
    Endpoint(
        "update routing rule",
        "PATCH",
        "/v2/teams/t-1/routing-rules/rr-1",
        lambda c: c.update_routing_rule("t-1", ROUTE),
        DONE,
    ),
    Endpoint(
        "delete routing rule",
        "DELETE",
        "/v2/teams/t-1/routing-rules/rr-1",
        lambda c: c.delete_routing_rule("t-1", "rr-1"),
        DONE,
    ),
]


def ok(**payload: Any) -> dict[str, Any]:
    return {"ok": True, **payload}


GROUP = subteam_json(id="S0DS", handle="h", name="n", users=["U0A1"])
CHANNEL = channel_json(id="C0DELIVERY", name="delivery", is_member=True)
MESSAGE = {
    "type": "message",
    "text": "t",
    "ts": "1700000000.000100",
    "user": "U0BOT",
    "team": "T0ACME000",
}
SL_READS = [
    Endpoint(
        "conversations.history",
        "GET",
        "/conversations.history",
        lambda c: c.history("C0DELIVERY", 1700000000.0),
        ok(
            messages=[MESSAGE],
            has_more=False,
            pin_count=0,
            channel_actions_ts=None,
            channel_actions_count=0,
        ),
    ),
    Endpoint(
        "auth.test",
        "GET",
        "/auth.test",
        lambda c: c.identity(),
        ok(url="u", team="t", user="b", team_id="T0ACME000", user_id="U0BOT"),
    ),
    Endpoint(
        "conversations.list",
        "GET",
        "/conversations.list",
        lambda c: c.channels(),
        ok(channels=[CHANNEL], response_metadata={"next_cursor": ""}),
    ),
    Endpoint(
        "conversations.info",
        "GET",
        "/conversations.info",
        lambda c: c.channel("C0X"),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.members",
        "GET",
        "/conversations.members",
        lambda c: c.channel_members("C0X"),
        ok(members=["U0A1"], response_metadata={"next_cursor": ""}),
    ),
    Endpoint(
        "usergroups.list",
        "GET",
        "/usergroups.list",
        lambda c: c.user_groups(),
        ok(usergroups=[GROUP]),
    ),
    Endpoint(
        "users.list",
        "GET",
        "/users.list",
        lambda c: c.users(),
        ok(
            members=[user_json(id="U0A1", name="a", email="a@example.com")],
            cache_ts=0,
            response_metadata={"next_cursor": ""},
        ),
    ),
    Endpoint(
        "users.lookupByEmail",
        "GET",
        "/users.lookupByEmail",
        lambda c: c.users_by_email(["a@example.com"]),
        ok(user=user_json(id="U0A1", name="a", email="a@example.com")),
    ),
]
SL_WRITES = [
    Endpoint(
        "conversations.create",
        "POST",
        "/conversations.create",
        lambda c: c.create_channel("delivery"),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.setPurpose",
        "POST",
        "/conversations.setPurpose",
        lambda c: c.set_purpose("C0X", "p"),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.setTopic",
        "POST",
        "/conversations.setTopic",
        lambda c: c.set_topic("C0X", "t"),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.join",
        "POST",
        "/conversations.join",
        lambda c: c.join("C0X"),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.invite",
        "POST",
        "/conversations.invite",
        lambda c: c.invite("C0X", ["U0A1"]),
        ok(channel=CHANNEL),
    ),
    Endpoint(
        "conversations.kick", "POST", "/conversations.kick", lambda c: c.kick("C0X", "U0A1"), ok()
    ),
    Endpoint(
        "conversations.archive", "POST", "/conversations.archive", lambda c: c.archive("C0X"), ok()
    ),
    Endpoint(
        "conversations.unarchive",
        "POST",
        "/conversations.unarchive",
        lambda c: c.unarchive("C0X"),
        ok(),
    ),
    Endpoint(
        "usergroups.create",
        "POST",
        "/usergroups.create",
        lambda c: c.create_group("n", "h"),
        ok(usergroup=GROUP),
    ),
    Endpoint(
        "usergroups.update",
        "POST",
        "/usergroups.update",
        lambda c: c.update_group("S0DS", name="n"),
        ok(usergroup=GROUP),
    ),
    Endpoint(
        "usergroups.enable",
        "POST",
        "/usergroups.enable",
        lambda c: c.enable_group("S0DS"),
        ok(usergroup=GROUP),
    ),
    Endpoint(
        "usergroups.disable",
        "POST",
        "/usergroups.disable",
        lambda c: c.disable_group("S0DS"),
        ok(usergroup=GROUP),
    ),
    Endpoint(
        "usergroups.users.update",
        "POST",
        "/usergroups.users.update",
        lambda c: c.set_group_members("S0DS", ["U0A1"]),
        ok(usergroup=GROUP),
    ),
    Endpoint(
        "chat.postMessage",
        "POST",
        "/chat.postMessage",
        lambda c: c.post_message("C0X", "t"),
        ok(channel="C0DELIVERY", ts="1700000000.000100", message=MESSAGE),
    ),
]

# What each read must parse its canned answer into: a retried read returns the same thing.
EXPECT: dict[str, Callable[[Any], bool]] = {
    "teams": lambda r: r == [],
    "team": lambda r: r.name == "Delivery" and r.id == "t-1",
    "users": lambda r: [u.username for u in r] == ["a@example.com"],
    "user": lambda r: r.username == "a@example.com" and r.full_name == "A",
    "schedules": lambda r: r == [],
    "escalations": lambda r: r == [],
    "routing rules": lambda r: r == [],
    "on-calls": lambda r: r == [],
    "overrides": lambda r: r == [],
    "contacts": lambda r: r == [],
    "notification rules": lambda r: r == [],
    "conversations.history": lambda r: (
        [(m.ts, m.user) for m in r] == [("1700000000.000100", "U0BOT")]
    ),
    "auth.test": lambda r: (r.user_id, r.team_id) == ("U0BOT", "T0ACME000"),
    "conversations.list": lambda r: [c.id for c in r] == [CHANNEL["id"]],
    "conversations.info": lambda r: r is not None and r.id == CHANNEL["id"],
    "conversations.members": lambda r: r == frozenset({"U0A1"}),
    "usergroups.list": lambda r: [g.id for g in r] == [GROUP["id"]],
    "users.list": lambda r: [u.email for u in r] == ["a@example.com"],
    "users.lookupByEmail": lambda r: (
        r["a@example.com"] is not None and r["a@example.com"].id == "U0A1"
    ),
}


def test_every_read_has_an_expectation() -> None:
    assert {e.name for e in OG_READS + SL_READS} == set(EXPECT)


OG_429 = httpx.Response(
    429, json=og_error("too many", 429), headers={"X-RateLimit-Period-In-Sec": "1"}
)
SL_429 = httpx.Response(
    429, json={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"}
)


def _route(api: respx.MockRouter, base: str, e: Endpoint) -> respx.Route:
    return api.route(method=e.method, url=f"{base}{e.url}")


def _ok(e: Endpoint) -> httpx.Response:
    return httpx.Response(e.status, json=e.answer)


ids = [e.name for e in OG_READS]


@pytest.mark.parametrize("e", OG_READS, ids=ids)
def test_opsgenie_read_success_and_transient_failures(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = _route(api, OG_URL, e)
    route.side_effect = [OG_429, httpx.Response(502, json=og_error("bad gateway", 502)), _ok(e)]
    assert EXPECT[e.name](e.call(og_writer))
    assert route.call_count == 3


@pytest.mark.parametrize("e", OG_READS, ids=ids)
def test_opsgenie_read_5xx_until_retries_run_out(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = _route(api, OG_URL, e).respond(500, json=og_error("broken", 500))
    with pytest.raises(ServerError):
        e.call(og_writer)
    assert route.call_count == 3


@pytest.mark.parametrize("e", OG_READS, ids=ids)
def test_opsgenie_read_with_a_bad_key(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    _route(api, OG_URL, e).respond(401, json=og_error("Could not authenticate", 401))
    with pytest.raises(AuthError):
        e.call(og_writer)


wids = [e.name for e in OG_WRITES]


@pytest.mark.parametrize("e", OG_WRITES, ids=wids)
def test_opsgenie_write_success_after_a_429(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = _route(api, OG_URL, e)
    route.side_effect = [OG_429, _ok(e)]
    e.call(og_writer)
    assert route.call_count == 2


@pytest.mark.parametrize("e", OG_WRITES, ids=wids)
def test_opsgenie_write_refused(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    _route(api, OG_URL, e).respond(422, json=og_error("Request body is not processable", 422))
    with pytest.raises(ApiError, match="not processable"):
        e.call(og_writer)


@pytest.mark.parametrize("e", OG_WRITES, ids=wids)
def test_opsgenie_write_without_the_right(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    _route(api, OG_URL, e).respond(403, json=og_error("forbidden", 403, code=40301))
    right = "Delete" if e.method == "DELETE" else "Create and Update"
    with pytest.raises(AuthError, match=right):
        e.call(og_writer)


@pytest.mark.parametrize("e", OG_WRITES, ids=wids)
def test_opsgenie_write_5xx_is_retried_only_for_deletes(
    e: Endpoint, api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = _route(api, OG_URL, e).respond(503, json=og_error("unavailable", 503))
    with pytest.raises(ServerError):
        e.call(og_writer)
    assert route.call_count == (3 if e.method == "DELETE" else 1)


sids = [e.name for e in SL_READS]


@pytest.mark.parametrize("e", SL_READS, ids=sids)
def test_slack_read_success_and_transient_failures(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = _route(api, SLACK_URL, e)
    route.side_effect = [SL_429, httpx.Response(503, text="unavailable"), _ok(e)]
    assert EXPECT[e.name](e.call(slack_writer))
    assert route.call_count == 3


@pytest.mark.parametrize("e", SL_READS, ids=sids)
def test_slack_read_5xx_until_retries_run_out(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = _route(api, SLACK_URL, e).respond(500, text="oops")
    with pytest.raises(ServerError):
        e.call(slack_writer)
    assert route.call_count == 3


@pytest.mark.parametrize("e", SL_READS, ids=sids)
def test_slack_read_with_a_bad_token(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    _route(api, SLACK_URL, e).respond(json={"ok": False, "error": "invalid_auth"})
    with pytest.raises(AuthError, match="invalid_auth"):
        e.call(slack_writer)


@pytest.mark.parametrize("e", SL_READS, ids=sids)
def test_slack_read_ok_false(e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter) -> None:
    _route(api, SLACK_URL, e).respond(json={"ok": False, "error": "team_is_restricted"})
    with pytest.raises(ApiError, match="team_is_restricted"):
        e.call(slack_writer)


swids = [e.name for e in SL_WRITES]


@pytest.mark.parametrize("e", SL_WRITES, ids=swids)
def test_slack_write_success_after_a_429(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = _route(api, SLACK_URL, e)
    route.side_effect = [SL_429, _ok(e)]
    e.call(slack_writer)
    assert route.call_count == 2


@pytest.mark.parametrize("e", SL_WRITES, ids=swids)
def test_slack_write_refused(e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter) -> None:
    _route(api, SLACK_URL, e).respond(json={"ok": False, "error": "restricted_action"})
    with pytest.raises(ApiError, match="restricted_action"):
        e.call(slack_writer)


@pytest.mark.parametrize("e", SL_WRITES, ids=swids)
def test_slack_write_with_a_bad_token(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    _route(api, SLACK_URL, e).respond(json={"ok": False, "error": "not_authed"})
    with pytest.raises(AuthError):
        e.call(slack_writer)


@pytest.mark.parametrize("e", SL_WRITES, ids=swids)
def test_slack_write_5xx_is_not_retried(
    e: Endpoint, api: respx.MockRouter, slack_writer: SlackWriter
) -> None:
    route = _route(api, SLACK_URL, e).respond(502, text="bad gateway")
    with pytest.raises(ServerError):
        e.call(slack_writer)
    assert route.call_count == 1
