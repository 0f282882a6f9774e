"""Reading the live state a plan needs, once per run, both vendors at the same time.

Reads grow with the number of declared teams (a team's details and its routing rules), not with
channels or people beyond paging. A failed read raises: it is never taken for "absent".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from reconciler import live
from reconciler.backends.base import ReadSide
from reconciler.errors import ReconcileError


@dataclass
class LiveState:
    now: datetime
    teams: dict[str, live.Team] = field(default_factory=dict)  # by lower-case name
    schedules: dict[str, live.Schedule] = field(default_factory=dict)
    escalations: dict[str, live.Escalation] = field(default_factory=dict)
    routing_rules: dict[str, list[live.RoutingRule]] = field(default_factory=dict)  # team name
    overrides: dict[str, list[live.Override]] = field(default_factory=dict)  # schedule name
    channels: dict[str, live.Channel] = field(default_factory=dict)  # by name
    groups: dict[str, live.UserGroup] = field(default_factory=dict)  # by handle
    slack_identity: live.SlackIdentity | None = None
    slack_warnings: list[str] = field(default_factory=list)


def observe(
    readers: ReadSide,
    team_names: list[str],
    now: datetime,
    *,
    groups: bool = True,
    override_schedules: list[str] | None = None,
    on_call_part: LiveState | None = None,
) -> LiveState:
    """`groups`: whether any policy declares a Slack user group; only then are they read (they
    need a paid Slack plan, and usergroups.list fails on a free one). `on_call_part`: the on-call
    backend's part, read already (`observe_on_call`); only Slack is read then."""
    state = LiveState(now)
    if on_call_part is not None:
        for name in ON_CALL_PART:
            setattr(state, name, getattr(on_call_part, name))
        _slack(readers, state, groups)
        return state
    with ThreadPoolExecutor(max_workers=2) as pool:
        oncall = pool.submit(_oncall, readers, team_names, state, override_schedules or [])
        slack = pool.submit(_slack, readers, state, groups)
        oncall.result()
        slack.result()
    return state


# The fields the on-call backend's reads fill; the rest are Slack's.
ON_CALL_PART = ("teams", "schedules", "escalations", "routing_rules", "overrides")


def observe_on_call(
    readers: ReadSide, team_names: list[str], now: datetime, override_schedules: list[str]
) -> LiveState:
    """The on-call backend's part alone: an apply reads it for its check while Slack's paced
    writes are still going on."""
    state = LiveState(now)
    _oncall(readers, team_names, state, override_schedules)
    return state


def _oncall(
    readers: ReadSide, team_names: list[str], state: LiveState, override_schedules: list[str]
) -> None:
    og = readers.oncall
    teams = og.teams(detailed=team_names)  # the others' names and markers are all a plan needs
    _refuse_duplicates(teams, team_names)
    state.teams = {t.name.lower(): t for t in teams}
    state.schedules = {s.name.lower(): s for s in og.schedules()}
    state.escalations = {e.name.lower(): e for e in og.escalations()}
    ours = [state.teams[n.lower()] for n in team_names if n.lower() in state.teams]
    rules = og.routing_rules_of([t.id for t in ours])
    state.routing_rules = {t.name.lower(): r for t, r in zip(ours, rules, strict=True)}
    # Overrides of the declared engineer schedules: covers the policy owns, and any made by hand
    # (shown as unmanaged): one read a schedule.
    found = [state.schedules[n.lower()] for n in override_schedules if n.lower() in state.schedules]
    listed = og.parallel(lambda s: og.overrides(s.id), found)
    state.overrides = {s.name.lower(): o for s, o in zip(found, listed, strict=True)}


def _refuse_duplicates(teams: list[live.Team], team_names: list[str]) -> None:
    """A declared name two live teams share cannot be planned: which one is ours? (A migration
    to JSM Operations duplicates a team whose name clashes with an Atlassian team.)"""
    by_name: dict[str, list[str]] = {}
    for t in teams:
        by_name.setdefault(t.name.lower(), []).append(t.id)
    for name in team_names:
        same = sorted(by_name.get(name.lower(), []))
        if len(same) > 1:
            raise ReconcileError(
                f"team {name!r}: {len(same)} on-call teams have this name ({', '.join(same)}); "
                "merge them or rename all but one (after a move to JSM Operations: Operations > "
                "General configuration > Merge team), then plan again"
            )


def _slack(readers: ReadSide, state: LiveState, groups: bool) -> None:
    sl = readers.slack
    state.slack_identity = sl.preflight(groups=groups)
    channels: dict[str, live.Channel] = {}
    for channel in sl.channels():
        # An archived channel keeps its name; prefer the live one if both exist.
        if channel.name not in channels or channels[channel.name].is_archived:
            channels[channel.name] = channel
    state.channels = channels
    if groups:
        state.groups = {g.handle: g for g in sl.user_groups() if g.handle}
    state.slack_warnings = list(sl.warnings)
