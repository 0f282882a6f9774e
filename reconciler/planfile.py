"""Plan files: what `plan --out` saves and `apply PLANFILE` carries out, exactly.

A plan file holds the plan (no credentials: the clients' secrets never enter a Plan), the paths
it was made from, and a checksum. apply refuses a file whose checksum does not match (edited),
and a plan that a fresh one no longer equals (stale: the policy or the live state moved on).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcileError
from reconciler.plan.model import Plan, checksum

KIND = "reconcile-plan"


def save(path: Path, plan: Plan, paths: list[str], target: str | None) -> None:
    data = {"kind": KIND, "paths": paths, "target": target, "plan": plan.to_dict()}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", "utf-8")


def load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise ReconcileError(f"no plan file at {path}") from None
    except (OSError, ValueError) as exc:
        raise ReconcileError(f"{path} is not a plan file: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") != KIND or "plan" not in data:
        raise ReconcileError(f"{path} is not a reconcile plan file")
    plan = data["plan"]
    if plan.get("checksum") != checksum(plan):
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
                k: c[k]
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
