"""Escalations and routing rules: both belong to a team, in the path (§2.5, §2.6).

An escalation rule's `delay` is whole minutes [the spec says at least 1, the official
provider's docs "0 or greater"; OpsGenie's first rule is 0 and migrated escalations keep it, so
the sandbox takes 0: unverified]. Rules are answered in the order they were stored, not sorted.
Routing rules keep a 0-based `order`; `change-order` moves one (PATCH); the default rule cannot
be deleted, only edited (§2.6, [TF] findAndUpdateDefaultRoutingRule).
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.jsm.core import (
    OPS,
    Answer,
    Refusal,
    account,
    body_of,
    find,
    jsm,
    new_id,
    page,
    refuse_if_referenced,
    router,
    schedule,
    team,
)
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

CONDITIONS = {"if-not-acked", "if-not-closed"}
NOTIFY_TYPES = {"default", "next", "previous", "users", "admins", "all", "random"}


def _rules(site: dict[str, Any], given: Any) -> list[dict[str, Any]]:
    if not isinstance(given, list) or not given:
        raise Refusal(400, "rules must not be empty")
    rules = []
    for rule in given:
        delay = rule.get("delay")
        if not isinstance(delay, int) or isinstance(delay, bool) or delay < 0:
            raise Refusal(400, "delay must be a whole number of minutes")  # not OpsGenie's object
        if rule.get("condition") not in CONDITIONS or rule.get("notifyType") not in NOTIFY_TYPES:
            raise Refusal(400, "Invalid condition or notifyType")
        recipient = rule.get("recipient") or {}
        kind, rid = recipient.get("type"), recipient.get("id", "")
        if kind == "user":
            account(site, rid)
        elif kind == "schedule":
            schedule(site, rid)
        elif kind == "team":
            team(site, rid)
        else:
            raise Refusal(400, f"Invalid recipient type {kind}")
        rules.append(
            {
                "condition": rule["condition"],
                "notifyType": rule["notifyType"],
                "delay": delay,
                "recipient": {"type": kind, "id": rid},
            }
        )
    return rules


def _escalation(site: dict[str, Any], team_id: str, escalation_id: str) -> dict[str, Any]:
    team(site, team_id)
    found = site["escalations"].get(team_id, [])
    return find(found, "id", escalation_id, f"No escalation {escalation_id} in team {team_id}")


def _name_free(site: dict[str, Any], team_id: str, name: str, except_id: str = "") -> None:
    """[Escalation names unique within their team: assumed from OpsGenie; unverified.]"""
    for found in site["escalations"].get(team_id, []):
        if found["name"].lower() == name.lower() and found["id"] != except_id:
            raise Refusal(409, f"An escalation named {name} already exists", "CONFLICT")


@router.route("GET", f"{OPS}/teams/{{team_id}}/escalations")
def list_escalations(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    team(site, team_id)
    found = site["escalations"].get(team_id, [])
    return page(request, f"/teams/{team_id}/escalations", found)


@router.route("GET", f"{OPS}/teams/{{team_id}}/escalations/{{escalation_id}}")
def get_escalation(
    state: SandboxState, request: Request, team_id: str, escalation_id: str
) -> Answer:
    return 200, _escalation(jsm(state), team_id, escalation_id)


@router.route("POST", f"{OPS}/teams/{{team_id}}/escalations")
def create_escalation(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    team(site, team_id)
    body = body_of(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise Refusal(400, "name is required (100 characters at most)")
    if len(body.get("description") or "") > 200:
        raise Refusal(400, "description is 200 characters at most")
    _name_free(site, team_id, name)
    found = {
        "id": new_id(state, "escalation"),
        "name": name,
        "description": body.get("description") or "",
        "enabled": bool(body.get("enabled", True)),
        "rules": _rules(site, body.get("rules")),
    }
    if body.get("repeat"):
        found["repeat"] = body["repeat"]
    site["escalations"].setdefault(team_id, []).append(found)
    return 201, found


@router.route("PATCH", f"{OPS}/teams/{{team_id}}/escalations/{{escalation_id}}")
def update_escalation(
    state: SandboxState, request: Request, team_id: str, escalation_id: str
) -> Answer:
    site = jsm(state)
    found = _escalation(site, team_id, escalation_id)
    body = body_of(request)
    if "name" in body:
        _name_free(site, team_id, body["name"], escalation_id)
        found["name"] = body["name"]
    if "description" in body:
        if len(body["description"] or "") > 200:
            raise Refusal(400, "description is 200 characters at most")
        found["description"] = body["description"] or ""
    if "rules" in body:
        found["rules"] = _rules(site, body["rules"])
    for key in ("enabled", "repeat"):
        if key in body:
            found[key] = body[key]
    return 200, found


@router.route("DELETE", f"{OPS}/teams/{{team_id}}/escalations/{{escalation_id}}")
def delete_escalation(
    state: SandboxState, request: Request, team_id: str, escalation_id: str
) -> Answer:
    site = jsm(state)
    found = _escalation(site, team_id, escalation_id)
    refuse_if_referenced(site, escalation_id, "escalation")
    site["escalations"][team_id].remove(found)
    return 204, None


# -- routing rules -----------------------------------------------------------------------------


def _notify(site: dict[str, Any], team_id: str, given: Any) -> dict[str, Any]:
    kind = (given or {}).get("type")
    if kind == "none":
        return {"type": "none"}
    if kind == "escalation":
        _escalation(site, team_id, given.get("id", ""))
    elif kind == "schedule":
        schedule(site, given.get("id", ""))
    else:
        raise Refusal(400, f"Invalid notify type {kind}")
    return {"type": kind, "id": given["id"]}


def _renumber(rules: list[dict[str, Any]]) -> None:
    for i, rule in enumerate(rules):
        rule["order"] = i


def _routing(site: dict[str, Any], team_id: str, rule_id: str) -> dict[str, Any]:
    team(site, team_id)
    rules = site["routing_rules"].get(team_id, [])
    return find(rules, "id", rule_id, f"No routing rule {rule_id} in team {team_id}")


@router.route("GET", f"{OPS}/teams/{{team_id}}/routing-rules")
def list_routing(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    team(site, team_id)
    return page(request, f"/teams/{team_id}/routing-rules", site["routing_rules"].get(team_id, []))


def _apply_fields(rule: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("name", "timezone", "criteria", "timeRestriction"):
        if key in body:
            rule[key] = body[key]
    rule.setdefault("criteria", {"type": "match-all"})


@router.route("POST", f"{OPS}/teams/{{team_id}}/routing-rules")
def create_routing(state: SandboxState, request: Request, team_id: str) -> Answer:
    site = jsm(state)
    team(site, team_id)
    body = body_of(request)
    rule: dict[str, Any] = {
        "id": new_id(state, "routing"),
        "name": "",
        "isDefault": False,
        "notify": _notify(site, team_id, body.get("notify")),
    }
    _apply_fields(rule, body)
    rules = site["routing_rules"].setdefault(team_id, [])
    order = body.get("order", len(rules))
    if not isinstance(order, int) or not 0 <= order <= 100:
        raise Refusal(400, "order must be between 0 and 100")
    rules.insert(min(order, len(rules)), rule)
    _renumber(rules)
    return 201, rule


@router.route("PATCH", f"{OPS}/teams/{{team_id}}/routing-rules/{{rule_id}}")
def update_routing(state: SandboxState, request: Request, team_id: str, rule_id: str) -> Answer:
    site = jsm(state)
    rule = _routing(site, team_id, rule_id)
    body = body_of(request)
    if "notify" in body:
        rule["notify"] = _notify(site, team_id, body["notify"])
    _apply_fields(rule, body)
    return 200, rule


@router.route("PATCH", f"{OPS}/teams/{{team_id}}/routing-rules/{{rule_id}}/change-order")
def change_order(state: SandboxState, request: Request, team_id: str, rule_id: str) -> Answer:
    site = jsm(state)
    rule = _routing(site, team_id, rule_id)
    order = body_of(request).get("order")
    if not isinstance(order, int) or not 0 <= order <= 100:
        raise Refusal(400, "order must be between 0 and 100")
    rules = site["routing_rules"][team_id]
    rules.remove(rule)
    rules.insert(min(order, len(rules)), rule)
    _renumber(rules)
    return 200, rule


@router.route("DELETE", f"{OPS}/teams/{{team_id}}/routing-rules/{{rule_id}}")
def delete_routing(state: SandboxState, request: Request, team_id: str, rule_id: str) -> Answer:
    site = jsm(state)
    rule = _routing(site, team_id, rule_id)
    if rule.get("isDefault"):
        raise Refusal(400, "The default routing rule cannot be deleted", "FORBIDDEN_OPERATION")
    site["routing_rules"][team_id].remove(rule)
    _renumber(site["routing_rules"][team_id])
    return 204, None
