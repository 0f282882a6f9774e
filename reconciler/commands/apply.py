"""`reconcile apply`: make OpsGenie and Slack match the policy, then check that they do."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import click

from reconciler import connect, engine, exit_codes, output, planfile
from reconciler.apply.executor import Applier, Outcome
from reconciler.backends.base import Writers
from reconciler.commands.plan import TIMELINE_OPTION, model_ok, readiness_of_option
from reconciler.errors import ReconcileError
from reconciler.plan.build import LIFECYCLE
from reconciler.plan.changes import Plan
from reconciler.plan.observe import LiveState
from reconciler.policy.policy_set import LoadedPolicy
from reconciler.render import render
from reconciler.settings import Settings


def run(
    settings: Settings,
    plan_path: str | None,
    paths: list[str],
    target: str | None,
    auto_approve: bool,
    force: bool,
    timeline_check: bool = True,
    readiness_of: str = "on-duty",
) -> int:
    saved = None
    if plan_path is not None:
        saved = planfile.load(Path(plan_path))
        paths, target = saved["paths"], saved.get("target")
    settings = engine.backend_for(settings, paths, target)
    writers = connect.writers(settings)
    try:
        planned = engine.plan(
            settings,
            paths,
            target,
            readers=writers,
            timeline_check=timeline_check,
            readiness_of=readiness_of,
        )
        plan = planned.plan
        if saved is not None:
            planfile.check_fresh(saved, plan)
        else:
            output.write_line(render(plan, "text", colour=output.use_colour()).rstrip("\n"))
        if plan.mismatch_errors and not plan.empty:
            if not force:
                model_ok(plan)
                raise ReconcileError(
                    "apply refused: OpsGenie's timeline disagrees with reconcile's rotation model "
                    "for the current or next shift, so the plan's view of who is on call may be "
                    "wrong; check the schedule, then apply with --force to go ahead"
                )
            output.write_line("--force: applying despite the model mismatch")
        if plan.empty:
            if saved is not None:
                output.write_line("No changes. OpsGenie and Slack match the policy.")
            return exit_codes.OK
        if plan.blocked and force:
            output.write_line(f"--force: applying {len(plan.blocked)} blocked change(s) too")
        if saved is None and not auto_approve:
            _confirm()
        early = EarlyRead(settings, planned.policies, writers)
        try:
            stopped = _carry_out(
                writers, planned.state, plan, force=force, on_call_done=early.start
            )
            if stopped is not None:
                return stopped
            after_planned = _check(settings, paths, target, writers, early.result())
        finally:
            early.close()
        follow_up = [c for c in after_planned.plan.actionable if c.kind in LIFECYCLE]
        if follow_up:
            # What depends on objects this apply made (the group's members once the schedule
            # exists, channel duty, the hand-off post) could not be planned before them: it is
            # planned now and applied in the same run, so one apply finishes the job.
            output.write_line("Follow-up: the on-call lifecycle of what was just made:")
            stopped = _carry_out(
                writers, after_planned.state, replace(after_planned.plan, changes=follow_up)
            )
            if stopped is not None:
                return stopped
            after_planned = _check(settings, paths, target, writers)
        after = after_planned.plan
    finally:
        writers.close()
    remaining = [c for c in after.actionable if not c.blocked]
    if remaining:
        output.write_line("Still different after apply:")
        for change in remaining:
            output.write_line(f"  {change.symbol} {change.kind} {change.name}: {change.reason}")
        return exit_codes.ERROR
    return exit_codes.OK


class EarlyRead:
    """The check's on-call reads, begun once the on-call changes are made: the on-call backend
    is then as this apply leaves it, and its reads take its own rate limit's time while Slack's
    paced writes go on, instead of after them."""

    def __init__(self, settings: Settings, policies: list[LoadedPolicy], readers: Writers) -> None:
        self._read = partial(engine.read_on_call, settings, policies, readers)
        self._pool: ThreadPoolExecutor | None = None
        self._future: Future[engine.OnCallRead] | None = None

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-read")
        self._future = self._pool.submit(self._read)

    def result(self) -> engine.OnCallRead | None:
        """The read (a failed one raises, as in any plan), or None if it never began."""
        return self._future.result() if self._future is not None else None

    def close(self) -> None:
        # An apply that stopped early does not wait for the read: closing the clients ends it.
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def _carry_out(writers: Writers, state: LiveState, plan: Plan, **options: Any) -> int | None:
    """Apply `plan` and give its account; the exit code if it stopped, else None."""
    outcome = Applier(writers, state, output.write_line).apply(plan, **options)
    _account(outcome)
    if outcome.interrupted:
        return exit_codes.INTERRUPTED
    if outcome.failed is not None:
        return exit_codes.ERROR
    return None


def _check(
    settings: Settings,
    paths: list[str],
    target: str | None,
    writers: Writers,
    on_call_read: engine.OnCallRead | None = None,
) -> engine.Planned:
    """The plan after the writes, to check that they landed: readiness (two reads a person) was
    shown before, and is not what an apply changes."""
    return engine.plan(
        settings,
        paths,
        target,
        readers=writers,
        timeline_check=False,
        readiness=False,
        on_call_read=on_call_read,
    )


def _confirm() -> None:
    output.write_line("")
    output.write_line("Do you want to perform these actions? Only 'yes' will be accepted.")
    try:
        answer = click.prompt("  Enter a value", default="", show_default=False)
    except click.exceptions.Abort:
        answer = ""
    if answer.strip() != "yes":
        raise ReconcileError("apply cancelled: nothing was changed")


def _account(outcome: Outcome) -> None:
    for duty in outcome.not_done:
        output.error_line(f"warning: not done: {duty}")
    counts = outcome.counts()
    totals = (
        f"Resources: {counts['added']} added, {counts['changed']} changed, "
        f"{counts['destroyed']} destroyed."
    )
    if outcome.failed is None:
        output.write_line(f"Apply complete! {totals}")
    elif outcome.interrupted:
        output.write_line(f"Apply interrupted. {totals}")
        output.write_line(
            f"  unknown: {outcome.failed.symbol} {outcome.failed.kind} {outcome.failed.name} "
            "was under way and may or may not have been made; plan again to see"
        )
    else:
        output.write_line(f"Apply stopped at the first error. {totals}")
        output.write_line(f"  failed: {outcome.failed.kind} {outcome.failed.name}: {outcome.error}")
    if outcome.done and outcome.failed is not None:
        output.write_line("  done:")
        for change in outcome.done:
            output.write_line(f"    {change.symbol} {change.kind} {change.name}")
    not_done = [c for c in outcome.skipped]
    if not_done:
        output.write_line("  not attempted:")
        for change in not_done:
            why = f" (blocked: {change.blocked})" if change.blocked else ""
            output.write_line(f"    {change.symbol} {change.kind} {change.name}{why}")


@click.command("apply")
@click.argument("planfile_path", metavar="[PLANFILE]", required=False, type=click.Path())
@click.option(
    "--policies",
    "paths",
    multiple=True,
    type=click.Path(),
    help="Policy paths when no plan file is given (default: policies/).",
)
@click.option("--target", help="Only this team (without a plan file).")
@click.option("--auto-approve", is_flag=True, help="Do not ask before applying.")
@click.option(
    "--force",
    is_flag=True,
    help="Apply changes the safety rules blocked, and despite a model mismatch.",
)
@TIMELINE_OPTION
@readiness_of_option("on-duty")  # plan shows everyone's
@click.pass_obj
def command(
    settings: Settings,
    planfile_path: str | None,
    paths: tuple[str, ...],
    target: str | None,
    auto_approve: bool,
    force: bool,
    timeline_check: bool,
    readiness_of: str,
) -> int:
    """Apply a saved plan exactly, or plan, show and ask first."""
    return run(
        settings or Settings(),
        planfile_path,
        list(paths) or ["policies"],
        target,
        auto_approve,
        force,
        timeline_check,
        readiness_of,
    )
