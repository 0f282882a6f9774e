"""The hook we offer, driven through pre-commit itself on a good and a bad policy file.

pre-commit would install a `language: python` hook from the network; the test runs the same hook
definition (entry, files, types) as a local hook using the `reconcile` already installed, so
nothing leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _hook_as_local() -> dict[str, object]:
    [hook] = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "reconcile-validate"
    assert hook["language"] == "python"
    entry = str(hook["entry"]).replace("reconcile", str(BIN / "reconcile"), 1)
    return {**hook, "entry": entry, "language": "unsupported"}


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is needed to drive pre-commit")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    config = {"repos": [{"repo": "local", "hooks": [_hook_as_local()]}]}
    yaml = YAML(typ="safe")
    yaml.default_flow_style = False
    with (tmp_path / ".pre-commit-config.yaml").open("w") as fh:
        yaml.dump(config, fh)
    (tmp_path / "policies").mkdir()
    return tmp_path


def _run_hook(repo: Path, policy: Path) -> subprocess.CompletedProcess[str]:
    target = repo / "policies" / policy.name
    shutil.copy(policy, target)
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "PRE_COMMIT_HOME": str(repo / ".cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, env=env)
    return subprocess.run(
        [str(BIN / "pre-commit"), "run", "--files", f"policies/{policy.name}"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_hook_passes_a_good_policy(scratch_repo: Path) -> None:
    result = _run_hook(scratch_repo, REPO / "tests" / "fixtures" / "policies" / "delivery.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "reconcile validate" in result.stdout
    assert "Passed" in result.stdout


def test_the_hook_fails_a_bad_policy_and_says_where(scratch_repo: Path) -> None:
    result = _run_hook(scratch_repo, REPO / "tests" / "policy" / "bad" / "bad-email.yaml")
    assert result.returncode == 1
    assert "Failed" in result.stdout
    assert (
        "policies/bad-email.yaml:6:14: team.members[1].email: 'sam-at-example.com' "
        "is not an email address" in result.stdout
    )
