"""`reconcile plan`: what apply would change in OpsGenie and Slack. Reads only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler import engine, exit_codes, output, planfile
from reconciler.plan.changes import Plan
from reconciler.plan.lifecycle_read import READINESS_OF
from reconciler.policy.policy_set import policy_files
from reconciler.render import render
from reconciler.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


def run(
    settings: Settings,
    paths: list[str],
    out: str | None,
    fmt: str,
    detailed: bool,
    target: str | None,
    readiness: bool = True,
    force: bool = False,
    timeline_check: bool = True,
    readiness_of: str = "everyone",
) -> int:
    planned = engine.plan(
        settings,
        paths,
        target,
        readiness=readiness,
        timeline_check=timeline_check,
        readiness_of=readiness_of,
    )
    output.write_line(render(planned.plan, fmt, colour=output.use_colour()).rstrip("\n"))
    if out:
        inputs, _ = policy_files(paths)
        inputs += [settings.sandbox] if settings.sandbox else []
        planfile.save(Path(out), planned.plan, paths, target, inputs=inputs, force=force)
        output.error_line(f"plan saved to {out}; apply it with: reconcile apply {out}")
    ready, agreed = readiness_ok(planned.plan), model_ok(planned.plan)
    if not (ready and agreed):
        return exit_codes.ERROR
    if detailed and not planned.plan.empty:
        return exit_codes.CHANGES
    return exit_codes.OK


def readiness_ok(plan: Plan) -> bool:
    """Readiness errors fail the command, after the plan is shown."""
    errors = plan.readiness_errors
    if errors:
        output.error_line(
            f"error: {len(errors)} readiness error(s): the person on call now or next, or the "
            "final escalation, cannot be paged or reached (see Readiness above)"
        )
    return not errors


def model_ok(plan: Plan) -> bool:
    """Model mismatches in the current or next shift fail the command, after the plan is shown."""
    errors = plan.mismatch_errors
    if errors:
        output.error_line(
            f"error: {len(errors)} model mismatch(es) in the current or next shift: OpsGenie's "
            "own timeline disagrees with reconcile's rotation model (see Model mismatch above); "
            "apply refuses without --force"
        )
    return not errors


def readiness_of_option(default: str) -> Callable[[F], F]:
    return click.option(
        "--readiness-of",
        "readiness_of",
        type=click.Choice(READINESS_OF),
        default=default,
        show_default=True,
        help="Whose readiness to read: everyone in the rotations, or only those whose problems "
        "are errors (on call now or next, the technical manager); the rest cost two reads a "
        "person.",
    )


READINESS_OF_OPTION = readiness_of_option("everyone")
TIMELINE_OPTION = click.option(
    "--timeline-check/--no-timeline-check",
    "timeline_check",
    default=True,
    help="Check our rotation model against OpsGenie's own timeline (one read a schedule).",
)


@click.command("plan")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--out", type=click.Path(dir_okay=False), help="Save the plan for `apply`.")
@click.option(
    "--force", is_flag=True, help="Let --out replace an existing file that is not a plan file."
)
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option(
    "--detailed-exitcode",
    "detailed",
    is_flag=True,
    help="Exit 0 without changes, 2 with changes, 1 on error.",
)
@click.option("--target", help="Only this team.")
@click.option(
    "--readiness/--no-readiness",
    default=True,
    help="Check every participant can be paged and reached (two reads a person).",
)
@READINESS_OF_OPTION
@TIMELINE_OPTION
@click.pass_obj
def command(
    settings: Settings,
    paths: tuple[str, ...],
    out: str | None,
    fmt: str,
    detailed: bool,
    target: str | None,
    readiness: bool,
    force: bool,
    timeline_check: bool,
    readiness_of: str,
) -> int:
    """Show what apply would change (default PATHS: policies/)."""
    paths_ = list(paths) or ["policies"]
    return run(
        settings or Settings(),
        paths_,
        out,
        fmt,
        detailed,
        target,
        readiness,
        force,
        timeline_check,
        readiness_of,
    )
