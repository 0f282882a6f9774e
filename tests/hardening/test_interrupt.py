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
    assert "Apply interrupted. Resources: 0 added," in out
    assert "unknown: ~ escalation Delivery_oncall_escalation was under way" in out
    end = out.index("  not attempted:") if "  not attempted:" in out else len(out)
    done = out[out.index("  done:") : end]
    assert "~ team Delivery" in done
    # Slack's lane runs beside the on-call lane: by Ctrl-C each of its changes was made or
    # not attempted (it stops before its next change), and the account says which.
    accounted = out[out.index("  done:") :]
    for change in ("slack_channel #incidents", "slack_group_members @delivery-support"):
        assert change in accounted
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
