"""import: a valid, commented policy from live state, whose plan is empty."""

from __future__ import annotations

from pathlib import Path

from reconciler.policy.policy_set import load_policies
from tests.plan.conftest import Run


def test_import_then_plan_gives_no_changes(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "policies" / "delivery.yaml"
    out.parent.mkdir()
    assert run("import", "--team", "Delivery", "--out", str(out)) == 0
    text = out.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# OpsGenie does not record this window" in text
    loaded = load_policies([str(out)])
    assert loaded.ok, loaded.problems
    policy = loaded.policies[0].policy
    assert policy.on_call.engineer.participants[:3] == [
        "alex.rivera@example.com",
        "casey.okafor@example.com",
        "blair.chen@example.com",
    ]
    assert str(policy.on_call.engineer.handoff.time) == "10:00:00"
    assert [str(s.acknowledge_within) for s in policy.escalation.steps] == ["15m", "5m"]
    assert run("plan", str(out.parent)) == 0
    assert "No changes. OpsGenie and Slack match the policy." in run.out


def test_import_with_slack_and_hand_off_notes(run: Run, tmp_path: Path) -> None:
    assert (
        run(
            "import",
            "--team",
            "Delivery",
            "--channel",
            "delivery",
            "--channel",
            "incidents",
            "--group",
            "delivery-support",
            "--notes-url",
            "https://docs.example.com/notes",
            "--notes-channel",
            "delivery",
        )
        == 0
    )
    assert "  on_call_group:\n    handle: delivery-support" in run.out
    assert '      purpose: "Incidents, as they happen."' in run.out
    assert "handoff_notes:\n  url: https://docs.example.com/notes" in run.out


def test_import_of_an_unknown_team_or_channel_is_a_clear_error(run: Run) -> None:
    assert run("import", "--team", "Nobody") == 1
    assert "OpsGenie has no team 'Nobody'" in run.err
    assert run("import", "--team", "Delivery", "--channel", "nowhere") == 1
    assert "Slack has no channel #nowhere" in run.err


def test_import_reads_only(run: Run) -> None:
    before = run.path.read_bytes()
    assert run("import", "--team", "Platform") == 0
    assert run.path.read_bytes() == before
    assert "no manager step in OpsGenie: a team admin, as a guess" in run.out
    assert "shift_length: 1d" in run.out
