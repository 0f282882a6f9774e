"""Ctrl-C during apply: say what was done, what was under way, and what was not attempted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.backends.opsgenie.write import OpsGenieWriter
from tests.plan.conftest import Run, delivery, write_policy


def test_ctrl_c_during_apply_accounts_for_every_change(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policies = write_policy(tmp_path, delivery())

    def interrupted(self: OpsGenieWriter, *args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(OpsGenieWriter, "update_escalation", interrupted)
    assert run("apply", "--policies", policies, "--auto-approve") == 130
    out = run.out
    assert "~ escalation Delivery_oncall_escalation: INTERRUPTED" in out
    assert "Apply interrupted. Resources: 0 added, 2 changed, 0 destroyed." in out
    assert "unknown: ~ escalation Delivery_oncall_escalation was under way" in out
    done = out[out.index("  done:") : out.index("  not attempted:")]
    assert "~ team Delivery" in done
    not_attempted = out[out.index("  not attempted:") :]
    assert "slack_channel #incidents" in not_attempted
    assert "Traceback" not in run.err


def test_ctrl_c_during_sync_says_what_was_not_done(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler.backends.slack.write import SlackWriter

    policies = write_policy(tmp_path, delivery())
    assert run("apply", "--policies", policies, "--auto-approve") == 0
    assert run("sandbox", "clock", "set", "2026-12-07T16:05:00Z") == 0

    def interrupted(self: SlackWriter, *args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(SlackWriter, "kick", interrupted)
    assert run("sync", policies) == 130
    assert "interrupted (Ctrl-C)" in run.err
    assert "not attempted: handoff_post #delivery" in run.err
