"""Slack as it is: history by cursor, workspaces that restrict removals and user groups, free
plans, escaped text, rate limits inside a 200, posts found by metadata, history scopes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from reconciler.clients.errors import AuthError
from reconciler.plan.lifecycle_read import HANDOFF_EVENT, handoff_payload, is_handoff_post, marker
from tests.plan.conftest import delivery
from tests.sandbox.conftest import Sandbox
from tests.vendor_truth.conftest import Cli

HANDOFF = "2026-12-07T16:05:00Z"  # Monday 10:05 CST
SHIFT_START = datetime.fromisoformat("2026-12-07T16:00:00+00:00")
GROUP_LINES = """  on_call_group:
    handle: delivery-support
    name: Delivery Support
    description: The Delivery team's engineer on call this week.
    when_nobody_on_call: keep
"""


def _slack(cli: Cli) -> dict[str, Any]:
    return cli.state().data["slack"]


def _id(slack: dict[str, Any], kind: str, name: str) -> str:
    key = "email" if kind == "users" else "name"
    return next(x["id"] for x in slack[kind] if x.get(key) == name)


def _bot_posts(cli: Cli) -> list[dict[str, Any]]:
    slack = _slack(cli)
    channel = _id(slack, "channels", "delivery")
    bot = slack["bot"]["user_id"]
    return [m for m in slack["messages"] if m["channel"] == channel and m["user"] == bot]


def _members(cli: Cli, channel: str) -> set[str]:
    slack = _slack(cli)
    return set(next(c for c in slack["channels"] if c["name"] == channel)["members"])


def _without_user_token(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_USER_TOKEN", raising=False)
    cli.edit(lambda data: data["slack"]["user_token"].__setitem__("token", ""))


def test_the_post_is_found_behind_more_than_a_page_of_history(cli: Cli) -> None:
    assert cli.apply() == 0
    cli.clock(HANDOFF)

    def chatter(data: dict[str, Any]) -> None:
        slack = data["slack"]
        channel = _id(slack, "channels", "delivery")
        person = _id(slack, "users", "sam.support@example.com")
        start = SHIFT_START.timestamp()
        for i in range(450):  # between the handoff and the sync that posts
            slack["messages"].append(
                {
                    "channel": channel,
                    "type": "message",
                    "text": f"a question about deploys, number {i}",
                    "ts": f"{start + 1 + i * 0.5:.6f}",
                    "user": person,
                    "team": slack["team_id"],
                }
            )

    cli.edit(chatter)
    assert cli("sync", cli.policies) == 0, cli.err
    assert len(_bot_posts(cli)) == 1
    assert cli("sync", cli.policies) == 0
    assert cli.out == "" and len(_bot_posts(cli)) == 1
    plan = cli.plan_json()
    assert not [c for c in plan["changes"] if c["kind"] == "handoff_post"]


def test_a_refused_removal_is_reported_not_retried_and_the_post_still_made(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_user_token(cli, monkeypatch)
    cli.edit(lambda data: data["slack"]["permissions"].__setitem__("usergroups", "everyone"))
    assert cli.apply() == 0, cli.out + cli.err
    blair = _id(_slack(cli), "users", "blair.chen@example.com")
    cli.clock(HANDOFF)
    assert cli("sync", cli.policies) == 0, cli.err
    assert (
        "not done: blair.chen@example.com was not removed from #incidents: Slack refused "
        "(restricted_action)" in cli.err
    )
    assert "set SLACK_USER_TOKEN" in cli.err
    assert blair in _members(cli, "incidents")
    [post] = _bot_posts(cli)
    assert "Not done: blair.chen@example.com was not removed from #incidents" in post["text"]
    assert cli("sync", cli.policies) == 0
    assert cli.out == "" and "not done" not in cli.err  # recorded by the post: not retried
    assert len(_bot_posts(cli)) == 1


def test_with_an_admins_user_token_the_removal_is_done(cli: Cli) -> None:
    assert cli.apply() == 0
    slack = _slack(cli)
    blair = _id(slack, "users", "blair.chen@example.com")
    admin = slack["user_token"]["user_id"]
    cli.clock(HANDOFF)
    assert cli("sync", cli.policies) == 0, cli.err
    assert blair not in _members(cli, "incidents")
    removed = [e for e in _slack(cli)["audit"] if e["event"] == "removed"]
    assert [(e["user"], e["by"]) for e in removed] == [(blair, admin)]
    assert "Not done" not in _bot_posts(cli)[0]["text"]


def test_a_restricted_user_group_names_the_setting_and_the_token(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_user_token(cli, monkeypatch)
    assert cli.apply() == 1
    assert "permission_denied" in cli.out
    assert "Workspace settings > Permissions > User Groups" in cli.out
    assert "SLACK_USER_TOKEN" in cli.out


def test_a_free_workspace_plans_without_user_groups(cli: Cli) -> None:
    cli.edit(lambda data: data["slack"].__setitem__("plan", "free"))
    assert cli("plan", cli.policies) == 1
    assert "Slack user groups need a paid Slack plan" in cli.err
    text = delivery()
    assert GROUP_LINES in text
    cli.policy(text.replace(GROUP_LINES, ""))
    assert cli("plan", cli.policies) in (0, 2), cli.err
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged()


def test_escaped_purposes_and_descriptions_converge(cli: Cli) -> None:
    old = "purpose: Company-wide questions about Product Engineering."
    new = "purpose: Q&A about <Product Engineering> & its releases."
    text = delivery()
    assert old in text
    text = text.replace(old, new).replace(
        "description: The Delivery team's engineer on call this week.",
        "description: Delivery's engineer on call & <this week>.",
    )
    cli.policy(text)
    assert cli.apply() == 0, cli.out + cli.err
    assert cli.converged(), cli.out
    slack = _slack(cli)
    stored = next(c for c in slack["channels"] if c["name"] == "ask-prod-eng")["purpose"]
    assert stored == "Q&amp;A about &lt;Product Engineering&gt; &amp; its releases."


def test_rate_limited_inside_a_200_is_waited_out(cli: Cli) -> None:
    assert cli.apply() == 0
    cli.clock(HANDOFF)
    cli.edit(
        lambda data: data.__setitem__(
            "faults",
            {
                "seed": 1,
                "rules": [
                    {"match": "POST /api/chat.postMessage", "kind": "rate_limited_200", "times": 1}
                ],
            },
        )
    )
    assert cli("sync", cli.policies) == 0, cli.err
    assert len(_bot_posts(cli)) == 1


def test_the_post_is_recognised_by_metadata_when_slack_rewrites_its_text(
    sandbox: Sandbox,
) -> None:
    sl = sandbox.clients.slack
    channel = next(c for c in sl.channels() if c.name == "delivery")
    text = f"Hand-off for ops.io & friends\n_{marker('ops.io', SHIFT_START)}_"
    ts = sl.post_message(
        channel.id,
        text,
        event_type=HANDOFF_EVENT,
        event_payload=handoff_payload("ops.io", SHIFT_START),
    )
    [message] = [m for m in sl.history(channel.id, 0) if m.ts == ts]
    assert "<http://ops.io|ops.io>" in message.text and "&amp;" in message.text
    assert marker("ops.io", SHIFT_START) not in message.text  # the old way would miss it
    me = sl.identity()
    assert is_handoff_post(message, me, "ops.io", SHIFT_START)
    assert not is_handoff_post(message, me, "ops.io", SHIFT_START.replace(day=14))


def test_history_needs_the_scope_of_the_channels_type(sandbox: Sandbox) -> None:
    sl = sandbox.clients.slack
    private = sl.create_channel("delivery-private-notes", private=True)
    public = next(c for c in sl.channels() if c.name == "delivery")
    sandbox.edit(lambda data: data["slack"]["scopes"].remove("groups:history"))
    assert sl.history(public.id, 0) is not None
    with pytest.raises(AuthError, match="needs scope groups:history"):
        sl.history(private.id, 0)
    sandbox.edit(lambda data: data["slack"]["scopes"].remove("channels:history"))
    with pytest.raises(AuthError, match="needs scope channels:history"):
        sl.history(public.id, 0)
