"""One apply finishes the job: a new team's on-call group, channel duty and hand-off post depend
on the schedule that same apply creates, and are applied after it, in the same run."""

from __future__ import annotations

from pathlib import Path

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
