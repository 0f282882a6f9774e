"""Safety: what a plan may not do without a person saying --force.

Changes stay in the plan, marked blocked with the reason, so a reviewer sees exactly what was
held back. Deletes touch owned objects only, only where the policy opts in, never protected ones;
beyond the thresholds (count, and share once there are enough objects) changes are blocked.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.plan.changes import Change
from reconciler.plan.desired import DesiredTeam


def guard(team: DesiredTeam, changes: list[Change], owned: int) -> list[Change]:
    changes = [_protect(team, c) for c in changes]
    limits = team.policy.management.thresholds
    deletes = [c for c in changes if c.action in ("delete", "replace") and not c.blocked]
    updates = [c for c in changes if c.action == "update" and not c.blocked]
    reasons: dict[str, str] = {}
    for label, chosen, most, share in (
        ("delete", deletes, limits.max_deletes, limits.max_delete_percent),
        ("update", updates, limits.max_updates, limits.max_update_percent),
    ):
        if not chosen:
            continue
        count = len(chosen)
        if count > most:
            reason = f"{count} {label}s exceed the limit of {most} (management.thresholds)"
        elif owned >= limits.percent_applies_from and 100 * count > share * owned:
            reason = (
                f"{count} of {owned} owned objects ({100 * count // owned}%) would be "
                f"{label}d; the limit is {share}% (management.thresholds)"
            )
        else:
            continue
        for change in chosen:
            reasons[change.key] = reason
    return [replace(c, blocked=reasons[c.key]) if c.key in reasons else c for c in changes]


def _protect(team: DesiredTeam, change: Change) -> Change:
    if change.action not in ("delete", "replace"):
        return change
    plain = change.name.lstrip("#@")
    if (
        f"{change.kind}:{plain}" in team.protected
        or f"{change.kind}:{change.name}" in team.protected
    ):
        return replace(change, blocked=f"{change.kind}:{plain} is protected (management.protected)")
    return change
