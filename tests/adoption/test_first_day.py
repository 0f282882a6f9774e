"""A first day, scripted: take over a team that exists in OpsGenie without reconcile's marker,
then write a second team from scratch. Each ends with a plan that says "No changes."."""

from __future__ import annotations

from pathlib import Path

from tests.plan.conftest import PAYMENTS, Run


def test_import_adopts_an_existing_team_then_plans_nothing(run: Run, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    out = policies / "platform.yaml"
    assert run("import", "--team", "Platform", "--out", str(out)) == 0, run.err
    text = out.read_text()
    assert "adopt: true" in text and 'engineer_schedule: "Platform_schedule"' in text
    assert run("validate", str(policies)) == 0, run.out
    assert run("plan", str(policies), "--no-readiness", "--format", "json") in (0, 2)
    import json

    plan = json.loads(run.out)
    actionable = [c for c in plan["changes"] if c["action"] != "no-op"]
    assert actionable and {c["action"] for c in actionable} == {"adopt"}, actionable
    assert {c["kind"] for c in actionable} == {"team", "schedule", "escalation"}
    assert run("plan", str(policies), "--no-readiness") == 0
    assert "<= team Platform" in run.out and "(3 adopted)" in run.out
    assert run("apply", "--policies", str(policies), "--auto-approve") == 0, run.out
    assert run("plan", str(policies), "--no-readiness", "--detailed-exitcode") == 0, run.out
    assert "No changes." in run.out
    team = next(t for t in run.state().data["opsgenie"]["teams"] if t["name"] == "Platform")
    assert team["description"].endswith("[managed by reconcile]")
    # Nothing was made beside what existed: the schedule it had is the one it keeps.
    schedules = [s["name"] for s in run.state().data["opsgenie"]["schedules"]]
    assert "Platform_eoc_schedule" not in schedules


def test_without_adopt_an_existing_team_is_a_clash_that_says_how(run: Run, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    out = policies / "platform.yaml"
    assert run("import", "--team", "Platform", "--out", str(out)) == 0
    out.write_text(out.read_text().replace("adopt: true", "adopt: false"))
    assert run("plan", str(policies), "--no-readiness") == 0
    assert "does not carry reconcile's ownership marker" in run.out


def test_a_second_team_written_from_scratch(run: Run, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "payments.yaml").write_text(PAYMENTS)
    assert run("validate", str(policies)) == 0, run.out
    assert run("plan", str(policies), "--no-readiness") == 0
    assert run("apply", "--policies", str(policies), "--auto-approve") == 0, run.out
    assert run("plan", str(policies), "--no-readiness", "--detailed-exitcode") == 0, run.out
