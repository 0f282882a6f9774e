"""`reconcile validate`: offline, no credentials, every problem of every file."""

from __future__ import annotations

import json

import click

from reconciler import exit_codes, output
from reconciler.policy.policy_set import PolicySet, load_policies


def run(paths: list[str], fmt: str) -> int:
    result = load_policies(paths)
    if fmt == "json":
        output.write_line(json.dumps(_as_json(result), indent=2))
    else:
        for problem in result.problems:
            output.write_line(str(problem))
        errors, warnings = len(result.errors), len(result.problems) - len(result.errors)
        summary = f"{result.files_read} file(s) checked: {errors} error(s), {warnings} warning(s)"
        output.error_line(summary)
    return exit_codes.OK if result.ok else exit_codes.ERROR


def _as_json(result: PolicySet) -> dict[str, object]:
    return {
        "format_version": 1,
        "valid": result.ok,
        "files_checked": result.files_read,
        "problems": [p.as_dict() for p in result.problems],
    }


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def command(paths: tuple[str, ...], fmt: str) -> int:
    """Check policy files offline (default: policies/). Exit 0 valid, 1 invalid."""
    return run(list(paths) or ["policies"], fmt)
