"""`reconcile sync`: only the on-call lifecycle (the group, channel duty, the hand-off post).

Safe to run every few minutes from a scheduler: it changes only what the rotation calls for now,
does each handoff's duties once, and prints nothing when there is nothing to do.
"""

from __future__ import annotations

from dataclasses import replace

import click

from reconciler import connect, engine, exit_codes, output
from reconciler.apply.executor import Applier
from reconciler.commands.plan import TIMELINE_OPTION
from reconciler.plan.build import LIFECYCLE
from reconciler.render.common import mismatch_line, value
from reconciler.settings import Settings


def run(settings: Settings, paths: list[str], dry_run: bool, timeline_check: bool = True) -> int:
    settings = engine.backend_for(settings, paths)
    writers = connect.writers(settings)
    try:
        planned = engine.plan(
            settings, paths, readers=writers, readiness=False, timeline_check=timeline_check
        )
        for mismatch in planned.plan.mismatches:  # sync follows OpsGenie's who-is-on-call
            output.error_line(
                f"warning: model mismatch: {mismatch_line(mismatch)}; "
                f"sync follows {planned.plan.oncall}'s who-is-on-call answer"
            )
        duties = [c for c in planned.plan.actionable if c.kind in LIFECYCLE]
        if not duties:
            return exit_codes.OK  # quiet: nothing to do
        plan = replace(planned.plan, changes=duties)
        if dry_run:
            for change in duties:  # with who moves: the people, not only the count
                output.write_line(f"{change.symbol} {change.kind} {change.name}: {change.reason}")
                for field in change.fields:
                    if field.field != "text":
                        output.write_line(
                            f"    {field.field}: {value(field.before)} -> {value(field.after)}"
                        )
                    else:
                        output.write_line("    post:")
                        output.write_line("      " + str(field.after).replace("\n", "\n      "))
            return exit_codes.OK
        outcome = Applier(writers, planned.state, output.write_line).apply(plan)
    finally:
        writers.close()
    for warning in planned.plan.warnings:
        output.error_line(f"warning: {warning}")
    for duty in outcome.not_done:
        output.error_line(f"warning: not done: {duty}")
    if outcome.failed is not None:
        output.error_line(f"error: {outcome.failed.kind} {outcome.failed.name}: {outcome.error}")
        not_done = ", ".join(f"{c.kind} {c.name}" for c in outcome.skipped) or "nothing"
        output.error_line(f"not attempted: {not_done}")
        return exit_codes.INTERRUPTED if outcome.interrupted else exit_codes.ERROR
    return exit_codes.OK


@click.command("sync")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Say what would be done, do nothing.")
@TIMELINE_OPTION
@click.pass_obj
def command(settings: Settings, paths: tuple[str, ...], dry_run: bool, timeline_check: bool) -> int:
    """Keep the on-call group, channel duty and hand-off post in step with who is on call."""
    return run(settings or Settings(), list(paths) or ["policies"], dry_run, timeline_check)
