"""Escalations: rules with delays counted from alert creation."""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.opsgenie.core import (
    Answer,
    Refusal,
    _body,
    _done,
    _identifier_kind,
    _new_name,
    _ok,
    _owner,
    _refuse_if_referenced,
    _rename,
    _schedule,
    _team,
    _user_meta,
    router,
)
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.wire import Request

# -- escalations ---------------------------------------------------------------------------------


def _escalation(og: dict[str, Any], identifier: str, kind: str = "id") -> dict[str, Any]:
    for esc in og["escalations"]:
        if (kind == "id" and esc["id"] == identifier) or (
            kind == "name" and esc["name"].lower() == identifier.lower()
        ):
            found: dict[str, Any] = esc
            return found
    raise Refusal(404, f"Escalation with {kind} [{identifier}] not found")


def _rules(og: dict[str, Any], rules: Any) -> list[dict[str, Any]]:
    if not isinstance(rules, list) or not rules:
        raise Refusal(422, "Request body is not processable.", errors={"rules": "may not be empty"})
    result = []
    for rule in rules:
        recipient = rule.get("recipient") or {}
        kind = recipient.get("type")
        if kind == "user":
            target = {"type": "user", **_user_meta(og, recipient)}
        elif kind == "schedule":
            schedule = _schedule(
                og,
                str(recipient.get("id") or recipient.get("name")),
                "id" if recipient.get("id") else "name",
            )
            target = {"type": "schedule", "id": schedule["id"], "name": schedule["name"]}
        elif kind == "team":
            team = _team(
                og,
                str(recipient.get("id") or recipient.get("name")),
                "id" if recipient.get("id") else "name",
            )
            target = {"type": "team", "id": team["id"], "name": team["name"]}
        else:
            raise Refusal(
                422,
                "Request body is not processable.",
                errors={"rules#recipient": f"Invalid recipient type '{kind}'"},
            )
        delay = rule.get("delay") or {}
        result.append(
            {
                "condition": rule.get("condition") or "if-not-acked",
                "notifyType": rule.get("notifyType") or "default",
                "delay": {
                    "timeAmount": int(delay.get("timeAmount", 0)),
                    "timeUnit": delay.get("timeUnit") or "minutes",
                },
                "recipient": target,
            }
        )
    # OpsGenie does not keep the order it was given (provider issue #397); neither do we.
    return sorted(result, key=lambda r: r["recipient"]["id"])


@router.route("GET", "/v2/escalations")
def list_escalations(state: SandboxState, request: Request) -> Answer:
    return _ok(state.data["opsgenie"]["escalations"])


@router.route("GET", "/v2/escalations/{identifier}")
def get_escalation(state: SandboxState, request: Request, identifier: str) -> Answer:
    return _ok(_escalation(state.data["opsgenie"], identifier, _identifier_kind(request)))


@router.route("POST", "/v2/escalations")
def create_escalation(state: SandboxState, request: Request) -> Answer:
    og = state.data["opsgenie"]
    body = _body(request)
    name = _new_name(og, body, "escalation")
    esc = {
        "id": state.opsgenie_id("escalation"),
        "name": name,
        "description": body.get("description") or "",
        "ownerTeam": _owner(og, body.get("ownerTeam")),
        "rules": _rules(og, body.get("rules")),
    }
    if body.get("repeat"):
        esc["repeat"] = body["repeat"]
    og["escalations"].append(esc)
    return _done("Created", 201, {"id": esc["id"], "name": name})


@router.route("PATCH", "/v2/escalations/{identifier}")
def update_escalation(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    esc = _escalation(og, identifier, _identifier_kind(request))
    body = _body(request)
    _rename(og, esc, body, "escalation")
    if "description" in body:
        esc["description"] = body["description"] or ""
    if "rules" in body:
        esc["rules"] = _rules(og, body["rules"])
    if "ownerTeam" in body:
        esc["ownerTeam"] = _owner(og, body["ownerTeam"])
    return _done("Updated", 200, {"id": esc["id"], "name": esc["name"]})


@router.route("DELETE", "/v2/escalations/{identifier}")
def delete_escalation(state: SandboxState, request: Request, identifier: str) -> Answer:
    og = state.data["opsgenie"]
    esc = _escalation(og, identifier, _identifier_kind(request))
    _refuse_if_referenced(og, "escalation", esc["id"])
    og["escalations"].remove(esc)
    return _done("Deleted")
