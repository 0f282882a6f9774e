"""Changes several teams ask of one shared object (a Slack channel several policies watch).

The same change asked by several teams is made once: the plan keeps the first team's and notes
the others, so apply makes one write where it used to make one per team. Different changes asked
of one channel conflict: neither is made (both are blocked, with why), rather than two writes
that undo each other. Pure.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.plan.changes import Change

SHARED_KINDS = frozenset({"slack_channel"})


def merge_shared(changes: list[Change]) -> list[Change]:
    groups: dict[tuple[str, str], list[int]] = {}
    for i, change in enumerate(changes):
        if change.kind in SHARED_KINDS and change.action != "no-op":
            groups.setdefault((change.kind, change.name), []).append(i)
    drop: set[int] = set()
    result = list(changes)
    for (_, name), indexes in groups.items():
        if len(indexes) < 2:
            continue
        asked = [changes[i] for i in indexes]
        first = asked[0]
        others = sorted({c.team for c in asked[1:]} - {first.team})
        if all(c.operation == first.operation and c.fields == first.fields for c in asked):
            note = f"also asked by {', '.join(others)}: made once" if others else ""
            result[indexes[0]] = replace(first, notes=(*first.notes, note) if note else first.notes)
            drop.update(indexes[1:])
            continue
        teams = ", ".join(sorted({c.team for c in asked}))
        why = f"teams {teams} ask different changes of {name}: make their policies agree"
        for i in indexes:
            result[i] = replace(changes[i], blocked=why)
    return [c for i, c in enumerate(result) if i not in drop]
