"""The CI recipes in examples/ are valid YAML and call only commands and flags that exist."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import click
import pytest
from ruamel.yaml import YAML

from reconciler.cli import COMMANDS, cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FILES = sorted(p for p in EXAMPLES.rglob("*") if p.suffix in (".yml", ".yaml"))


def shell_lines(node: Any) -> list[str]:
    """Every string under a `run:` (GitHub) or `script:` (GitLab) key."""
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


def test_there_are_recipes_for_both_ci_systems() -> None:
    names = {p.relative_to(EXAMPLES).as_posix() for p in FILES}
    assert {
        "github/reconcile-plan.yml",
        "github/reconcile-apply.yml",
        "github/reconcile-schedule.yml",
        "gitlab/.gitlab-ci.yml",
    } <= names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_recipe_calls_only_what_exists(path: Path) -> None:
    document = YAML(typ="safe").load(path.read_text())
    calls = invocations(shell_lines(document))
    assert calls, f"{path} calls no reconcile command"
    global_options = options_of(cli)
    for words in calls:
        assert words[0] in COMMANDS, f"{path}: no command {words[0]!r}"
        command = cli.get_command(None, words[0])  # type: ignore[arg-type]
        assert command is not None
        allowed = options_of(command) | global_options
        for word in words[1:]:
            if word.startswith("--"):
                assert word.split("=", 1)[0] in allowed, f"{path}: {words[0]} has no {word}"


def test_the_markdown_marker_the_recipes_look_for_is_what_plan_writes() -> None:
    from reconciler.render.markdown import MARKER

    for path in FILES:
        text = path.read_text()
        if "plan" in path.name or "gitlab" in str(path):
            assert MARKER in text
