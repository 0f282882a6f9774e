"""The on-call backend behind a small interface.

OpsGenie's API ends on 2027-04-05; Jira Service Management Operations succeeds it. The engine only
speaks these protocols, so another backend is a new client, not a new engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from reconciler import live


class OnCallReader(Protocol):
    """What plan and drift may ask of the on-call backend: reads only."""

    def teams(self) -> list[live.Team]: ...

    def users(self) -> list[live.User]: ...

    def schedules(self) -> list[live.Schedule]: ...

    def escalations(self) -> list[live.Escalation]: ...

    def routing_rules(self, team_id: str) -> list[live.RoutingRule]: ...

    def on_call(self, schedule_id: str, at: datetime | None = None) -> list[str]: ...

    def overrides(self, schedule_id: str) -> list[live.Override]: ...

    def contacts(self, username: str) -> list[live.Contact]: ...

    def notification_rules(self, username: str) -> list[live.NotificationRule]: ...


class OnCallWriter(OnCallReader, Protocol):
    """What apply may change."""

    def create_team(self, name: str, description: str, members: list[live.TeamMember]) -> str: ...

    def update_team(
        self,
        team_id: str,
        *,
        description: str | None = None,
        members: list[live.TeamMember] | None = None,
    ) -> None: ...

    def delete_team(self, team_id: str) -> None: ...

    def create_schedule(
        self, name: str, description: str, time_zone: str, team_id: str, enabled: bool = True
    ) -> str: ...

    def update_schedule(
        self,
        schedule_id: str,
        *,
        description: str | None = None,
        time_zone: str | None = None,
        enabled: bool | None = None,
    ) -> None: ...

    def delete_schedule(self, schedule_id: str) -> None: ...

    def create_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> str: ...

    def update_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> None: ...

    def delete_rotation(self, schedule_id: str, rotation_id: str) -> None: ...

    def create_escalation(
        self, name: str, description: str, team_id: str, rules: list[live.EscalationRule]
    ) -> str: ...

    def update_escalation(
        self,
        escalation_id: str,
        *,
        description: str | None = None,
        rules: list[live.EscalationRule] | None = None,
    ) -> None: ...

    def delete_escalation(self, escalation_id: str) -> None: ...

    def create_routing_rule(self, team_id: str, rule: live.RoutingRule) -> str: ...

    def update_routing_rule(self, team_id: str, rule: live.RoutingRule) -> None: ...

    def delete_routing_rule(self, team_id: str, rule_id: str) -> None: ...
