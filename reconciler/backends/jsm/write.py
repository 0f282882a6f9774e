"""JSM Operations writes, for apply only. Writes are never retried on 5xx or timeouts (not
idempotent); a 429 is waited out, since the server did not act on it.

Names come in (the engine speaks names), ids go out: people by email to account id through the
site's user search, schedules, escalations and teams by exact name. Creating a team is three
steps on two hosts (§2.7): the Teams API makes it (and may add its creator as a member), members
are set, then `enable-ops`, asynchronous, retried while Operations cannot see the new team yet
and polled until it completes, which is when the team's default objects exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from reconciler import live
from reconciler.backends.jsm.client import error_for, json_of, read_only, segment
from reconciler.backends.jsm.reader import JsmReader
from reconciler.backends.opsgenie.parse import write_instant
from reconciler.clients.errors import ApiError, NotFound, Unprocessable
from reconciler.clients.http import Http

ENABLE_ATTEMPTS = 6  # the official provider retries enable-ops while the team is unseen
POLLS = 30


class JsmWriter(JsmReader):
    def __init__(
        self,
        ops: Http,
        site: Http,
        org_id: str,
        me: str,
        *,
        poll_wait: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(*read_only(ops, site), org_id, me)
        self._ops_w, self._site_w = ops, site
        self._poll_wait, self._sleep = poll_wait, sleep

    def __repr__(self) -> str:
        return f"JsmWriter({self._ops_w!r})"

    def _send(self, method: str, path: str, body: Any = None, *, site: bool = False) -> Any:
        http = self._site_w if site else self._ops_w
        self.forget()  # what was listed may change now
        response = http.send(method, path, json=body, idempotent=method == "DELETE")
        if response.status_code == 404 and method == "DELETE":
            return None  # already gone: a repeated or raced delete
        if response.status_code not in (200, 201, 202, 204):
            raise error_for(f"{method} {path}", method, response)
        return json_of(response, f"{method} {path}") if response.content else None

    def _account(self, email: str) -> str:
        account = self.account_of(email)
        if account is None:
            raise Unprocessable(
                "JSM Operations",
                f"find {email}",
                "no Atlassian account has this email",
                hint="invite them to the site with JSM agent access, or fix the email",
            )
        return account

    # -- teams ---------------------------------------------------------------------------------

    def create_team(self, name: str, description: str, members: list[live.TeamMember]) -> str:
        accounts = [self._account(m.username) for m in members]
        admins = [self._account(m.username) for m in members if m.role == "admin"]
        body = {"displayName": name, "description": description, "teamType": "MEMBER_INVITE"}
        team_id = str(self._send("POST", f"{self._teams_path()}/", body, site=True)["teamId"])
        self._set_members(team_id, accounts)
        self._enable_ops(team_id, admins or accounts[:1])
        return team_id

    def _set_members(self, team_id: str, wanted: list[str]) -> None:
        current = set(self.members(team_id))  # the creator may have been added (§2.7a)
        add = [a for a in wanted if a not in current]
        remove = sorted(current - set(wanted))
        base = self._teams_path(team_id)
        if add:
            answer = self._send(
                "POST",
                f"{base}/members/add",
                {"members": [{"accountId": a} for a in add]},
                site=True,
            )
            if (answer or {}).get("errors"):  # a partial failure comes back in a 200
                raise Unprocessable(
                    "JSM Operations", f"POST {base}/members/add", str(answer["errors"])
                )
        if remove:
            self._send(
                "POST",
                f"{base}/members/remove",
                {"members": [{"accountId": a} for a in remove]},
                site=True,
            )

    def _enable_ops(self, team_id: str, admins: list[str]) -> None:
        path = f"/v1/teams/{segment(team_id)}/enable-ops"
        for attempt in range(ENABLE_ATTEMPTS):
            self.forget()
            response = self._ops_w.send(
                "POST", path, json={"adminAccountIds": admins}, idempotent=False
            )
            if response.status_code in (404, 422) and attempt + 1 < ENABLE_ATTEMPTS:
                self._sleep(self._poll_wait * (attempt + 1))  # not visible to Operations yet
                continue
            if response.status_code not in (200, 201, 202):
                raise error_for(f"POST {path}", "POST", response)
            request_id = json_of(response, f"POST {path}")["requestId"]
            return self._wait_for(team_id, str(request_id))

    def _wait_for(self, team_id: str, request_id: str) -> None:
        path = f"/v1/teams/{segment(team_id)}/requests/{segment(request_id)}"
        for _ in range(POLLS):
            status = ((self._get(path) or {}).get("status") or {}).get("value")
            if status == "SUCCESSFUL":
                self.forget()  # the team and its default objects exist now
                return
            if status == "FAILED":
                raise ApiError("JSM Operations", f"GET {path}", "enabling operations failed")
            self._sleep(self._poll_wait)
        raise ApiError(
            "JSM Operations",
            f"GET {path}",
            f"operations not enabled after {POLLS} polls",
            hint="run apply again: it finds the team and carries on",
        )

    def update_team(
        self,
        team_id: str,
        *,
        description: str | None = None,
        members: list[live.TeamMember] | None = None,
    ) -> None:
        if description is not None:
            self._send("PATCH", self._teams_path(team_id), {"description": description}, site=True)
        if members is not None:
            self._set_members(team_id, [self._account(m.username) for m in members])

    # -- schedules and rotations ---------------------------------------------------------------

    def create_schedule(
        self, name: str, description: str, time_zone: str, team_id: str, enabled: bool = True
    ) -> str:
        body = {
            "name": name,
            "description": description,
            "timezone": time_zone,  # always sent: the default is America/New_York (§2.1)
            "enabled": enabled,
            "teamId": team_id,
        }
        return str(self._send("POST", "/v1/schedules", body)["id"])

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
        for key, value in (
            ("description", description),
            ("timezone", time_zone),
            ("enabled", enabled),
            ("teamId", owner_team_id),
        ):
            if value is not None:
                body[key] = value
        self._send("PATCH", f"/v1/schedules/{segment(schedule_id)}", body)

    def delete_schedule(self, schedule_id: str) -> None:
        self._send("DELETE", f"/v1/schedules/{segment(schedule_id)}")

    def _rotation_body(self, rotation: live.ScheduleRotation) -> dict[str, Any]:
        if not rotation.participants:
            raise ValueError("a rotation needs at least one participant")
        body: dict[str, Any] = {
            "name": rotation.name,
            "type": rotation.type,
            "length": rotation.length,
            "startDate": write_instant(rotation.start),
            "participants": [
                {"type": "noone"}
                if p.type == "none"
                else {"type": "user", "id": self._account(p.name or "")}
                for p in rotation.participants
            ],
        }
        if rotation.end is not None:
            body["endDate"] = write_instant(rotation.end)
        if rotation.time_restriction:
            body["timeRestriction"] = rotation.time_restriction
        return body

    def create_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> str:
        path = f"/v1/schedules/{segment(schedule_id)}/rotations"
        return str(self._send("POST", path, self._rotation_body(rotation))["id"])

    def update_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> None:
        path = f"/v1/schedules/{segment(schedule_id)}/rotations/{segment(rotation.id)}"
        self._send("PATCH", path, self._rotation_body(rotation))

    def delete_rotation(self, schedule_id: str, rotation_id: str) -> None:
        path = f"/v1/schedules/{segment(schedule_id)}/rotations/{segment(rotation_id)}"
        self._send("DELETE", path)

    # -- escalations ---------------------------------------------------------------------------

    def _id_of(self, kind: str, name: str | None, team_id: str | None = None) -> str:
        """A recipient's or notify target's id from its name, by exact match."""
        if kind == "user":
            return self._account(name or "")
        if kind == "team":
            found = [t["id"] for t in self.ops_teams() if t["name"] == name]
        elif kind == "schedule":
            found = [i for i, n in self.schedule_names().items() if n == name]
        else:  # an escalation: within its team
            path = f"/v1/teams/{segment(team_id or '')}/escalations"
            found = [e["id"] for e in self._list(path) if e["name"] == name]
        if len(found) != 1:
            raise NotFound(
                "JSM Operations", f"find {kind} {name}", f"{len(found)} {kind}s have this name"
            )
        return found[0]

    def _rules(self, rules: list[live.EscalationRule]) -> list[dict[str, Any]]:
        if not rules:
            raise ValueError("an escalation needs at least one rule")
        return [
            {
                "condition": r.condition,
                "notifyType": r.notify_type,
                "delay": r.delay_minutes,  # whole minutes (§2.5)
                "recipient": {
                    "type": r.recipient.type,
                    "id": r.recipient.id or self._id_of(r.recipient.type, r.recipient.name),
                },
            }
            for r in rules
        ]

    def _escalation_path(self, escalation_id: str) -> str:
        if escalation_id not in self.escalation_team:
            self.escalations()  # fills the map: the path needs the escalation's team
        team_id = self.escalation_team.get(escalation_id)
        if team_id is None:
            raise NotFound("JSM Operations", f"find escalation {escalation_id}", "in no team")
        return f"/v1/teams/{segment(team_id)}/escalations/{segment(escalation_id)}"

    def create_escalation(
        self, name: str, description: str, team_id: str, rules: list[live.EscalationRule]
    ) -> str:
        body = {"name": name, "description": description, "rules": self._rules(rules)}
        found = self._send("POST", f"/v1/teams/{segment(team_id)}/escalations", body)
        self.escalation_team[str(found["id"])] = team_id
        return str(found["id"])

    def update_escalation(
        self,
        escalation_id: str,
        *,
        description: str | None = None,
        rules: list[live.EscalationRule] | None = None,
        owner_team_id: str | None = None,
    ) -> None:
        path = self._escalation_path(escalation_id)
        if owner_team_id is not None and owner_team_id != self.escalation_team[escalation_id]:
            raise Unprocessable(
                "JSM Operations",
                f"PATCH {path}",
                "an escalation belongs to its team (§2.5)",
                hint="it cannot move to another team; delete it and let apply create it there",
            )
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = description
        if rules is not None:
            body["rules"] = self._rules(rules)
        self._send("PATCH", path, body)

    def delete_escalation(self, escalation_id: str) -> None:
        self._send("DELETE", self._escalation_path(escalation_id))

    # -- routing rules -------------------------------------------------------------------------

    def _routing_body(self, team_id: str, rule: live.RoutingRule) -> dict[str, Any]:
        notify: dict[str, Any] = {"type": rule.notify_type}
        if rule.notify_type != "none":
            notify["id"] = rule.notify_id or self._id_of(
                rule.notify_type, rule.notify_name, team_id
            )
        body: dict[str, Any] = {
            "name": rule.name,
            "criteria": {"type": rule.criteria_type},
            "notify": notify,
        }
        if rule.time_zone:
            body["timezone"] = rule.time_zone
        return body

    def create_routing_rule(self, team_id: str, rule: live.RoutingRule) -> str:
        path = f"/v1/teams/{segment(team_id)}/routing-rules"
        body = {**self._routing_body(team_id, rule), "order": rule.order}
        return str(self._send("POST", path, body)["id"])

    def update_routing_rule(self, team_id: str, rule: live.RoutingRule) -> None:
        path = f"/v1/teams/{segment(team_id)}/routing-rules/{segment(rule.id)}"
        self._send("PATCH", path, self._routing_body(team_id, rule))

    def order_routing_rule(self, team_id: str, rule_id: str, order: int) -> None:
        """A PATCH here (§2.6), where OpsGenie's change-order is a POST."""
        path = f"/v1/teams/{segment(team_id)}/routing-rules/{segment(rule_id)}/change-order"
        self._send("PATCH", path, {"order": order})

    def delete_routing_rule(self, team_id: str, rule_id: str) -> None:
        path = f"/v1/teams/{segment(team_id)}/routing-rules/{segment(rule_id)}"
        self._send("DELETE", path)

    # -- overrides -------------------------------------------------------------------------------

    def create_override(self, schedule_id: str, override: live.Override) -> None:
        """The API names an override by an alias it chooses (reference §2.4): reconcile knows
        its own by their content (who, from, to), so it sends none."""
        path = f"/v1/schedules/{segment(schedule_id)}/overrides"
        body = {
            "responder": {"type": "user", "id": self._account(override.username)},
            "startDate": write_instant(override.start),
            "endDate": write_instant(override.end),
        }
        self._send("POST", path, body)

    def delete_override(self, schedule_id: str, alias: str) -> None:
        self._send("DELETE", f"/v1/schedules/{segment(schedule_id)}/overrides/{segment(alias)}")
