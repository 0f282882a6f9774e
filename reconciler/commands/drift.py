"""`reconcile drift`: report what changed behind the policy's back. Reads only (unless posting)."""

from __future__ import annotations

import click

from reconciler import connect, engine, exit_codes, output
from reconciler.commands.plan import (
    READINESS_OF_OPTION,
    TIMELINE_OPTION,
    model_ok,
    readiness_ok,
)
from reconciler.errors import ReconcileError
from reconciler.render import render
from reconciler.settings import Settings


def run(
    settings: Settings,
    paths: list[str],
    fmt: str,
    exit_code: bool,
    post_to: str | None,
    readiness: bool = True,
    timeline_check: bool = True,
    readiness_of: str = "everyone",
) -> int:
    planned = engine.plan(
        settings,
        paths,
        readiness=readiness,
        timeline_check=timeline_check,
        readiness_of=readiness_of,
    )
    plan = planned.plan
    fingerprint = plan.fingerprint() if not plan.empty else "none"
    if fmt == "text":
        output.write_line(render(plan, "text", colour=output.use_colour()).rstrip("\n"))
        output.write_line(f"Drift fingerprint: {fingerprint}")
    else:
        output.write_line(render(plan, fmt, title="drift report").rstrip("\n"))
    if post_to:
        _post(settings, post_to.lstrip("#"), render(plan, "markdown", title="drift report"))
    ready, agreed = readiness_ok(plan), model_ok(plan)
    if not (ready and agreed):
        return exit_codes.ERROR
    if exit_code and not plan.empty:
        return exit_codes.CHANGES
    return exit_codes.OK


def _post(settings: Settings, channel: str, text: str) -> None:
    writers = connect.writers(settings)
    try:
        found = [c for c in writers.slack.channels() if c.name == channel and not c.is_archived]
        if not found:
            raise ReconcileError(f"cannot post the drift report: no channel #{channel}")
        writers.slack.post_message(found[0].id, text[:39_000])
    finally:
        writers.close()
    output.error_line(f"drift report posted to #{channel}")


@click.command("drift")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 2 when there is drift.")
@click.option("--post-to", metavar="CHANNEL", help="Post the Markdown report to this channel.")
@click.option("--readiness/--no-readiness", default=True, help="Check participants' readiness.")
@READINESS_OF_OPTION
@TIMELINE_OPTION
@click.pass_obj
def command(
    settings: Settings,
    paths: tuple[str, ...],
    fmt: str,
    exit_code: bool,
    post_to: str | None,
    readiness: bool,
    timeline_check: bool,
    readiness_of: str,
) -> int:
    """Report drift between the policies and the on-call backend and Slack, for every team."""
    paths_ = list(paths) or ["policies"]
    return run(
        settings or Settings(),
        paths_,
        fmt,
        exit_code,
        post_to,
        readiness,
        timeline_check,
        readiness_of,
    )
