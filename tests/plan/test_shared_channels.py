"""A channel several teams watch: the same change is made once; different ones are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import seed_state
from tests.plan.conftest import delivery


def _policies(tmp_path: Path, other_purpose: str | None = None) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "delivery.yaml").write_text(delivery())
    other = delivery(
        **{
            "name: Delivery": "name: Payments",
            "delivery-support": "payments-support",
        }
    )
    if other_purpose:
        other = other.replace("purpose: The company-wide feed of incidents.", other_purpose)
    (folder / "payments.yaml").write_text(other)
    return folder


def test_the_same_change_asked_by_two_teams_is_made_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    folder = _policies(tmp_path)
    main(["--sandbox", str(state.path), "plan", str(folder), "--no-readiness"])
    out = capsys.readouterr().out
    assert out.count("~ slack_channel #incidents") == 1
    assert "also asked by Payments: made once" in out


def test_two_purposes_for_one_channel_are_refused_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _policies(tmp_path, "purpose: Payments' own view of incidents.")
    assert main(["validate", str(folder)]) == 1
    err = capsys.readouterr().out
    assert "payments.yaml:" in err and "#incidents has another purpose in" in err


def test_different_changes_of_one_channel_are_both_blocked() -> None:
    from reconciler.plan import operations as ops
    from reconciler.plan.changes import Change, FieldChange
    from reconciler.plan.shared import merge_shared

    def asked(team: str, join: bool) -> Change:
        op = ops.SlackChannel(name="incidents", channel_id="C1", join=join)
        fields = (FieldChange("bot_is_member", False, join),)
        return Change(
            "slack", "slack_channel", "#incidents", team, "update", "r", fields, (), None, op
        )

    merged = merge_shared([asked("A", True), asked("B", False)])
    assert len(merged) == 2
    assert all(c.blocked and "teams A, B ask different changes" in c.blocked for c in merged)
