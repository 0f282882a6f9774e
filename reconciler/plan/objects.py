"""One object diff, written once for every kind of object (as octoDNS's `Record.changes`).

Missing means create; present but not owned means a clash (blocked, with how to adopt it); equal
means no-op; otherwise an update, or what the caller makes of the differing fields (a replace,
where the backend cannot change them in place). Both sides are normalised by the caller (members
as sets, rules ordered by delay, zones canonical, instants as instants); the fields that differ
come from deepdiff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from deepdiff import DeepDiff

from reconciler.plan.changes import Action, Change, FieldChange


@dataclass(frozen=True)
class Target:
    """What the plan calls the object: its vendor, kind and name, and the policy's team."""

    vendor: str
    kind: str
    name: str
    team: str

    def change(self, action: Action, reason: str, *more: Any, **extra: Any) -> Change:
        return Change(self.vendor, self.kind, self.name, self.team, action, reason, *more, **extra)

    def no_op(self, reason: str = "as declared", **extra: Any) -> Change:
        return self.change("no-op", reason, **extra)

    def clash(self) -> Change:
        return self.change(
            "create",
            f"{self.kind} {self.name!r} is wanted",
            blocked=f"a {self.kind} named {self.name!r} exists but does not carry reconcile's "
            "ownership marker; add '[managed by reconcile]' to its description to adopt it, "
            "or rename it",
        )


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    """The top-level fields that differ, per deepdiff on the normalised forms."""
    diff = DeepDiff(before, after, ignore_order=True)
    fields = sorted(str(key) for key in diff.affected_root_keys)
    return tuple(FieldChange(f, _plain(before.get(f)), _plain(after.get(f))) for f in fields)


def _plain(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value


def diff_object(
    target: Target,
    *,
    exists: bool,
    owned: bool = True,
    before: Callable[[], dict[str, Any]],
    after: dict[str, Any],
    skip: frozenset[str] = frozenset(),
    adopt: bool = False,
    create: Callable[[], Change],
    update: Callable[[tuple[FieldChange, ...]], Change],
) -> Change:
    """The one decision: create, clash (or adopt), no-op or change (`update` builds it)."""
    if not exists:
        return create()
    if not owned:
        if not adopt:
            return target.clash()
        fields = tuple(f for f in field_changes(before(), after) if f.field not in skip)
        return replace(
            update(fields),
            action="adopt",
            reason="exists without reconcile's ownership marker; the policy adopts it "
            "(management.adopt): the marker is added",
        )
    fields = tuple(f for f in field_changes(before(), after) if f.field not in skip)
    if not fields:
        return target.no_op()
    return update(fields)
