"""The plan as JSON, versioned by `format_version` (see docs/plan-json.md)."""

from __future__ import annotations

import json

from reconciler.plan.changes import Plan


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_dict(), indent=2, sort_keys=True, default=str) + "\n"
