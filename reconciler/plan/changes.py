"""The Plan: one typed result, many renderers (text, Markdown, JSON).

A Change says what happens to one object and why; blocked changes are still in the plan (so a
reviewer sees them) but apply refuses them without --force. `operation` holds what apply needs,
in plain JSON, so a plan file can be applied exactly as it was reviewed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from reconciler.plan.operations import Operation

FORMAT_VERSION = 1
Action = Literal["create", "update", "adopt", "replace", "delete", "no-op"]
# adopt: an existing object without the ownership marker, taken over because the policy says so
# (management.adopt): the marker is added, and from then on it is managed like the rest.
SYMBOL = {
    "create": "+",
    "update": "~",
    "adopt": "<=",
    "replace": "-/+",
    "delete": "-",
    "no-op": " ",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Change:
    vendor: str  # opsgenie, slack
    kind: str  # team, schedule, rotation, escalation, routing_rule, slack_channel, ...
    name: str
    team: str
    action: Action
    reason: str
    fields: tuple[FieldChange, ...] = ()
    notes: tuple[str, ...] = ()
    blocked: str | None = None
    operation: Operation | None = None

    @property
    def key(self) -> str:
        return f"{self.vendor}:{self.kind}:{self.name}"

    @property
    def symbol(self) -> str:
        return SYMBOL[self.action]


@dataclass(frozen=True)
class Handoff:
    start: str  # ISO instant, local offset
    person: str | None


@dataclass(frozen=True)
class OnCallImpact:
    """What a rotation change does to who is on call, now and at the next handoffs."""

    team: str
    rotation: str
    now_before: str | None
    now_after: str | None
    next_before: tuple[Handoff, ...]
    next_after: tuple[Handoff, ...]

    @property
    def now_unchanged(self) -> bool:
        return self.now_before == self.now_after


@dataclass(frozen=True)
class Unmanaged:
    vendor: str
    kind: str
    name: str
    why: str


@dataclass
class Plan:
    teams: list[str]
    changes: list[Change]
    impacts: list[OnCallImpact] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    readiness: list[Any] = field(default_factory=list)  # plan.readiness.Readiness
    mismatches: list[Any] = field(default_factory=list)  # plan.timeline_check.ModelMismatch
    inputs: str = ""  # a hash of the policy files the plan was made from
    now: str = ""  # the instant the plan reasoned about
    oncall: str = "OpsGenie"  # the on-call backend, as the plan names it

    @property
    def actionable(self) -> list[Change]:
        return [c for c in self.changes if c.action != "no-op"]

    @property
    def blocked(self) -> list[Change]:
        return [c for c in self.actionable if c.blocked]

    def counts(self) -> dict[str, int]:
        add = sum(c.action in ("create", "replace") for c in self.actionable)
        change = sum(c.action in ("update", "adopt") for c in self.actionable)
        destroy = sum(c.action in ("delete", "replace") for c in self.actionable)
        adopt = sum(c.action == "adopt" for c in self.actionable)
        return {"add": add, "change": change, "destroy": destroy, "adopt": adopt}

    @property
    def readiness_errors(self) -> list[Any]:
        return [r for r in self.readiness if r.severity == "error"]

    @property
    def mismatch_errors(self) -> list[Any]:
        return [m for m in self.mismatches if m.severity == "error"]

    @property
    def empty(self) -> bool:
        return not self.actionable

    def to_dict(self) -> dict[str, Any]:
        data = {
            "format_version": FORMAT_VERSION,
            "teams": self.teams,
            "now": self.now,
            "inputs": self.inputs,
            "summary": {**self.counts(), "blocked": len(self.blocked)},
            "changes": [_change_dict(c) for c in self.changes],
            "on_call_impact": [asdict(i) for i in self.impacts],
            "unmanaged": [asdict(u) for u in self.unmanaged],
            "warnings": self.warnings,
            "readiness": [asdict(r) for r in self.readiness],
            "model_mismatches": [asdict(m) for m in self.mismatches],
        }
        data["checksum"] = checksum(data)
        return data

    def fingerprint(self) -> str:
        """A stable hash of what differs, so a scheduler can tell new drift from old.

        A rotation's new start and the turn of its list move with every handoff while the drift
        stays the same, and the hand-off post is the rotation working, not drift: none counts.
        """
        material = sorted(
            json.dumps(
                [c.key, c.action, [_stable(f) for f in c.fields if f.field != "start"]],
                sort_keys=True,
                default=str,
            )
            for c in self.actionable
            if c.kind != "handoff_post"
        )
        return hashlib.sha256("\n".join(material).encode()).hexdigest()[:16]


def _stable(field: FieldChange) -> dict[str, Any]:
    data = asdict(field)
    if field.field == "participants":  # a cycle: the same whoever it starts with
        for side in ("before", "after"):
            people = data[side]
            if isinstance(people, list) and people:
                first = people.index(min(people))
                data[side] = people[first:] + people[:first]
    return data


def _change_dict(change: Change) -> dict[str, Any]:
    data = asdict(change)
    data["fields"] = [asdict(f) for f in change.fields]
    data["notes"] = list(change.notes)
    data["operation"] = change.operation.to_json() if change.operation else {}
    return data


def checksum(data: dict[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k != "checksum"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
