"""Typed operations: every kind round-trips through the JSON a plan file holds."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from reconciler.errors import ReconcileError
from reconciler.plan import operations as ops


def _sample(cls: type[ops.Operation]) -> ops.Operation:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        kind = str(f.type)
        if "list" in kind:
            values[f.name] = [["a@example.com", "admin"]] if f.name == "members" else ["U1"]
        elif "dict" in kind or "Json" in kind:
            values[f.name] = {"k": "v"}
        elif kind.startswith("bool"):
            values[f.name] = True
        elif kind.startswith("int"):
            values[f.name] = 0
        elif kind.startswith("float"):
            values[f.name] = 1.5
        else:
            values[f.name] = f"{f.name}-value"
    return cls(**values)


@pytest.mark.parametrize("kind", sorted(ops.OPERATIONS))
def test_every_operation_round_trips(kind: str) -> None:
    op = _sample(ops.OPERATIONS[kind])
    data = op.to_json()
    assert data["op"] == kind == op.KIND
    assert ops.from_json(data) == op


def test_unknown_kinds_and_fields_are_refused() -> None:
    with pytest.raises(ReconcileError, match="unknown operation 'drop_table'"):
        ops.from_json({"op": "drop_table"})
    with pytest.raises(ReconcileError, match="unknown field"):
        ops.from_json({"op": "delete_schedule", "name": "x", "schedule_id": "s", "cascade": True})


def test_unset_fields_stay_out_of_the_json() -> None:
    assert ops.UpdateTeam(team="T", team_id="t-1", description="d").to_json() == {
        "op": "update_team",
        "team": "T",
        "team_id": "t-1",
        "description": "d",
    }
