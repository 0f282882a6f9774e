"""One apply finishes the job: a new team's on-call group, channel duty and hand-off post depend
on the schedule that same apply creates, and are applied after it, in the same run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.plan.conftest import PAYMENTS, Run, write_policy

PAYMENTS_WITH_SLACK = (
    PAYMENTS
    + """\
slack:
  channels:
    - name: payments-oncall
      purpose: Payments on call.
      on_call: join_and_stay
  on_call_group:
    handle: payments-support
    name: Payments Support
    description: The Payments engineer on call.
handoff_notes:
  url: https://docs.example.com/payments/handoff
  channel: payments-oncall
"""
)


def test_the_first_apply_of_a_new_team_with_an_on_call_group_exits_0(
    run: Run, tmp_path: Path
) -> None:
    policies = write_policy(tmp_path, PAYMENTS_WITH_SLACK, "payments.yaml")
    assert run("plan", policies, "--no-readiness") == 0
    assert "follow-up: once apply has made Payments_eoc_schedule" in run.out
    # The group is set in the first pass, from the rotation the same apply makes.
    assert "~ slack_group_members @payments-support" in run.out
    assert run("apply", "--policies", policies, "--auto-approve") == 0, run.out + run.err
    assert "Still different after apply" not in run.out
    assert run("plan", policies, "--no-readiness", "--detailed-exitcode") == 0, run.out
    slack = run.state().data["slack"]
    group = next(g for g in slack["usergroups"] if g["handle"] == "payments-support")
    assert len(group["users"]) == 1  # whoever OpsGenie says is on call now


def test_the_check_after_apply_reads_the_on_call_backend_once_its_changes_are_made(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its on-call reads are made while Slack's writes go on, and the check uses them."""
    from reconciler import engine

    policies = write_policy(tmp_path, PAYMENTS_WITH_SLACK, "payments.yaml")
    early: list[engine.OnCallRead] = []
    given: list[engine.OnCallRead | None] = []
    real_read, real_plan = engine.read_on_call, engine.plan

    def reading(*args: Any) -> engine.OnCallRead:
        early.append(real_read(*args))
        return early[-1]

    def planning(*args: Any, **kwargs: Any) -> engine.Planned:
        given.append(kwargs.get("on_call_read"))
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(engine, "read_on_call", reading)
    monkeypatch.setattr(engine, "plan", planning)
    assert run("apply", "--policies", policies, "--auto-approve") == 0, run.out + run.err
    assert len(early) == 1
    assert "payments_eoc_schedule" in early[0].state.schedules  # read after it was made
    assert given[0] is None and given[1] is early[0]  # the first plan reads all; the check not
    assert "Still different after apply" not in run.out


def test_a_failed_early_read_fails_the_apply_in_one_line(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler import engine
    from reconciler.errors import ReconcileError

    def failing(*_args: Any) -> engine.OnCallRead:
        raise ReconcileError("OpsGenie GET /v2/teams: HTTP 503")

    monkeypatch.setattr(engine, "read_on_call", failing)
    policies = write_policy(tmp_path, PAYMENTS_WITH_SLACK, "payments.yaml")
    assert run("apply", "--policies", policies, "--auto-approve") == 1
    assert run.err.strip().splitlines()[-1].endswith("OpsGenie GET /v2/teams: HTTP 503")
    assert "Traceback" not in run.err
