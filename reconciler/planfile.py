"""Plan files: what `plan --out` saves and `apply PLANFILE` carries out, exactly.

A plan file holds the plan (no credentials: the clients' secrets never enter a Plan), the paths
it was made from, the team it was limited to, and a checksum over all of them, so that neither
the plan nor what it is applied to can be edited unseen. apply refuses a file that is not a plan
file, one whose checksum does not match (edited), and a plan that a fresh one no longer equals
(stale: the policy or the live state moved on). A plan file is input like any other: malformed
content is a one-line user error, never a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reconciler.errors import ReconcileError
from reconciler.files import read_bounded, write_output
from reconciler.plan.changes import Plan, checksum

KIND = "reconcile-plan"
MAX_BYTES = 64 * 1024 * 1024  # a 1,000-team plan is a few MB


class _Change(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    vendor: str
    kind: str
    name: str
    action: str
    fields: list[Any]
    operation: dict[str, Any] | None = None
    blocked: str | None = None


class _Plan(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    inputs: str
    checksum: str
    changes: list[_Change]


class _PlanFile(BaseModel):
    """The shape a plan file must have before anything in it is trusted."""

    model_config = ConfigDict(extra="forbid", strict=True)
    kind: Literal["reconcile-plan"]
    paths: list[str] = Field(min_length=1)
    target: str | None
    checksum: str
    plan: _Plan


_SHOULD = {
    "missing": "is missing",
    "extra_forbidden": "is not a key of plan files",
    "model_type": "should be an object",
    "dict_type": "should be an object",
    "list_type": "should be a list",
    "string_type": "should be a string",
    "too_short": "should not be empty",
}


def _file_checksum(data: dict[str, Any]) -> str:
    return checksum({k: data.get(k) for k in ("kind", "paths", "target", "plan")})


def save(
    path: Path,
    plan: Plan,
    paths: list[str],
    target: str | None,
    *,
    inputs: list[Path] = (),  # type: ignore[assignment]
    force: bool = False,
) -> None:
    data: dict[str, Any] = {"kind": KIND, "paths": paths, "target": target, "plan": plan.to_dict()}
    data["checksum"] = _file_checksum(data)
    text = json.dumps(data, indent=2, sort_keys=True, default=str) + "\n"
    # A plan file replacing an older plan file is what `plan --out` is for; anything else that
    # exists (a policy, a notes file) is refused unless --force.
    write_output(path, text, inputs=inputs, force=force, replaceable=is_plan_file)


def is_plan_file(path: Path) -> bool:
    try:
        return bool(json.loads(read_bounded(path, MAX_BYTES, "plan file")).get("kind") == KIND)
    except (ReconcileError, ValueError, RecursionError, AttributeError):
        return False


def load(path: Path) -> dict[str, Any]:
    if not path.is_absolute() and not path.exists():
        raise ReconcileError(
            f"{path}: no such plan file (a relative path is taken from where reconcile runs: "
            f"{Path.cwd()})"
        )
    raw = read_bounded(path, MAX_BYTES, "plan file")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise ReconcileError(f"{path} is not a plan file: not JSON ({why})") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise ReconcileError(f'{path} is not a reconcile plan file (no "kind": "{KIND}")')
    try:
        _PlanFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        what = _SHOULD.get(first["type"], "has the wrong type or value")
        raise ReconcileError(
            f"{path} is not a valid plan file: {where} {what}; make a new plan"
        ) from None
    if data["checksum"] != _file_checksum(data) or data["plan"]["checksum"] != checksum(
        data["plan"]
    ):
        raise ReconcileError(
            f"{path} was modified after it was made (its checksum does not match); "
            "refusing to apply it: make a new plan"
        )
    return data


def comparable(plan: dict[str, Any]) -> list[Any]:
    """What must be equal for a saved plan to still be the plan: every change, in full."""
    return sorted(
        json.dumps(
            {
                k: c.get(k)
                for k in ("vendor", "kind", "name", "action", "fields", "operation", "blocked")
            },
            sort_keys=True,
            default=str,
        )
        for c in plan["changes"]
        if c["action"] != "no-op"
    )


def check_fresh(saved: dict[str, Any], fresh: Plan) -> None:
    now = fresh.to_dict()
    if saved["plan"]["inputs"] != now["inputs"]:
        raise ReconcileError(
            "the plan is stale: the policy files changed since it was made; make a new plan"
        )
    if comparable(saved["plan"]) != comparable(now):
        raise ReconcileError(
            "the plan is stale: OpsGenie or Slack changed since it was made "
            "(or a handoff passed); make a new plan"
        )
