"""Alerts, as far as the hand-off post reads them: GET /v2/alerts with a team query.

The spec's list: `query`, `offset`, `limit` (100 at most), `sort`, `order`; each alert with
`createdAt` and `report.acknowledgedBy`. The only query the sandbox understands is
`teams:"<name>"` (OpsGenie's search help names the `teams` field [unverified here]); anything
else is answered 422, so a client that relies on more is caught.
"""

from __future__ import annotations

import re
from typing import Any

from reconciler.sandbox.opsgenie.core import Answer, Refusal, _ok, router
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

TEAMS_QUERY = re.compile(r'^teams:\s*"?([^"]+)"?$')


@router.route("GET", "/v2/alerts")
def list_alerts(state: SandboxState, request: Request) -> Answer:
    og = state.data["opsgenie"]
    query = request.query.get("query", "")
    matched = TEAMS_QUERY.match(query.strip())
    if query and matched is None:
        raise Refusal(422, f'The sandbox understands only teams:"<name>", not [{query}]')
    team_ids = {t["id"] for t in og["teams"] if matched and t["name"] == matched.group(1)}
    alerts: list[dict[str, Any]] = [
        a
        for a in og.get("alerts", [])
        if not matched or any(r.get("id") in team_ids for r in a.get("responders") or [])
    ]
    field = request.query.get("sort", "createdAt")
    if field != "createdAt":
        raise Refusal(422, f"The sandbox sorts by createdAt only, not [{field}]")
    alerts.sort(key=lambda a: a["createdAt"], reverse=request.query.get("order", "desc") == "desc")
    offset = int(request.query.get("offset", "0"))
    limit = int(request.query.get("limit", "20"))
    if not 1 <= limit <= 100:
        raise Refusal(422, "limit must be between 1 and 100")
    page = alerts[offset : offset + limit]
    paging: dict[str, str] = {}
    if offset + limit < len(alerts):
        paging["next"] = f"/v2/alerts?offset={offset + limit}&limit={limit}"
    return _ok(page, paging=paging)
