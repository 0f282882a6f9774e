"""The migration rehearsal on the seeded sandbox: OpsGenie, and a JSM site half-way through.

The migration plan lists the duplicated team and the person whose email maps to no account;
once they are fixed (as an admin would, outside the API), `migrate --apply` makes JSM match the
policy and the on-call comparison for 12 weekly handoffs, across the March daylight saving
change, is identical; after cut-over the policy plans against JSM with no changes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import seed_state
from reconciler.sandbox.seed_jsm import correct_email
from reconciler.sandbox.state import SandboxState

NOW = "2027-01-20T18:00:00+00:00"  # a Wednesday: 12 handoffs reach past 2027-03-14


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    monkeypatch.setenv("RECONCILE_NOW", NOW)
    return state.path


def run(sandbox: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--sandbox", str(sandbox), *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def fix_the_site(sandbox: Path) -> None:
    """What the migration plan asks for: the Jira project's own team renamed, and the account
    whose email differs corrected (both in Atlassian's admin screens)."""
    state = SandboxState.load(sandbox)
    [jira_team] = [
        t
        for t in state.data["jsm"]["teams"]
        if t["displayName"] == "Delivery" and not t["teamId"].startswith("og-")
    ]
    jira_team["displayName"] = "Delivery (Jira project)"
    correct_email(state, "emery.n@example.com", "emery.novak@example.com")
    state.save()


def test_the_migration_plan_lists_what_blocks_the_move(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(sandbox, capsys, "migrate")
    assert code == 1
    assert re.search(r"duplicated team +Delivery .*og-", out)
    assert "2 JSM Operations teams have this name: merge them" in out
    assert re.search(r"unmapped +person +emery\.novak@example\.com", out)
    assert re.search(r"matched +schedule +Delivery_eoc_schedule", out)
    assert "1 duplicated, 8 matched, 1 unmapped." in out


def test_the_rehearsed_move_pages_the_same_people(
    sandbox: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(sandbox, capsys, "apply", "--auto-approve")[0] == 0  # OpsGenie, as the policy
    fix_the_site(sandbox)
    code, out = run(sandbox, capsys, "migrate", "--handoffs", "12")
    assert code == 1  # JSM still holds the hand-made drift the migration copied
    assert "DIFFERENT" in out and "15m: taylor.manager@example.com" in out
    code, out = run(sandbox, capsys, "migrate", "--apply", "--auto-approve", "--handoffs", "12")
    assert code == 0, out
    assert "Apply complete!" in out
    compared = [line for line in out.splitlines() if line.startswith("  same ")]
    assert len(compared) == 12
    assert any("Mon 2027-03-08 10:00 CST" in line for line in compared)
    assert any("Mon 2027-03-15 10:00 CDT" in line for line in compared)
    assert "12 handoff(s) compared: identical." in out
    after = tmp_path / "after"
    after.mkdir()
    policy = (Path.cwd() / "policies" / "delivery.yaml").read_text()
    (after / "delivery.yaml").write_text(policy.replace("on_call:\n", "on_call:\n  backend: jsm\n"))
    code, out = run(sandbox, capsys, "plan", str(after), "--detailed-exitcode")
    assert code == 0 and "No changes. JSM Operations and Slack match the policy." in out


def test_apply_is_refused_while_a_person_cannot_be_mapped(
    sandbox: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = SandboxState.load(sandbox)
    for team in state.data["jsm"]["teams"]:
        if team["displayName"] == "Delivery" and not team["teamId"].startswith("og-"):
            team["displayName"] = "Delivery (Jira project)"
    state.save()
    code, out = run(sandbox, capsys, "migrate", "--apply", "--auto-approve")
    assert code == 1 and "apply refused: people above have no account" in out


def test_policies_on_two_backends_are_planned_apart(
    sandbox: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    policy = (Path.cwd() / "policies" / "delivery.yaml").read_text()
    (tmp_path / "a.yaml").write_text(policy.replace("on_call:\n", "on_call:\n  backend: jsm\n"))
    (tmp_path / "b.yaml").write_text(
        policy.replace("name: Delivery", "name: Other")
        .replace("delivery-support", "other-support")
        .replace("on_call:\n", "on_call:\n  backend: opsgenie\n")
    )
    code, out = run(sandbox, capsys, "plan", str(tmp_path))
    assert code == 1 and "these policies use different on-call backends" in out
