"""`reconcile import`: a policy file from what the on-call backend (OpsGenie, or JSM Operations
with --backend jsm) and Slack hold now. Reads only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from reconciler import connect, exit_codes, output
from reconciler.backends import registry
from reconciler.errors import ReconcileError
from reconciler.files import write_output
from reconciler.policy.importer import Imported, pick, render_policy
from reconciler.policy.loader import load_bytes
from reconciler.policy.structure import validate_structure
from reconciler.settings import Settings


def imported_policy(
    settings: Settings,
    team_name: str,
    channels: list[str] | None = None,
    group: str | None = None,
    notes_url: str | None = None,
    notes_channel: str | None = None,
    display: str = "<import>",
) -> str:
    """The policy text for `team_name`, as the vendors hold it now; it always validates."""
    channels = channels or []
    backend = registry.on_call_backend(settings.oncall_backend)
    readers = connect.readers(settings)
    label = backend.capabilities.label
    try:
        team = readers.oncall.team(team_name)
        if team is None:
            raise ReconcileError(f"{label} has no team {team_name!r}")
        schedule, rotation, escalation = pick(
            team, readers.oncall.schedules(), readers.oncall.escalations()
        )
        found = {c.name: c for c in readers.slack.channels() if not c.is_archived}
        missing = [c for c in channels if c not in found]
        if missing:
            raise ReconcileError(f"Slack has no channel {', '.join('#' + m for m in missing)}")
        groups = {g.handle: g for g in readers.slack.user_groups()} if group else {}
        [routing] = readers.oncall.routing_rules_of([team.id])
        if group and group not in groups:
            raise ReconcileError(f"Slack has no user group @{group}")
    finally:
        readers.close()
    source = Imported(
        team,
        schedule,
        rotation,
        escalation,
        [found[c] for c in channels],
        groups.get(group) if group else None,
        notes_url,
        notes_channel,
        routing,
        backend.name,
        label,
    )
    text = render_policy(source, f"at {connect.now(settings):%Y-%m-%d %H:%M %Z}")
    policy, problems = validate_structure(load_bytes(text.encode(), display))
    if policy is None:  # a bug in the importer: never write a file that does not validate
        raise ReconcileError(
            "the imported policy does not validate: " + "; ".join(str(p) for p in problems)
        )
    return text


def run(
    settings: Settings,
    team_name: str,
    out: str | None,
    channels: list[str],
    group: str | None,
    notes_url: str | None,
    notes_channel: str | None,
    force: bool = False,
) -> int:
    text = imported_policy(
        settings, team_name, channels, group, notes_url, notes_channel, out or "<import>"
    )
    if out:
        inputs = [settings.sandbox] if settings.sandbox else []
        write_output(Path(out), text, inputs=inputs, force=force)
        output.error_line(f"wrote {out}; check it with: reconcile validate {out}")
    else:
        output.write_line(text.rstrip("\n"))
    return exit_codes.OK


@click.command("import")
@click.option("--team", "team_name", required=True, help="The on-call team to import.")
@click.option(
    "--backend",
    type=click.Choice(["opsgenie", "jsm"]),
    help="Where the team lives (default: RECONCILE_ONCALL_BACKEND, else opsgenie).",
)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here (default: print).")
@click.option("--channel", "channels", multiple=True, help="A Slack channel the on-call watches.")
@click.option("--group", help="The Slack user group of the on-call (handle, no @).")
@click.option("--notes-url", help="The hand-off notes link.")
@click.option("--notes-channel", help="Where the hand-off notes are posted.")
@click.option("--force", is_flag=True, help="Let --out replace an existing file.")
@click.pass_obj
def command(
    settings: Settings,
    team_name: str,
    out: str | None,
    channels: tuple[str, ...],
    group: str | None,
    notes_url: str | None,
    notes_channel: str | None,
    force: bool,
    backend: str | None,
) -> int:
    """Write a policy for TEAM from the on-call backend and Slack as they are."""
    return run(
        replace(settings or Settings(), oncall_backend=backend),
        team_name,
        out,
        list(channels),
        group,
        notes_url,
        notes_channel,
        force,
    )
