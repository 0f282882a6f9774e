"""Wording shared by the renderers, so text and Markdown say the same thing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reconciler.plan.changes import Change, Handoff, Plan

ACTION_WORDS = {
    "create": "will be created",
    "update": "will be updated in place",
    "adopt": "will be adopted (reconcile's ownership marker added)",
    "replace": "will be replaced",
    "delete": "will be destroyed",
    "no-op": "unchanged",
}
KIND_WORDS = {
    "team": "{oncall} team",
    "schedule": "{oncall} schedule",
    "rotation": "{oncall} rotation",
    "escalation": "{oncall} escalation",
    "routing_rule": "{oncall} routing rule",
    "override": "{oncall} override",
    "slack_channel": "Slack channel",
    "slack_user_group": "Slack user group",
    "slack_group_members": "members of Slack user group",
    "channel_duty": "on-call membership of Slack channel",
    "handoff_post": "hand-off post in Slack channel",
}


def readiness_line(r: Any) -> str:
    duty = f" ({r.on_duty})" if r.on_duty else ""
    return f"{r.severity}: {r.team}: {r.person}{duty}: " + "; ".join(r.problems)


def mismatch_line(m: Any) -> str:
    return f"{m.severity}: {m.team}: {m.schedule}: {m.message}"


MISMATCH_TITLE = "Model mismatch (our rotation model against {oncall}'s own timeline)"


def headline(change: Change, oncall: str = "OpsGenie") -> str:
    kind = KIND_WORDS.get(change.kind, change.kind).format(oncall=oncall)
    return f"{kind} {change.name} {ACTION_WORDS[change.action]}"


def mismatch_title(plan: Plan) -> str:
    return MISMATCH_TITLE.format(oncall=plan.oncall)


def summary(plan: Plan) -> str:
    if plan.empty:
        return f"No changes. {plan.oncall} and Slack match the policy."
    counts = plan.counts()
    adopted = f" ({counts['adopt']} adopted)" if counts["adopt"] else ""
    line = (
        f"Plan: {counts['add']} to add, {counts['change']} to change{adopted}, "
        f"{counts['destroy']} to destroy."
    )
    if plan.blocked:
        line += f" {len(plan.blocked)} blocked: apply refuses them unless --force."
    return line


def value(v: Any) -> str:
    if v is None:
        return "(none)"
    if v == "":
        return "(empty)"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) if v else "(empty)"
    return str(v)


def list_delta(before: Any, after: Any) -> tuple[list[str], list[str]] | None:
    """For set-like fields: what goes and what comes, or None when order matters."""
    if not isinstance(before, list) or not isinstance(after, list):
        return None
    if sorted(map(str, before)) == sorted(map(str, after)):
        return None  # same members, another order: show both lists
    gone = [str(x) for x in before if x not in after]
    come = [str(x) for x in after if x not in before]
    return gone, come


def when(handoff: Handoff) -> str:
    return datetime.fromisoformat(handoff.start).strftime("%a %Y-%m-%d %H:%M %z")


def by_team(plan: Plan) -> dict[str, list[Change]]:
    teams: dict[str, list[Change]] = {}
    for change in plan.actionable:
        teams.setdefault(change.team, []).append(change)
    return teams
