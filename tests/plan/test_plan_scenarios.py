"""plan on the seeded sandbox: the drift a reviewer should see, and nothing else."""

from __future__ import annotations

from pathlib import Path

from tests.plan.conftest import Run, delivery, write_policy


def changes(plan: dict) -> dict[str, dict]:
    return {f"{c['kind']} {c['name']}": c for c in plan["changes"] if c["action"] != "no-op"}


def test_the_seeded_drift_is_shown(run: Run) -> None:
    plan = changes(run.json("plan"))
    assert set(plan) == {
        "team Delivery",
        "rotation Delivery_eoc_schedule/engineer-on-call",
        "escalation Delivery_oncall_escalation",
        "slack_channel #incidents",
        "slack_channel #ask-prod-eng",
        "slack_channel #buildkite-main",
        "slack_user_group @delivery-support",
        "slack_group_members @delivery-support",
    }
    team = plan["team Delivery"]["fields"][0]
    assert team["field"] == "members"
    assert "devon.silva@example.com (user)" in team["after"]
    assert "former.engineer@example.com (user)" not in team["after"]
    rules = plan["escalation Delivery_oncall_escalation"]["fields"][0]
    assert rules["before"][1].startswith("at 15m") and rules["after"][1].startswith("at 10m")


def test_plan_reads_only(run: Run) -> None:
    before = run.path.read_bytes()
    assert run("plan") == 0
    assert run.path.read_bytes() == before


def test_detailed_exitcode(run: Run) -> None:
    assert run("plan", "--detailed-exitcode") == 2
    assert run("apply", "--auto-approve") == 0
    assert run("plan", "--detailed-exitcode") == 0
    assert "No changes." in run.out


def test_unmanaged_objects_are_listed_and_left_alone(run: Run) -> None:
    plan = run.json("plan")
    unmanaged = {(u["kind"], u["name"]): u["why"] for u in plan["unmanaged"]}
    assert unmanaged[("team", "Platform")] == "no ownership marker"
    assert unmanaged[("schedule", "Delivery_schedule")] == "OpsGenie's default for team Delivery"
    assert run("apply", "--auto-approve") == 0
    platform = next(t for t in run.state().data["opsgenie"]["teams"] if t["name"] == "Platform")
    assert platform["description"] == "Platform engineering (configured by hand)"


def test_an_unowned_object_with_our_name_blocks_instead_of_being_taken(
    run: Run, tmp_path: Path
) -> None:
    def disown(data: dict) -> None:
        for schedule in data["opsgenie"]["schedules"]:
            if schedule["name"] == "Delivery_eoc_schedule":
                schedule["description"] = "made by hand"

    run.edit(disown)
    plan = changes(run.json("plan"))
    blocked = plan["schedule Delivery_eoc_schedule"]
    assert blocked["action"] == "create"
    assert "does not carry reconcile's ownership marker" in blocked["blocked"]


def test_target_limits_the_plan_to_one_team(run: Run, tmp_path: Path) -> None:
    other = delivery(
        **{"name: Delivery": "name: Billing", "handle: delivery-support": "handle: billing-support"}
    )
    folder = write_policy(tmp_path, delivery(), "delivery.yaml")
    write_policy(tmp_path, other, "billing.yaml")
    plan = run.json("plan", folder, "--target", "Billing")
    assert plan["teams"] == ["Billing"]
    assert {c["team"] for c in plan["changes"]} == {"Billing"}
    assert run("plan", folder, "--target", "Nobody") == 1


def test_an_invalid_policy_stops_the_plan_before_any_read(run: Run, tmp_path: Path) -> None:
    folder = write_policy(tmp_path, delivery(**{"shift_length: 1w": "shift_length: 1 week"}))
    assert run("plan", folder) == 1
    assert "delivery.yaml:26:19: on_call.engineer.shift_length" in run.err


def test_a_failed_read_is_an_error_not_absence(run: Run) -> None:
    run.edit(
        lambda d: d["faults"].__setitem__(
            "rules", [{"match": "GET /v2/escalations", "kind": "5xx"}]
        )
    )
    assert run("plan") == 1
    assert "OpsGenie: GET /v2/escalations failed" in run.err
    assert "to add" not in run.out
