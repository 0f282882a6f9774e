"""A year of the Delivery team's handoffs over TCP, as a busy, restricted workspace sees them.

Every week: 500 unrelated messages in #delivery, then a sync five minutes after the Monday 10:00
Chicago handoff (both 2027 daylight saving changes crossed). Slack's default permissions hold
(removals and user groups for admins: the user token is an admin's), and a purpose carries the
characters Slack escapes. After each sync: exactly one hand-off post for that handoff, the
on-call group is exactly the engineer OpsGenie's own rotation engine says is on call, and a
plan is empty.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reconciler.sandbox.rotation_engine import on_call
from tests.plan.conftest import delivery
from tests.vendor_truth.conftest import Cli

CHICAGO = ZoneInfo("America/Chicago")
FIRST = datetime(2027, 1, 4, 10, 0, tzinfo=CHICAGO)  # a Monday
WEEKS = 52


def _eoc_now(cli: Cli) -> list[str]:
    state = cli.state()
    og = state.data["opsgenie"]
    schedule = next(s for s in og["schedules"] if s["name"] == "Delivery_eoc_schedule")
    usernames = {u["id"]: u["username"] for u in og["users"]}
    return on_call(schedule, og["overrides"].get(schedule["id"], []), state.now(), usernames)


def _chatter(week: int, at: datetime) -> Any:
    def add(data: dict[str, Any]) -> None:
        slack = data["slack"]
        channel = next(c["id"] for c in slack["channels"] if c["name"] == "delivery")
        people = [u["id"] for u in slack["users"] if u.get("email") and not u.get("deleted")]
        start = (at - timedelta(days=6)).timestamp()
        for i in range(500):  # spread over the week before the sync, some after the handoff
            slack["messages"].append(
                {
                    "channel": channel,
                    "type": "message",
                    "text": f"week {week}: question {i} & <an answer>",
                    "ts": f"{start + i * 1000 + 0.5:.6f}",
                    "user": people[i % len(people)],
                    "team": slack["team_id"],
                }
            )

    return add


@pytest.mark.parametrize("cli", ["tcp"], indirect=True)
def test_a_year_of_handoffs_posts_once_and_keeps_the_group_right(cli: Cli) -> None:
    old = "purpose: Company-wide questions about Product Engineering."
    text = delivery()
    assert old in text
    cli.policy(text.replace(old, "purpose: Q&A about Product Engineering <releases & news>."))
    cli.clock("2027-01-01T12:00:00Z")
    assert cli.apply() == 0, cli.out + cli.err  # one apply finishes the job
    assert cli("sync", cli.policies) == 0, cli.err
    slack = cli.state().data["slack"]
    bot = slack["bot"]["user_id"]
    group = next(g for g in slack["usergroups"] if g["handle"] == "delivery-support")
    by_email = {u.get("email"): u["id"] for u in slack["users"]}
    utc_hours = set()
    for week in range(WEEKS):
        handoff = (FIRST + timedelta(weeks=week)).astimezone(UTC)
        utc_hours.add(handoff.hour)
        sync_at = handoff + timedelta(minutes=5)
        cli.edit(_chatter(week, sync_at))
        cli.clock(sync_at.isoformat())
        assert cli("sync", cli.policies) == 0, (week, cli.err)
        slack = cli.state().data["slack"]
        posts = [
            m
            for m in slack["messages"]
            if m["user"] == bot
            and (m.get("metadata") or {}).get("event_payload", {}).get("handoff")
            == f"{handoff:%Y-%m-%dT%H:%M:%SZ}"
        ]
        assert len(posts) == 1, (week, handoff, len(posts))
        members = next(g for g in slack["usergroups"] if g["id"] == group["id"])["users"]
        assert members == [by_email[p] for p in _eoc_now(cli)], week
        assert cli("plan", cli.policies, "--no-readiness", "--detailed-exitcode") == 0, (
            week,
            cli.out[-1500:],
        )
    assert utc_hours == {15, 16}  # both daylight saving changes were crossed
