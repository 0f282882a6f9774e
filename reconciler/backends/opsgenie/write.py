"""OpsGenie writes, for apply only. Writes are never retried on 5xx or timeouts (not idempotent);
a 429 is waited out, since OpsGenie did not act on it."""

from __future__ import annotations

from typing import Any

from reconciler import live
from reconciler.backends.opsgenie.client import OpsGenieReader, _json, _segment, error_for
from reconciler.backends.opsgenie.parse import write_instant
from reconciler.clients.errors import Conflict, NotFound
from reconciler.clients.http import Http, ReadOnlyHttp

ROTATION_TYPE = {"hourly", "daily", "weekly"}


class OpsGenieWriter(OpsGenieReader):
    def __init__(self, http: Http) -> None:
        super().__init__(ReadOnlyHttp(http))
        self._write_http = http

    def __repr__(self) -> str:
        return f"OpsGenieWriter({self._write_http!r})"

    def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
        *,
        expect: tuple[int, ...] = (200, 201, 202),
    ) -> dict[str, Any]:
        # DELETE is idempotent in effect (a second one finds nothing), so it may be retried.
        response = self._write_http.send(
            method, path, params=params, json=body, idempotent=method == "DELETE"
        )
        if response.status_code not in expect:
            raise error_for(f"{method} {path}", method, response)
        return _json(response, f"{method} {path}")

    # -- teams ---------------------------------------------------------------------------------

    def create_team(self, name: str, description: str, members: list[live.TeamMember]) -> str:
        body = {"name": name, "description": description, "members": _members(members)}
        return str(self._send("POST", "/v2/teams", body)["data"]["id"])

    def update_team(
        self,
        team_id: str,
        *,
        description: str | None = None,
        members: list[live.TeamMember] | None = None,
    ) -> None:
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = description
        if members is not None:  # replaces the whole list: the only way to change a role
            body["members"] = _members(members)
        self._send("PATCH", f"/v2/teams/{_segment(team_id)}", body)

    def add_team_member(self, team_id: str, member: live.TeamMember) -> None:
        body = {"user": {"username": member.username}, "role": member.role}
        path = f"/v2/teams/{_segment(team_id)}/members"
        self._send("POST", path, body, {"teamIdentifierType": "id"})

    def remove_team_member(self, team_id: str, username: str) -> None:
        path = f"/v2/teams/{_segment(team_id)}/members/{_segment(username)}"
        self._send("DELETE", path, params={"teamIdentifierType": "id"})

    def delete_team(self, team_id: str) -> None:
        self._send("DELETE", f"/v2/teams/{_segment(team_id)}", params={"identifierType": "id"})

    # -- schedules and rotations ---------------------------------------------------------------

    def create_schedule(
        self, name: str, description: str, time_zone: str, team_id: str, enabled: bool = True
    ) -> str:
        body = {
            "name": name,
            "description": description,
            "timezone": time_zone,
            "enabled": enabled,  # always sent: OpsGenie's default is not documented
            "ownerTeam": {"id": team_id},
        }
        return str(self._send("POST", "/v2/schedules", body)["data"]["id"])

    def update_schedule(
        self,
        schedule_id: str,
        *,
        description: str | None = None,
        time_zone: str | None = None,
        enabled: bool | None = None,
        owner_team_id: str | None = None,
    ) -> None:
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = description
        if time_zone is not None:
            body["timezone"] = time_zone
        if enabled is not None:
            body["enabled"] = enabled
        if owner_team_id is not None:  # UpdateSchedulePayload.ownerTeam (the spec)
            body["ownerTeam"] = {"id": owner_team_id}
        path = f"/v2/schedules/{_segment(schedule_id)}"
        self._send("PATCH", path, body, {"identifierType": "id"})

    def delete_schedule(self, schedule_id: str) -> None:
        path = f"/v2/schedules/{_segment(schedule_id)}"
        self._send("DELETE", path, params={"identifierType": "id"})

    def create_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> str:
        path = f"/v2/schedules/{_segment(schedule_id)}/rotations"
        body = _rotation_body(rotation)
        return str(self._send("POST", path, body, {"scheduleIdentifierType": "id"})["data"]["id"])

    def update_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> None:
        path = f"/v2/schedules/{_segment(schedule_id)}/rotations/{_segment(rotation.id)}"
        self._send("PATCH", path, _rotation_body(rotation), {"scheduleIdentifierType": "id"})

    def delete_rotation(self, schedule_id: str, rotation_id: str) -> None:
        path = f"/v2/schedules/{_segment(schedule_id)}/rotations/{_segment(rotation_id)}"
        self._send("DELETE", path, params={"scheduleIdentifierType": "id"})

    # -- escalations ---------------------------------------------------------------------------

    def create_escalation(
        self, name: str, description: str, team_id: str, rules: list[live.EscalationRule]
    ) -> str:
        body = {
            "name": name,
            "description": description,
            "ownerTeam": {"id": team_id},
            "rules": [_rule_body(r) for r in rules],
        }
        return str(self._send("POST", "/v2/escalations", body)["data"]["id"])

    def update_escalation(
        self,
        escalation_id: str,
        *,
        description: str | None = None,
        rules: list[live.EscalationRule] | None = None,
        owner_team_id: str | None = None,
    ) -> None:
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = description
        if owner_team_id is not None:  # UpdateEscalationPayload.ownerTeam (the spec)
            body["ownerTeam"] = {"id": owner_team_id}
        if rules is not None:
            if not rules:  # OpsGenie needs at least one; we never leave an escalation empty
                raise ValueError("an escalation needs at least one rule")
            body["rules"] = [_rule_body(r) for r in rules]
        path = f"/v2/escalations/{_segment(escalation_id)}"
        self._send("PATCH", path, body, {"identifierType": "id"})

    def delete_escalation(self, escalation_id: str) -> None:
        path = f"/v2/escalations/{_segment(escalation_id)}"
        self._send("DELETE", path, params={"identifierType": "id"})

    # -- routing rules -------------------------------------------------------------------------

    def create_routing_rule(self, team_id: str, rule: live.RoutingRule) -> str:
        path = f"/v2/teams/{_segment(team_id)}/routing-rules"
        body = {**_routing_body(rule), "order": rule.order}
        return str(self._send("POST", path, body, {"teamIdentifierType": "id"})["data"]["id"])

    def update_routing_rule(self, team_id: str, rule: live.RoutingRule) -> None:
        path = f"/v2/teams/{_segment(team_id)}/routing-rules/{_segment(rule.id)}"
        self._send("PATCH", path, _routing_body(rule), {"teamIdentifierType": "id"})

    def order_routing_rule(self, team_id: str, rule_id: str, order: int) -> None:
        """Move a rule to `order` (0 is first): PATCH cannot change the order (the spec)."""
        path = f"/v2/teams/{_segment(team_id)}/routing-rules/{_segment(rule_id)}/change-order"
        self._send("POST", path, {"order": order}, {"teamIdentifierType": "id"})

    def delete_routing_rule(self, team_id: str, rule_id: str) -> None:
        path = f"/v2/teams/{_segment(team_id)}/routing-rules/{_segment(rule_id)}"
        self._send("DELETE", path, params={"teamIdentifierType": "id"})

    # -- overrides -------------------------------------------------------------------------------

    def create_override(self, schedule_id: str, override: live.Override) -> None:
        """An override under reconcile's alias. The alias names its content, so a 409 (a raced
        or repeated apply made it already) is the override wanted: done."""
        path = f"/v2/schedules/{_segment(schedule_id)}/overrides"
        body = {
            "alias": override.alias,
            "user": {"type": "user", "username": override.username},
            "startDate": write_instant(override.start),
            "endDate": write_instant(override.end),
        }
        try:
            self._send("POST", path, body, {"scheduleIdentifierType": "id"})
        except Conflict:
            return

    def delete_override(self, schedule_id: str, alias: str) -> None:
        path = f"/v2/schedules/{_segment(schedule_id)}/overrides/{_segment(alias)}"
        try:
            self._send("DELETE", path, params={"scheduleIdentifierType": "id"})
        except NotFound:
            return  # already gone: a repeated or raced delete


