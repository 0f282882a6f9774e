"""Who is on call, as the sandbox's OpsGenie computes it, matches `reconcile schedule` for the
Delivery team week by week across 2027, both daylight saving changes included."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from reconciler import live
from reconciler.cli import main
from reconciler.policy.policy_set import load_policies
from tests.sandbox.conftest import Sandbox


def test_a_year_of_handoffs_agrees(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    [loaded] = load_policies(["policies/delivery.yaml"]).policies
    eoc = loaded.policy.on_call.engineer
    og = sandbox.clients.oncall
    team = og.team("Delivery")
    schedule_id = og.create_schedule("Delivery_year_check", "x", eoc.handoff.time_zone, team.id)
    start = datetime.combine(eoc.first_handoff, eoc.handoff.time)
    og.create_rotation(
        schedule_id,
        live.ScheduleRotation(
            "",
            "engineer-on-call",
            "weekly",
            1,
            start.replace(tzinfo=ZoneInfo(eoc.handoff.time_zone)),
            None,
            tuple(live.Participant("user", p) for p in eoc.participants),
        ),
    )

    assert main(["schedule", "--from", "2027-01-01", "--weeks", "53", "--format", "json"]) == 0
    [team_report] = json.loads(capsys.readouterr().out)["teams"]
    handoffs = team_report["handoffs"]
    assert len(handoffs) >= 52
    utc_hours = set()
    for handoff in handoffs:
        begins = datetime.fromisoformat(handoff["start_utc"])
        utc_hours.add(begins.hour)
        engineer = handoff["engineer_on_call"]
        assert og.on_call(schedule_id, begins) == [engineer], handoff["start"]
        assert og.on_call(schedule_id, begins + timedelta(days=3, hours=5)) == [engineer]
        assert og.on_call(schedule_id, begins - timedelta(minutes=1)) != [engineer]
    assert utc_hours == {15, 16}  # 10:00 CDT and 10:00 CST: both sides of both changes
    assert datetime.fromisoformat(handoffs[-1]["start_utc"]) > datetime(2027, 11, 8, tzinfo=UTC)
