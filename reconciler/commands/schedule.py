"""`reconcile schedule`: the coming handoffs of each team, as the policy computes them, covers
included; as text, JSON, an iCalendar file, or the load per person (--stats)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import click

from reconciler import dates, exit_codes, output
from reconciler.backends import registry
from reconciler.errors import ReconcileError
from reconciler.policy.model import Policy
from reconciler.policy.names import Names
from reconciler.policy.policy_set import load_policies
from reconciler.render import ics
from reconciler.settings import Settings
from reconciler.timing.cover import ALIAS_PREFIX, Turn
from reconciler.timing.escalation import arithmetic, timed_steps
from reconciler.timing.load import load
from reconciler.timing.oncall import Handoff, handoffs


def run(
    paths: list[str],
    weeks: int,
    start: datetime,
    team: str | None,
    fmt: str,
    person: str | None = None,
    stats: bool = False,
    live: Settings | None = None,
) -> int:
    result = load_policies(paths)
    for problem in result.problems:
        output.error_line(str(problem))
    if not result.ok:
        return exit_codes.ERROR
    chosen = [lp for lp in result.policies if team is None or lp.policy.team.name == team]
    if team is not None and not chosen:
        raise ReconcileError(f"no policy declares team {team!r}")
    report = []
    for loaded in chosen:
        policy = loaded.policy
        shift = policy.on_call.engineer.shift_length.timedelta
        count = max(1, int(weeks * 7 * 24 * 3600 // shift.total_seconds()))
        by_hand = _by_hand(live, policy, start) if live is not None else ()
        report.append((policy, handoffs(policy, start, count, by_hand)))
    if fmt == "ics":
        sys.stdout.buffer.write(ics.calendar(report, person, start))
        sys.stdout.flush()
    elif stats:
        _print_load(report, start, fmt)
    elif fmt == "json":
        output.write_line(json.dumps(_as_json(report), indent=2))
    else:
        _print_text(report)
    return exit_codes.OK


def _by_hand(settings: Settings, policy: Policy, start: datetime) -> tuple[Turn, ...]:
    """Overrides somebody made by hand on the team's engineer schedule, as turns."""
    from reconciler import connect, engine

    settings = engine.for_policies(settings, [])
    if policy.on_call.backend:
        settings = replace(settings, oncall_backend=policy.on_call.backend)
    reader = registry.on_call_backend(settings.oncall_backend).reader(connect.connection(settings))
    try:
        name = Names(policy.team.name, policy.management.names.model_dump()).eoc_schedule
        schedule = next((s for s in reader.schedules() if s.name == name), None)
        found = reader.overrides(schedule.id) if schedule else []
    finally:
        reader.close()
    zone = ZoneInfo(policy.on_call.engineer.handoff.time_zone)
    return tuple(
        Turn(
            o.start.astimezone(zone),
            o.end.astimezone(zone),
            o.username,
            "",
            "override made by hand",
            "by hand",
        )
        for o in found
        if not o.alias.startswith(ALIAS_PREFIX) and o.end > start
    )


def _print_load(report: list[tuple[Policy, list[Handoff]]], start: datetime, fmt: str) -> None:
    teams = []
    for policy, rows in report:
        zone = rows[0].start.tzinfo if rows else None
        assert zone is None or isinstance(zone, ZoneInfo)
        holidays = set(policy.cover.holidays if policy.cover else [])
        found = load(rows, zone or ZoneInfo("UTC"), holidays)
        teams.append((policy.team.name, rows, found))
    if fmt == "json":
        data = [{"team": name, "people": [vars(p) for p in people]} for name, _, people in teams]
        output.write_line(json.dumps({"format_version": 1, "teams": data}, indent=2))
        return
    for name, rows, people in teams:
        until = rows[-1].end if rows else start
        output.write_line(
            f"{name}: load from {start:%Y-%m-%d} to {until:%Y-%m-%d}, covers included"
        )
        output.write_line(
            f"  {'person':32} {'shifts':>6} {'days':>6} {'weekend':>8} {'holiday':>8}"
        )
        for p in people:
            output.write_line(
                f"  {p.person:32} {p.shifts:>6} {p.hours / 24:>6.1f} {p.weekend_days:>8} "
                f"{p.holidays:>8}"
            )


def _as_json(report: list[tuple[Policy, list[Handoff]]]) -> dict[str, object]:
    return {
        "format_version": 1,
        "teams": [
            {
                "team": policy.team.name,
                "handoffs": [
                    {
                        "start": h.start.isoformat(),
                        "start_utc": h.start.astimezone(UTC).isoformat(),
                        "end": h.end.isoformat(),
                        "engineer_on_call": h.engineer,
                        "technical_manager": h.manager,
                        "cover": h.cover,
                    }
                    for h in rows
                ],
            }
            for policy, rows in report
        ],
    }


def _print_text(report: list[tuple[Policy, list[Handoff]]]) -> None:
    for i, (policy, rows) in enumerate(report):
        if i:
            output.write_line()
        eoc = policy.on_call.engineer
        when = f"{eoc.handoff.weekday.title()}s " if eoc.handoff.weekday else "every shift at "
        output.write_line(
            f"{policy.team.name}: shifts of {eoc.shift_length}, handoff {when}"
            f"{eoc.handoff.time:%H:%M} {eoc.handoff.time_zone}"
        )
        esc = policy.escalation
        paging = ", ".join(f"{s.page.replace('_', ' ')} at {s.delay}" for s in timed_steps(esc))
        output.write_line(f"  escalation: {paging}")
        output.write_line(f"  acknowledgements: {arithmetic(esc)} (initial-response target)")
        for h in rows:
            local = h.start.strftime("%a %Y-%m-%d %H:%M %Z")
            utc = h.start.astimezone(UTC).strftime("%H:%M UTC")
            manager = f"  (TM {h.manager})" if h.manager else ""
            cover = f"  cover {h.cover}" if h.cover else ""
            output.write_line(f"  {local}  [{utc}]  {h.engineer}{manager}{cover}")


@click.command("schedule")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--weeks", type=click.IntRange(1, 520), default=8, show_default=True)
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]),
    help="Start from this UTC date/time (default: now).",
)
@click.option("--team", help="Only this team.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "ics"]),
    default="text",
    help="ics: an iCalendar file to subscribe to (one per team, or --person's own).",
)
@click.option("--person", help="ics: only this person's shifts, across the teams.")
@click.option("--stats", is_flag=True, help="Shifts, days, weekend days and holidays per person.")
@click.option(
    "--live",
    is_flag=True,
    help="Also read the on-call backend for overrides made by hand (credentials needed).",
)
@click.pass_obj
def command(
    settings: Settings | None,
    paths: tuple[str, ...],
    weeks: int,
    start: datetime | None,
    team: str | None,
    fmt: str,
    person: str | None,
    stats: bool,
    live: bool,
) -> int:
    """Print who is on call from now (or --from) for the next --weeks weeks, covers included."""
    when = start.replace(tzinfo=UTC) if start else datetime.now(UTC)
    problem = dates.out_of_range(when, "--from")
    if problem:
        raise ReconcileError(problem)
    if stats and fmt == "ics":
        raise ReconcileError("--stats prints a table (text or json), not a calendar")
    chosen = (settings or Settings()) if live else None
    return run(list(paths) or ["policies"], weeks, when, team, fmt, person, stats, chosen)
