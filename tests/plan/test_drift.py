"""drift: report-only, every team, a stable fingerprint, optionally posted to Slack."""

from __future__ import annotations

import re
from pathlib import Path

from tests.plan.conftest import Run, delivery, write_policy


def fingerprint(run: Run) -> str:
    found = re.search(r"Drift fingerprint: (\w+)", run.out)
    assert found, run.out
    return found[1]


def test_drift_reports_without_changing_anything(run: Run) -> None:
    before = run.path.read_bytes()
    assert run("drift", "--exit-code") == 2
    assert "~ escalation Delivery_oncall_escalation" in run.out
    assert run.path.read_bytes() == before


def test_the_fingerprint_is_stable_and_moves_with_new_drift(run: Run) -> None:
    run("drift")
    first = fingerprint(run)
    run("drift")
    assert fingerprint(run) == first

    def more_drift(data: dict) -> None:
        for channel in data["slack"]["channels"]:
            if channel["name"] == "delivery":
                channel["purpose"] = "changed by hand"

    run.edit(more_drift)
    run("drift")
    assert fingerprint(run) != first


def test_no_drift_after_apply(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    assert run("drift", "--exit-code") == 0
    assert fingerprint(run) == "none"


def test_json_and_markdown_drift_reports(run: Run) -> None:
    report = run.json("drift")
    assert report["summary"]["change"] == 8
    assert run("drift", "--format", "markdown") == 0
    assert run.out.startswith("<!-- reconcile-plan -->\n## reconcile drift report")


def test_drift_can_be_posted_to_a_channel(run: Run) -> None:
    assert run("drift", "--post-to", "#delivery") == 0
    assert "drift report posted to #delivery" in run.err
    [message] = run.state().data["slack"]["messages"]
    assert message["text"].startswith("<!-- reconcile-plan -->\n## reconcile drift report")
    assert run("drift", "--post-to", "nowhere") == 1
    assert "no channel #nowhere" in run.err


def test_the_same_drift_a_week_later_keeps_its_fingerprint(run: Run, tmp_path: Path) -> None:
    # Without the on-call group, whose members rightly change with every handoff.
    text = delivery()
    text = text[: text.index("  on_call_group:")] + text[text.index("handoff_notes:") :]
    folder = write_policy(tmp_path, text)
    run("drift", folder)
    first = fingerprint(run)
    run.edit(lambda d: d["meta"].__setitem__("now", "2026-12-09T15:00:00+00:00"))
    run("drift", folder)  # a week on, the rotation would be re-anchored elsewhere: same drift
    assert fingerprint(run) == first
