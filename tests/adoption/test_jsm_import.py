"""`reconcile import --backend jsm`: a team made by hand in JSM Operations becomes a policy that
plans as adoption only, applies, and then plans "No changes."."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import seed_state


def test_import_adopt_apply_converge_on_jsm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    monkeypatch.setenv("RECONCILE_NOW", "2027-01-20T18:00:00+00:00")
    sandbox = ["--sandbox", str(state.path)]
    policies = tmp_path / "policies"
    policies.mkdir()
    out = policies / "platform.yaml"
    assert (
        main([*sandbox, "import", "--team", "Platform", "--backend", "jsm", "--out", str(out)]) == 0
    )
    text = out.read_text()
    assert "backend: jsm" in text and "from JSM Operations and Slack" in text
    assert "OpsGenie" not in text
    capsys.readouterr()
    assert main([*sandbox, "plan", str(policies), "--no-readiness"]) == 0
    plan = capsys.readouterr().out
    assert "JSM Operations team Platform will be adopted" in plan, plan
    assert "Plan: 0 to add" in plan and "adopted), 0 to destroy" in plan, plan
    assert main([*sandbox, "apply", "--policies", str(policies), "--auto-approve"]) == 0
    capsys.readouterr()
    code = main([*sandbox, "plan", str(policies), "--no-readiness", "--detailed-exitcode"])
    assert code == 0, capsys.readouterr().out
