"""The steps plan, apply and drift share: policies in, live state read, Plan out."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import datetime

from reconciler import connect, output
from reconciler.backends import registry
from reconciler.backends.base import ReadSide
from reconciler.errors import PolicyError, ReconcileError
from reconciler.plan.build import desired_teams, inputs_hash, make_plan
from reconciler.plan.changes import Plan
from reconciler.plan.lifecycle_read import observe_lifecycle
from reconciler.plan.observe import LiveState, observe
from reconciler.plan.timeline_check import check_timelines
from reconciler.policy.policy_set import LoadedPolicy, load_policies
from reconciler.settings import Settings


@dataclass
class Planned:
    plan: Plan
    state: LiveState
    policies: list[LoadedPolicy]
    now: datetime


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


def plan(
    settings: Settings,
    paths: list[str],
    target: str | None = None,
    readers: ReadSide | None = None,
    *,
    readiness: bool = True,
    readiness_of: str = "everyone",
    timeline_check: bool = True,
) -> Planned:
    policies = load(paths, target)
    settings = for_policies(settings, policies)
    now = connect.now(settings)
    own = readers is None
    readers = readers or connect.readers(settings)
    try:
        teams = desired_teams(policies)
        output.progress(f"reading the vendors for {len(teams)} team(s)...")
        groups = any(t.policy.slack and t.policy.slack.on_call_group for t in teams)
        engineer = [t.schedules[0].name for t in teams]
        state = observe(
            readers, [t.name for t in teams], now, groups=groups, override_schedules=engineer
        )
        life = observe_lifecycle(
            readers, teams, state, readiness=readiness, readiness_of=readiness_of
        )
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
