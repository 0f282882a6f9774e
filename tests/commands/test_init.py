"""`reconcile init`: a policy repository whose own pre-commit hook blocks a duplicate team across
two files and a policy with a typo, and passes a good one; and which plans against the sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reconciler import __version__
from reconciler.cli import main
from reconciler.commands.init import PROJECT

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _offline(config: Path) -> None:
    """The pinned remote hook as a local one (installing it would reach the network; the
    smoke run does that for real): same definition, the reconcile already installed."""
    yaml = YAML(typ="safe")
    [hook] = yaml.load((REPO / ".pre-commit-hooks.yaml").read_text())
    local = {**hook, "entry": hook["entry"].replace("reconcile", str(BIN / "reconcile"), 1)}
    local["language"] = "unsupported"
    yaml.default_flow_style = False
    with config.open("w") as fh:
        yaml.dump({"repos": [{"repo": "local", "hooks": [local]}]}, fh)


def _commit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(
        [str(BIN / "pre-commit"), "run"], cwd=repo, capture_output=True, text=True, env=env
    )


def test_init_makes_a_repository_that_guards_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git drives pre-commit")
    repo = tmp_path / "team-policies"
    assert main(["init", str(repo)]) == 0
    config = (repo / ".pre-commit-config.yaml").read_text()
    assert f"repo: {PROJECT}" in config and f"rev: v{__version__}" in config
    assert (repo / "schemas" / "policy.schema.json").is_file()  # where the modeline looks
    assert sorted(p.name for p in (repo / ".github" / "workflows").iterdir()) == [
        "reconcile-apply.yml",
        "reconcile-plan.yml",
        "reconcile-schedule.yml",
    ]
    assert main(["validate", str(repo / "policies")]) == 0
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "PRE_COMMIT_HOME": str(tmp_path / "pc")}
    subprocess.run(["git", "init", "-q", str(repo)], check=True, env=env)
    _offline(repo / ".pre-commit-config.yaml")
    good = _commit(repo, env)
    assert good.returncode == 0, good.stdout + good.stderr
    subprocess.run(
        ["git", "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "start"],
        cwd=repo,
        check=True,
        env=env,
    )
    # A second file declaring the same team: only that file is in the commit.
    (repo / "policies" / "again.yaml").write_text((repo / "policies" / "team.yaml").read_text())
    duplicate = _commit(repo, env)
    assert duplicate.returncode == 1
    assert "team 'Payments' is also declared in" in duplicate.stdout
    (repo / "policies" / "again.yaml").unlink()
    typo = (repo / "policies" / "team.yaml").read_text().replace("shift_length", "shift_lenght")
    (repo / "policies" / "team.yaml").write_text(typo)
    blocked = _commit(repo, env)
    assert blocked.returncode == 1 and "did you mean 'shift_length'?" in blocked.stdout


def test_the_repository_it_makes_plans_against_the_sandbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "r"
    assert main(["init", str(repo)]) == 0
    monkeypatch.chdir(repo)
    assert main(["--sandbox", str(tmp_path / "s.json"), "sandbox", "init"]) == 0
    assert main(["--sandbox", str(tmp_path / "s.json"), "plan", "--no-readiness"]) == 0
    assert "Plan: 5 to add" in capsys.readouterr().out


def test_init_with_a_team_imports_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox = ["--sandbox", str(tmp_path / "s.json")]
    assert main([*sandbox, "sandbox", "init"]) == 0
    assert main([*sandbox, "init", str(tmp_path / "r"), "--team", "Platform"]) == 0
    text = (tmp_path / "r" / "policies" / "platform.yaml").read_text()
    assert "adopt: true" in text
    assert main(["init", str(tmp_path / "r")]) == 1  # it holds policies: --force to add
