"""`reconcile migrate`: the move from OpsGenie to JSM Operations, mapped, applied and verified.

Reads both backends; shows the migration plan (each declared object matched, missing, extra,
duplicated or ambiguous, and each person mapped or not); shows what apply would change on the
target, or applies it with --apply; then asks both backends who is on call and who is paged at
each escalation step at the next handoffs, side by side. Exits 1 on anything that blocks the
move or any difference, so it can gate a cut-over in CI.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

import click

from reconciler import connect, engine, exit_codes, output
from reconciler.backends import registry
from reconciler.backends.base import OnCallReader
from reconciler.commands import apply as apply_command
from reconciler.commands import plan as plan_command
from reconciler.plan.build import desired_teams
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import participants
from reconciler.plan.migration import (
    BLOCKING,
    Comparison,
    Row,
    Snapshot,
    handoffs,
    map_team,
    paged,
)
from reconciler.settings import Settings


def snapshot(reader: OnCallReader, label: str, names: list[str]) -> Snapshot:
    teams = reader.teams()
    ours = [t for t in teams if t.name in names]
    rules = reader.routing_rules_of([t.id for t in ours])
    return Snapshot(
        label,
        teams,
        reader.schedules(),
        reader.escalations(),
        {t.id: r for t, r in zip(ours, rules, strict=True)},
    )


def _people(teams: list[DesiredTeam]) -> list[str]:
    found = {m.username for t in teams for m in t.members}
    return sorted(found | {p for t in teams for p in participants(t)})


def _render_rows(rows: list[Row], source: str, target: str) -> None:
    output.write_line(f"Migration plan: {source} -> {target}")
    width = max((len(r.name) for r in rows), default=10)
    for team in dict.fromkeys(r.team for r in rows):
        output.write_line(f"\nTeam {team}:")
        for r in (r for r in rows if r.team == team):
            line = f"  {r.status:<10} {r.kind:<12} {r.name:<{width}}  {source}: {r.source}"
            line += f"  {target}: {r.target}"
            output.write_line(line + (f"\n             {r.note}" if r.note else ""))
    counts = {s: sum(r.status == s for r in rows) for s in dict.fromkeys(r.status for r in rows)}
    output.write_line("\n" + ", ".join(f"{n} {s}" for s, n in counts.items()) + ".")


def _render_comparison(
    found: list[Comparison], source: str, target: str, zone_of: dict[str, ZoneInfo]
) -> int:
    output.write_line(f"\nOn call and paged at the next handoffs ({source} | {target}):")
    different = 0
    for c in found:
        when = c.at.astimezone(zone_of[c.team]).strftime("%a %Y-%m-%d %H:%M %Z")
        if c.same:
            output.write_line(f"  same       {c.team}  {when}  {c.source.describe()}")
            continue
        different += 1
        output.write_line(f"  DIFFERENT  {c.team}  {when}")
        output.write_line(f"      {source}: {c.source.describe()}")
        output.write_line(f"      {target}: {c.target.describe()}")
    verdict = "identical" if not different else f"{different} handoff(s) differ"
    output.write_line(f"\n{len(found)} handoff(s) compared: {verdict}.")
    return different


def run(
    settings: Settings,
    paths: list[str],
    target_team: str | None,
    count: int,
    apply: bool,
    auto_approve: bool,
    source_name: str = "opsgenie",
    target_name: str = "jsm",
) -> int:
    teams = desired_teams(engine.load(paths, target_team))
    names = [t.name for t in teams]
    source_backend = registry.on_call_backend(source_name)
    target_backend = registry.on_call_backend(target_name)
    source_label, target_label = (
        source_backend.capabilities.label,
        target_backend.capabilities.label,
    )
    via = connect.connection(settings)
    source, target = source_backend.reader(via), target_backend.reader(via)
    try:
        before, after = snapshot(source, source_label, names), snapshot(target, target_label, names)
        people = _people(teams)
        found = target.parallel(target.user_and_contacts, people)
        accounts = {p: f is not None for p, f in zip(people, found, strict=True)}
    finally:
        source.close()
        target.close()
    rows = [
        r
        for t in teams
        for r in map_team(t, before, after, accounts, target_backend.capabilities.default_objects)
    ]
    _render_rows(rows, source_label, target_label)
    blocking = [r for r in rows if r.status in BLOCKING]
    if any(r.status in ("duplicated", "ambiguous") for r in blocking):
        output.write_line("Fix the duplicated or ambiguous rows above, then run migrate again.")
        return exit_codes.ERROR
    on_target = replace(settings, oncall_backend=target_name)
    output.write_line(f"\nWhat apply changes in {target_label}:")
    if apply and blocking:
        output.write_line("apply refused: people above have no account on the target")
        return exit_codes.ERROR
    if apply:
        code = apply_command.run(on_target, None, paths, target_team, auto_approve, False)
    else:
        code = plan_command.run(on_target, paths, None, "text", False, target_team)
    different = compare(settings, teams, count, source_name, target_name)
    if blocking or different or code != exit_codes.OK:
        return exit_codes.ERROR
    return exit_codes.OK


def compare(
    settings: Settings, teams: list[DesiredTeam], count: int, source_name: str, target_name: str
) -> int:
    """Who is on call and paged at the next `count` handoffs, on both backends; the number of
    handoffs that differ."""
    now = connect.now(settings)
    via = connect.connection(settings)
    readers = [registry.on_call_backend(n).reader(via) for n in (source_name, target_name)]
    labels = [registry.on_call_backend(n).capabilities.label for n in (source_name, target_name)]
    names = [t.name for t in teams]
    try:
        sides = [snapshot(r, label, names) for r, label in zip(readers, labels, strict=True)]
        found = []
        for team in teams:
            for at in handoffs(team, now, count):
                both = [
                    paged(team, side, r.on_call, at) for side, r in zip(sides, readers, strict=True)
                ]
                found.append(Comparison(team.name, at, both[0], both[1]))
    finally:
        for reader in readers:
            reader.close()
    zones = {t.name: t.schedules[0].rotation.rotation.zone for t in teams}
    return _render_comparison(found, labels[0], labels[1], zones)


@click.command("migrate")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--to", "target_name", default="jsm", show_default=True, help="The new backend.")
@click.option(
    "--from", "source_name", default="opsgenie", show_default=True, help="The old backend."
)
@click.option("--handoffs", "count", type=click.IntRange(1, 104), default=12, show_default=True)
@click.option("--apply", is_flag=True, help="Make the new backend match the policy first.")
@click.option("--auto-approve", is_flag=True, help="Apply without asking.")
@click.option("--target", help="Only this team.")
@click.pass_obj
def command(
    settings: Settings,
    paths: tuple[str, ...],
    target_name: str,
    source_name: str,
    count: int,
    apply: bool,
    auto_approve: bool,
    target: str | None,
) -> int:
    """Map, apply and verify the move from OpsGenie to JSM Operations (default PATHS: policies/)."""
    return run(
        settings or Settings(),
        list(paths) or ["policies"],
        target,
        count,
        apply,
        auto_approve,
        source_name,
        target_name,
    )
