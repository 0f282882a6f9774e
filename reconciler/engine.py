"""The steps plan, apply and drift share: policies in, live state read, Plan out."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from reconciler import connect, output
from reconciler.backends import registry
from reconciler.backends.base import ReadSide
from reconciler.errors import PolicyError, ReconcileError
from reconciler.plan.build import desired_teams, inputs_hash, make_plan
from reconciler.plan.changes import Plan
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import (
    LifecycleState,
    TeamOnCall,
    observe_lifecycle,
    read_pageability,
    readiness_people,
    whos_on_call,
)
from reconciler.plan.observe import LiveState, observe, observe_on_call
from reconciler.plan.timeline_check import check_timelines
from reconciler.policy.policy_set import LoadedPolicy, load_policies
from reconciler.settings import Settings


@dataclass
class Planned:
    plan: Plan
    state: LiveState
    policies: list[LoadedPolicy]
    now: datetime


@dataclass(frozen=True)
class OnCallRead:
    """The on-call backend's part of a plan's reads, made ahead of the rest."""

    state: LiveState  # its on-call fields only
    on_call: dict[str, TeamOnCall]  # by team name


def read_on_call(settings: Settings, policies: list[LoadedPolicy], readers: ReadSide) -> OnCallRead:
    """What a plan of `policies` reads from the on-call backend, as of now: an apply reads it for
    its check as soon as its on-call changes are made, while Slack's paced writes still go on."""
    teams = desired_teams(policies)
    state = observe_on_call(
        readers,
        [t.name for t in teams],
        connect.now(settings),
        [t.schedules[0].name for t in teams],
    )
    return OnCallRead(state, whos_on_call(readers.oncall, teams, state))


def load(paths: list[str], target: str | None = None) -> list[LoadedPolicy]:
    result = load_policies(paths)
    for problem in result.problems:
        output.error_line(str(problem))
    if not result.ok:
        raise PolicyError(result.errors)
    chosen = [p for p in result.policies if target is None or p.policy.team.name == target]
    if target is not None and not chosen:
        raise ReconcileError(f"no policy declares team {target!r}")
    return chosen


def for_policies(settings: Settings, policies: list[LoadedPolicy]) -> Settings:
    """Settings naming the on-call backend the policies ask for (`on_call.backend`, else the
    environment's). One run speaks to one on-call backend: policies that name two are refused.
    A backend the settings already name (`migrate` names its target) is kept."""
    if settings.oncall_backend:
        return settings
    default = os.environ.get("RECONCILE_ONCALL_BACKEND") or registry.DEFAULT_ON_CALL
    chosen: dict[str, str] = {}
    for loaded in policies:
        chosen.setdefault(loaded.policy.on_call.backend or default, loaded.file)
    if len(chosen) > 1:
        named = ", ".join(f"{name} ({file})" for name, file in sorted(chosen.items()))
        raise ReconcileError(
            f"these policies use different on-call backends: {named}; plan or apply each "
            "backend's policies in its own run"
        )
    return replace(settings, oncall_backend=next(iter(chosen), default))


def backend_for(settings: Settings, paths: list[str], target: str | None = None) -> Settings:
    """The same, before the run's clients are made; quiet, as `plan` reports the policies' own
    problems when it loads them again."""
    result = load_policies(paths)
    if not result.ok:
        return settings
    chosen = [p for p in result.policies if target is None or p.policy.team.name == target]
    return for_policies(settings, chosen)


def _read(
    readers: ReadSide,
    teams: list[DesiredTeam],
    now: datetime,
    readiness: bool,
    readiness_of: str,
    on_call_read: OnCallRead | None,
) -> tuple[LiveState, LifecycleState]:
    """The live state and the lifecycle's, each vendor's reads beside the other's."""
    groups = any(t.policy.slack and t.policy.slack.on_call_group for t in teams)
    engineer = [t.schedules[0].name for t in teams]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness") as pool:
        # Everyone's readiness needs no other read: it starts with the rest.
        everyone = None
        if readiness and readiness_of == "everyone":
            people = readiness_people(teams, None, readiness_of)
            everyone = pool.submit(read_pageability, readers.oncall, people)
        state = observe(
            readers,
            [t.name for t in teams],
            now,
            groups=groups,
            override_schedules=engineer,
            on_call_part=on_call_read.state if on_call_read else None,
        )
        life = observe_lifecycle(
            readers,
            teams,
            state,
            readiness=readiness,
            readiness_of=readiness_of,
            on_call=on_call_read.on_call if on_call_read else None,
            pageability=everyone,
        )
    return state, life


def plan(
    settings: Settings,
    paths: list[str],
    target: str | None = None,
    readers: ReadSide | None = None,
    *,
    readiness: bool = True,
    readiness_of: str = "everyone",
    timeline_check: bool = True,
    on_call_read: OnCallRead | None = None,
) -> Planned:
    """`on_call_read`: the on-call backend's part, read already (`read_on_call`); the plan is
    then as of when that was read, and only Slack is read here."""
    policies = load(paths, target)
    settings = for_policies(settings, policies)
    now = on_call_read.state.now if on_call_read else connect.now(settings)
    own = readers is None
    readers = readers or connect.readers(settings)
    try:
        teams = desired_teams(policies)
        output.progress(f"reading the vendors for {len(teams)} team(s)...")
        state, life = _read(readers, teams, now, readiness, readiness_of, on_call_read)
        mismatches = check_timelines(readers.oncall, teams, state) if timeline_check else []
    finally:
        if own:
            readers.close()
    made = make_plan(
        teams,
        state,
        now,
        inputs_hash(policies),
        life,
        chat_diff=registry.chat_backend().diff,
        capabilities=registry.on_call_backend(settings.oncall_backend).capabilities,
    )
    made.mismatches = mismatches
    return Planned(made, state, policies, now)
