"""A move between on-call backends (OpsGenie to JSM Operations), mapped and verified. Pure.

Objects are matched by name, never by id: a migration changes every id (reference jsm-ops §5).
Teams by name; schedules, escalations and routing rules by name within their team; people by
email. Each declared object gets one row: matched, missing (on the target), duplicated or
ambiguous (two targets answer to one name), and every person the policy names is mapped or not.
Objects the target team holds that the policy does not declare are listed as extra.

Then the check that matters: at each of the next handoffs, who is on call and who is paged at
each escalation step, asked of both backends, side by side.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from reconciler import live
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import participants

BLOCKING = frozenset({"duplicated", "ambiguous", "unmapped"})
MERGE_HINT = "merge them (Operations > General configuration > Merge team) or rename all but one"


@dataclass(frozen=True)
class Snapshot:
    """What one backend holds, as the migration compares it."""

    label: str
    teams: list[live.Team]
    schedules: list[live.Schedule]
    escalations: list[live.Escalation]
    routing: dict[str, list[live.RoutingRule]] = field(default_factory=dict)  # team id


@dataclass(frozen=True)
class Row:
    team: str
    kind: str  # team, schedule, escalation, routing rule, person
    name: str
    source: str  # the source's id(s), or "-"
    target: str
    status: str  # matched, missing, extra, duplicated, ambiguous, unmapped
    note: str = ""


def _ids(found: list[str]) -> str:
    return ", ".join(found) if found else "-"


def _status(found: list[str]) -> str:
    return {0: "missing", 1: "matched"}.get(len(found), "ambiguous")


def map_team(
    team: DesiredTeam,
    source: Snapshot,
    target: Snapshot,
    accounts: dict[str, bool],
    defaults: Callable[[str], list[str]] = lambda _team: [],
) -> list[Row]:
    """The migration plan's rows for one declared team. `accounts`: each person the policy
    names, and whether the target has an account for their email."""
    name = team.name
    src_team = [t.id for t in source.teams if t.name == name]
    dst_team = [t.id for t in target.teams if t.name == name]
    status = _status(dst_team)
    note = ""
    if status == "ambiguous":
        status = "duplicated"
        note = f"{len(dst_team)} {target.label} teams have this name: {MERGE_HINT}"
    rows = [Row(name, "team", name, _ids(src_team), _ids(dst_team), status, note)]

    def within(objects: list[live.Schedule] | list[live.Escalation], wanted: str) -> list[str]:
        return [o.id for o in objects if o.name == wanted and o.owner_team == name]

    declared = {s.name for s in team.schedules} | {team.escalation_name}
    for schedule in team.schedules:
        src, dst = within(source.schedules, schedule.name), within(target.schedules, schedule.name)
        rows.append(Row(name, "schedule", schedule.name, _ids(src), _ids(dst), _status(dst)))
    src = within(source.escalations, team.escalation_name)
    dst = within(target.escalations, team.escalation_name)
    rows.append(Row(name, "escalation", team.escalation_name, _ids(src), _ids(dst), _status(dst)))
    rule = team.routing_rule.name
    src = [r.id for t in src_team for r in source.routing.get(t, []) if r.name == rule]
    dst = [r.id for t in dst_team for r in target.routing.get(t, []) if r.name == rule]
    rows.append(Row(name, "routing rule", rule, _ids(src), _ids(dst), _status(dst)))
    ignore = declared | set(defaults(name))
    held: list[tuple[str, live.Schedule | live.Escalation]] = [
        *(("schedule", s) for s in target.schedules),
        *(("escalation", e) for e in target.escalations),
    ]
    for kind, obj in held:
        if obj.owner_team == name and obj.name not in ignore:
            rows.append(Row(name, kind, obj.name, "-", obj.id, "extra", "not in the policy"))
    for person in sorted(_people(team)):
        found = accounts.get(person, False)
        rows.append(
            Row(
                name,
                "person",
                person,
                "-",
                "account" if found else "-",
                "matched" if found else "unmapped",
                ""
                if found
                else f"no {target.label} account has this email: correct the "
                "account's email or invite them with agent access",
            )
        )
    return rows


def _people(team: DesiredTeam) -> set[str]:
    return {m.username for m in team.members} | set(participants(team))


# -- who is paged, on both sides ----------------------------------------------------------------


@dataclass(frozen=True)
class Paged:
    """Who one backend has on call at an instant, and pages at each escalation step."""

    on_call: tuple[str, ...]
    steps: tuple[tuple[int, tuple[str, ...]], ...]  # (minutes after the alert, people)

    def describe(self) -> str:
        steps = "; ".join(f"{m}m: {', '.join(who) or 'nobody'}" for m, who in self.steps)
        return f"on call {', '.join(self.on_call) or 'nobody'} | {steps or 'no escalation'}"


@dataclass(frozen=True)
class Comparison:
    team: str
    at: datetime
    source: Paged
    target: Paged

    @property
    def same(self) -> bool:
        return self.source == self.target


OnCall = Callable[[str, datetime], list[str]]


def handoffs(team: DesiredTeam, now: datetime, count: int) -> list[datetime]:
    """The next `count` handoffs of the engineer rotation, as the policy has it."""
    rotation = team.schedules[0].rotation.rotation
    shifts = rotation.shifts(now + timedelta(seconds=1))
    next(shifts)  # the shift in progress began before now
    return [s.start for s in islice(shifts, count)]


def paged(team: DesiredTeam, side: Snapshot, on_call: OnCall, at: datetime) -> Paged:
    """Asks `side` (through `on_call`) who is on call and who each escalation step pages."""
    schedules = {s.name: s.id for s in side.schedules if s.owner_team == team.name}
    eoc = schedules.get(team.schedules[0].name)
    now = tuple(sorted(on_call(eoc, at))) if eoc else ()
    escalation = next(
        (
            e
            for e in side.escalations
            if e.name == team.escalation_name and e.owner_team == team.name
        ),
        None,
    )
    steps = []
    for rule in escalation.rules if escalation else ():
        recipient = rule.recipient
        if recipient.type == "schedule":
            found = schedules.get(recipient.name or "")
            who = tuple(sorted(on_call(found, at))) if found else (f"? {recipient.name}",)
        elif recipient.type == "user":
            who = (recipient.name or "?",)
        else:
            who = (f"{recipient.type} {recipient.name}",)
        steps.append((rule.delay_minutes, who))
    return Paged(now, tuple(steps))
