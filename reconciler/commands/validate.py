"""`reconcile validate`: offline, no credentials, every problem of every file."""

from __future__ import annotations

import json
from pathlib import Path

import click

from reconciler import exit_codes, output
from reconciler.policy.policy_set import SUFFIXES, PolicySet, load_policies
from reconciler.policy.problems import Problem


def run(paths: list[str], fmt: str, siblings: bool = False) -> int:
    if siblings:
        paths = with_siblings(paths)
    result = load_policies(paths, keep=False)
    if fmt == "json":
        output.write_line(json.dumps(_as_json(result), indent=2))
    elif fmt == "github":
        for problem in result.problems:
            output.write_line(_annotation(problem))
    else:
        for problem in result.problems:
            output.write_line(str(problem))
    if fmt != "json":
        errors, warnings = len(result.errors), len(result.problems) - len(result.errors)
        summary = f"{result.files_read} file(s) checked: {errors} error(s), {warnings} warning(s)"
        output.error_line(summary)
    return exit_codes.OK if result.ok else exit_codes.ERROR


def with_siblings(paths: list[str]) -> list[str]:
    """The named files and every policy file beside them, so the checks across files (team
    names, schedule names) hold when pre-commit passes only the files a commit changed."""
    found = list(paths)
    for raw in paths:
        path = Path(raw)
        if path.suffix in SUFFIXES and path.parent.is_dir():
            found += sorted(str(p) for p in path.parent.iterdir() if p.suffix in SUFFIXES)
    return list(dict.fromkeys(found))


def _annotation(problem: Problem) -> str:
    """A GitHub workflow command: the problem shows on the line of the pull request's diff."""
    level = "error" if problem.severity == "error" else "warning"
    message = problem.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={problem.file},line={problem.line},col={problem.column}::{message}"


def _as_json(result: PolicySet) -> dict[str, object]:
    return {
        "format_version": 1,
        "valid": result.ok,
        "files_checked": result.files_read,
        "problems": [p.as_dict() for p in result.problems],
    }


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text")
@click.option(
    "--siblings",
    is_flag=True,
    help="Also read the policy files beside the named ones (the pre-commit hook).",
)
def command(paths: tuple[str, ...], fmt: str, siblings: bool) -> int:
    """Check policy files offline (default: policies/). Exit 0 valid, 1 invalid."""
    return run(list(paths) or ["policies"], fmt, siblings)
