"""The CI recipes in examples/ and the Action: valid against their published schemas (check-
jsonschema's vendored copies), calling only commands and flags that exist, with concurrency
groups that never let a schedule cancel an apply."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from reconciler.ci.github import COMMANDS as ACTION_COMMANDS
from reconciler.cli import COMMANDS, cli

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
GITHUB = {
    "plan": EXAMPLES / "github" / "reconcile-plan.yml",
    "apply": EXAMPLES / "github" / "reconcile-apply.yml",
    "schedule": EXAMPLES / "github" / "reconcile-schedule.yml",
    "migrate": EXAMPLES / "github" / "reconcile-migrate.yml",
}
GITLAB = EXAMPLES / "gitlab" / ".gitlab-ci.yml"
ACTION = REPO / "action.yml"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def test_every_recipe_file_is_known() -> None:
    found = {p for p in EXAMPLES.rglob("*") if p.suffix in (".yml", ".yaml")}
    assert found == {*GITHUB.values(), GITLAB}


@pytest.mark.parametrize(
    ("schema", "paths"),
    [
        ("vendor.github-workflows", list(GITHUB.values())),
        ("vendor.gitlab-ci", [GITLAB]),
        ("vendor.github-actions", [ACTION]),
    ],
)
def test_valid_against_the_published_schema(schema: str, paths: list[Path]) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run(
        [str(checker), "--builtin-schema", schema, *map(str, paths)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", sorted(GITHUB))
def test_github_recipes_use_the_action_with_a_command_it_has(name: str) -> None:
    ours = [s for s in _steps(load(GITHUB[name])) if "/reconcile@" in str(s.get("uses", ""))]
    assert ours, f"{name} does not use the Action"
    for step in ours:
        assert step["uses"].split("@")[1].startswith("v"), "pin the Action to a release"
        assert step["with"]["command"] in ACTION_COMMANDS


@pytest.mark.parametrize("name", sorted(GITHUB))
def test_every_downloaded_action_is_pinned_to_a_full_version(name: str) -> None:
    for step in _steps(load(GITHUB[name])):
        if "uses" in step:
            ref = step["uses"].split("@")[1]
            assert ref.count(".") == 2, f"{step['uses']}: pin a full version (vX.Y.Z)"


def test_apply_sync_and_drift_never_share_a_concurrency_group() -> None:
    apply = load(GITHUB["apply"])
    assert apply["concurrency"] == {"group": "reconcile-apply", "cancel-in-progress": False}
    schedule = load(GITHUB["schedule"])
    assert "concurrency" not in schedule
    groups = {name: job["concurrency"] for name, job in schedule["jobs"].items()}
    assert {g["group"] for g in groups.values()} == {"reconcile-sync", "reconcile-drift"}
    assert all(g["cancel-in-progress"] is False for g in groups.values())


def test_the_actions_own_steps_are_pinned_and_call_the_script() -> None:
    action = load(ACTION)
    steps = action["runs"]["steps"]
    assert [s["uses"] for s in steps if "uses" in s] == ["actions/setup-python@v5.3.0"]
    assert any("python -m reconciler.ci.github" in s.get("run", "") for s in steps)
    assert set(action["inputs"]) >= {"command", "paths", "comment"}


def shell_lines(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script"):
                items = value if isinstance(value, list) else [value]
                found += [line for item in items for line in str(item).splitlines()]
            else:
                found += shell_lines(value)
    elif isinstance(node, list):
        for item in node:
            found += shell_lines(item)
    return found


def invocations(lines: list[str]) -> list[list[str]]:
    calls = []
    for line in lines:
        line = line.split(" #", 1)[0]
        for part in line.replace("||", ";").replace("&&", ";").split(";"):
            words = shlex.split(part.split(">", 1)[0]) if "reconcile " in part else []
            if words and words[0] == "reconcile":
                calls.append(words[1:])
    return calls


def options_of(command: click.Command) -> set[str]:
    return {opt for p in command.params for opt in getattr(p, "opts", []) if opt.startswith("-")}


def test_the_gitlab_recipe_calls_only_what_exists() -> None:
    document = load(GITLAB)
    calls = invocations(shell_lines(document))
    assert {c[0] for c in calls} == {"validate", "plan", "apply", "sync", "drift", "migrate"}
    for words in calls:
        command = cli.get_command(None, words[0])  # type: ignore[arg-type]
        assert words[0] in COMMANDS and command is not None
        allowed = options_of(command) | options_of(cli)
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=", 1)[0] in allowed, f"{words[0]} has no {word}"
    assert document["drift"]["allow_failure"] == {"exit_codes": [2]}
    assert document["apply"]["resource_group"] != document["sync"]["resource_group"]
    assert "python -m reconciler.ci.gitlab plan.md" in shell_lines(document["plan"])
    assert document["image"]["name"].endswith("/reconcile:0.3.0")
