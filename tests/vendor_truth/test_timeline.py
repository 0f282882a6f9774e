"""Trust, then verify: our rotation model against OpsGenie's own timeline on every plan."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reconciler.plan.anchoring import as_rotation
from reconciler.plan.timeline_check import compare
from tests.plan.conftest import delivery
from tests.sandbox.conftest import Sandbox
from tests.vendor_truth.conftest import Cli

CHICAGO = ZoneInfo("America/Chicago")


def test_the_timeline_agrees_with_who_is_on_call(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    schedule = next(s for s in og.schedules() if s.name == "Delivery_eoc_schedule")
    now = sandbox.state().now()
    periods = og.timeline(schedule.id, now, 35, "days")
    assert len(periods) >= 5
    for period in periods:
        middle = period.start + (period.end - period.start) / 2
        assert og.on_call(schedule.id, middle) == [period.username]
    assert periods[0].start == now  # the window starts at `date`


def test_compare_finds_an_hour_off_after_a_daylight_saving_change(sandbox: Sandbox) -> None:
    og = sandbox.clients.oncall
    schedule = next(s for s in og.schedules() if s.name == "Delivery_eoc_schedule")
    model = as_rotation(schedule.rotations[0], schedule.time_zone)
    assert model is not None
    now = datetime(2027, 3, 15, 15, 30, tzinfo=UTC)  # 10:30 CDT, the first Monday after
    periods = og.timeline(schedule.id, now, 35, "days")
    assert compare("Delivery", schedule.name, model, periods, now, now + timedelta(days=35)) == []
    sandbox.edit(lambda data: data["opsgenie"].__setitem__("dst_rule", "elapsed"))
    periods = og.timeline(schedule.id, now, 35, "days")
    [first, *_] = compare("Delivery", schedule.name, model, periods, now, now + timedelta(35))
    assert first.severity == "error" and first.at == now.isoformat()
    assert "the vendor hands off at 11:00 CDT, we expected 10:00 CDT" in first.message
    assert first.vendor != first.expected


def _plan_mismatches(cli: Cli) -> list[dict[str, Any]]:
    return cli.plan_json("--no-readiness")["model_mismatches"]


@pytest.mark.parametrize("cli", ["in-process"], indirect=True)
def test_a_year_of_plans_shows_no_mismatch_on_the_default_rule(cli: Cli) -> None:
    cli.clock("2027-01-01T12:00:00Z")
    cli.apply()
    first = datetime(2027, 1, 4, 10, 0, tzinfo=CHICAGO)
    for week in range(52):
        at = (first + timedelta(weeks=week, hours=1)).astimezone(UTC)
        cli.clock(at.isoformat())
        assert _plan_mismatches(cli) == [], at
    # The same plans do see a vendor that counts elapsed time (in summer time, an hour off).
    cli.edit(lambda data: data["opsgenie"].__setitem__("dst_rule", "elapsed"))
    cli.clock("2027-07-05T15:30:00Z")
    assert [m["severity"] for m in _plan_mismatches(cli)][:1] == ["error"]


def test_elapsed_handoffs_are_reported_and_apply_refuses(cli: Cli) -> None:
    cli.clock("2027-01-10T12:00:00Z")
    cli.apply()
    assert cli("plan", cli.policies, "--no-readiness") in (0, 2) and "mismatch" not in cli.out
    cli.edit(lambda data: data["opsgenie"].__setitem__("dst_rule", "elapsed"))
    cli.clock("2027-03-15T15:30:00Z")  # 10:30 CDT: we say the handoff was at 10:00
    assert cli("plan", cli.policies, "--no-readiness") == 1
    assert "Model mismatch (our rotation model against OpsGenie's own timeline):" in cli.out
    assert "the vendor hands off at 11:00 CDT, we expected 10:00 CDT" in cli.out
    assert "model mismatch(es) in the current or next shift" in cli.err
    [error, *_] = _plan_mismatches(cli)
    assert error["severity"] == "error" and error["schedule"] == "Delivery_eoc_schedule"
    cli.policy(
        delivery().replace("purpose: Announcements from Product Engineering.", "purpose: News.")
    )
    assert cli("apply", "--policies", cli.policies, "--auto-approve") != 0
    assert "apply refused" in cli.err
    assert cli("plan", cli.policies, "--no-timeline-check", "--no-readiness") in (0, 2)
    assert "mismatch" not in cli.out
    assert cli("sync", cli.policies) in (0, 1)
    assert "warning: model mismatch" in cli.err
    assert cli("apply", "--policies", cli.policies, "--auto-approve", "--force") in (0, 1)
    assert "--force: applying despite the model mismatch" in cli.out