def _members(members: list[live.TeamMember]) -> list[dict[str, Any]]:
    ordered = sorted(members, key=lambda m: m.username)
    return [{"user": {"username": m.username}, "role": m.role} for m in ordered]


def _rotation_body(rotation: live.ScheduleRotation) -> dict[str, Any]:
    if rotation.type not in ROTATION_TYPE:
        raise ValueError(f"rotation type {rotation.type!r}")
    if not rotation.participants:  # never a rotation without participants
        raise ValueError("a rotation needs at least one participant")
    body: dict[str, Any] = {
        "name": rotation.name,
        "type": rotation.type,
        "length": rotation.length,
        "startDate": write_instant(rotation.start),
        "participants": [_participant(p) for p in rotation.participants],
    }
    if rotation.end is not None:
        body["endDate"] = write_instant(rotation.end)
    if rotation.time_restriction:
        body["timeRestriction"] = rotation.time_restriction
    return body


def _participant(p: live.Participant) -> dict[str, Any]:
    if p.type == "none":
        return {"type": "none"}
    if p.type == "user":
        return {"type": "user", "username": p.name}
    return {"type": p.type, "name": p.name}


def _rule_body(rule: live.EscalationRule) -> dict[str, Any]:
    recipient = rule.recipient
    target: dict[str, Any] = {"type": recipient.type}
    if recipient.id:
        target["id"] = recipient.id
    elif recipient.type == "user":
        target["username"] = recipient.name
    else:
        target["name"] = recipient.name
    return {
        "condition": rule.condition,
        "notifyType": rule.notify_type,
        "delay": {"timeAmount": rule.delay_minutes, "timeUnit": "minutes"},
        "recipient": target,
    }


def _routing_body(rule: live.RoutingRule) -> dict[str, Any]:
    notify: dict[str, Any] = {"type": rule.notify_type}
    if rule.notify_id:
        notify["id"] = rule.notify_id
    elif rule.notify_name:
        notify["name"] = rule.notify_name
    body: dict[str, Any] = {
        "name": rule.name,
        "criteria": {"type": rule.criteria_type},
        "notify": notify,
    }
    if rule.time_zone:
        body["timezone"] = rule.time_zone
    return body
