"""Making the Plan: each declared team's desired state against the live state."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from reconciler.backends.base import Capabilities
from reconciler.plan.changes import Change, Plan, Unmanaged
from reconciler.plan.cover_diff import diff_cover
from reconciler.plan.desired import DesiredTeam, desired_team
from reconciler.plan.lifecycle import diff_lifecycle
from reconciler.plan.lifecycle_read import LifecycleState
from reconciler.plan.observe import LiveState
from reconciler.plan.oncall_diff import diff_team
from reconciler.plan.readiness import check
from reconciler.plan.safety import guard
from reconciler.plan.shared import merge_shared
from reconciler.policy.names import is_owned
from reconciler.policy.policy_set import LoadedPolicy

KIND_ORDER = {
    "team": 0,
    "schedule": 1,
    "rotation": 2,
    "escalation": 3,
    "routing_rule": 4,
    "override": 4,  # after the schedule and its rotation exist
    "slack_channel": 5,
    "slack_user_group": 6,
    "slack_group_members": 7,
    "channel_duty": 8,
    "handoff_post": 9,  # last: the post records that the handoff's duties were done
}
LIFECYCLE = frozenset({"slack_group_members", "channel_duty", "handoff_post"})


def inputs_hash(policies: list[LoadedPolicy]) -> str:
    digest = hashlib.sha256()
    for loaded in sorted(policies, key=lambda p: p.file):
        digest.update(loaded.file.encode())
        digest.update(Path(loaded.file).read_bytes() if Path(loaded.file).exists() else b"")
    return "sha256:" + digest.hexdigest()


def desired_teams(policies: list[LoadedPolicy]) -> list[DesiredTeam]:
    return [desired_team(p.policy, p.file) for p in policies]


ChatDiff = Callable[[DesiredTeam, LiveState], list[Change]]


def make_plan(
    teams: list[DesiredTeam],
    state: LiveState,
    now: datetime,
    inputs: str = "",
    life: LifecycleState | None = None,
    *,
    chat_diff: ChatDiff = lambda _team, _state: [],
    capabilities: Capabilities | None = None,
) -> Plan:
    """The Plan: the on-call diff (here, over the backend's protocol types), the chat backend's
    part (`chat_diff`), the lifecycle, readiness, and what is left unmanaged."""
    given = capabilities
    capabilities = capabilities or Capabilities()
    label = given.label if given else "OpsGenie"
    changes: list[Change] = []
    impacts = []
    warnings = _warnings(teams, state)
    if life is not None and life.pageability and not capabilities.reads_others_contacts:
        warnings.append(
            f"readiness: {label} shows a person's contacts and notification rules "
            "only to that person's own token, so for everyone else it checked what one token "
            "can see: an account for the email, active, with agent access"
        )
    readiness = []
    cover_unmanaged: list[Unmanaged] = []
    for team in sorted(teams, key=lambda t: t.name.lower()):
        team_changes, team_impacts = diff_team(team, state, now, given)
        covers, hand_made = diff_cover(team, state, now)
        team_changes += covers
        cover_unmanaged += hand_made
        team_changes += chat_diff(team, state)
        owned = sum(c.action != "create" for c in team_changes)
        changes += guard(team, team_changes, owned)
        impacts += team_impacts
        if life is not None:
            duties, notes = diff_lifecycle(team, state, life, label)
            changes += duties  # not under the thresholds: they follow the rotation itself
            warnings += notes
            readiness += check(team, life, now, label)
    return Plan(
        teams=sorted(t.name for t in teams),
        changes=merge_shared(changes),
        impacts=impacts,
        unmanaged=_unmanaged(teams, state, capabilities) + cover_unmanaged,
        warnings=warnings,
        readiness=readiness,
        inputs=inputs,
        now=now.isoformat(),
        oncall=label,
    )


def _unmanaged(
    teams: list[DesiredTeam], state: LiveState, capabilities: Capabilities
) -> list[Unmanaged]:
    """OpsGenie objects without the marker: shown, never touched."""
    declared = {t.name.lower() for t in teams}
    found = []
    for team in state.teams.values():
        if not is_owned(team.description):
            found.append(Unmanaged("opsgenie", "team", team.name, "no ownership marker"))
    for kind, objects in (("schedule", state.schedules), ("escalation", state.escalations)):
        for obj in objects.values():
            if is_owned(obj.description):
                continue
            owner = obj.owner_team or ""
            default = obj.name in capabilities.default_objects(owner)
            why = (
                f"{capabilities.label}'s default for team {owner}"
                if default and owner.lower() in declared
                else "no ownership marker"
            )
            found.append(Unmanaged("opsgenie", kind, obj.name, why))
    for key, rules in state.routing_rules.items():
        team_name = state.teams[key].name if key in state.teams else key
        for rule in rules:
            if rule.is_default:
                name = f"{rule.name} ({team_name})"
                found.append(
                    Unmanaged(
                        "opsgenie", "routing_rule", name, f"{capabilities.label}'s default rule"
                    )
                )
    return sorted(found, key=lambda u: (u.vendor, u.kind, u.name.lower()))


def _warnings(teams: list[DesiredTeam], state: LiveState) -> list[str]:
    declared = {t.name.lower() for t in teams}
    warnings = [
        f"team {t.name!r} carries reconcile's marker but no policy declares it; it is left alone"
        for key, t in sorted(state.teams.items())
        if is_owned(t.description) and key not in declared
    ]
    return warnings + [f"Slack said: {w}" for w in state.slack_warnings]


def sort_for_apply(changes: list[Change]) -> list[Change]:
    """Creates and updates in dependency order; deletes after, in reverse."""
    forward = [c for c in changes if c.action in ("create", "update", "adopt", "replace")]
    backward = [c for c in changes if c.action == "delete"]
    forward.sort(key=lambda c: KIND_ORDER.get(c.kind, 99))
    backward.sort(key=lambda c: -KIND_ORDER.get(c.kind, 99))
    return forward + backward
