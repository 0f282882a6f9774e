"""A tiny on-call backend that keeps everything in memory: the conformance suite's second subject.

It registers through the registry like any backend (no core file changes), implements the
OnCallReader and OnCallWriter protocols over `reconciler.live` objects, answers who is on call
with the sandbox's own rotation engine (written independently of reconcile's model), and can be
told to fail a write once, to show the engine survives faults.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from reconciler import live
from reconciler.backends import registry
from reconciler.backends.base import Capabilities, Connection
from reconciler.clients.errors import Conflict, ServerError
from reconciler.sandbox.rotation_engine import rotation_holder, rotation_periods

T = TypeVar("T")
R = TypeVar("R")


class Store:
    """The backend's whole world, shared by its readers and writers (one per test)."""

    def __init__(self) -> None:
        self.ids = itertools.count(1)
        self.teams: dict[str, live.Team] = {}
        self.schedules: dict[str, live.Schedule] = {}
        self.escalations: dict[str, live.Escalation] = {}
        self.routing: dict[str, list[live.RoutingRule]] = {}
        self.overrides: dict[str, list[live.Override]] = {}  # schedule id
        self.fail_once: set[str] = set()  # write method names that fail once
        self.writes: list[str] = []

    def new_id(self, kind: str) -> str:
        return f"{kind}-{next(self.ids)}"


STORE = Store()


def _as_engine_rotation(rotation: live.ScheduleRotation) -> dict[str, Any]:
    return {
        "startDate": rotation.start.astimezone(UTC).isoformat(),
        "endDate": rotation.end.astimezone(UTC).isoformat() if rotation.end else None,
        "type": rotation.type,
        "length": rotation.length,
        "participants": [
            {"type": p.type, "username": p.name} if p.type == "user" else {"type": "none"}
            for p in rotation.participants
        ],
        "timeRestriction": rotation.time_restriction,
    }


class MemoryOnCall:
    def __init__(self, store: Store) -> None:
        self.s = store

    # -- reads -----------------------------------------------------------------------------------

    def close(self) -> None:
        pass

    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return [fn(item) for item in items]

    def teams(self, detailed: Collection[str] | None = None) -> list[live.Team]:
        return list(self.s.teams.values())  # members cost nothing here: all of them, always

    def team(self, name: str) -> live.Team | None:
        return next((t for t in self.s.teams.values() if t.name == name), None)

    def schedules(self) -> list[live.Schedule]:
        return list(self.s.schedules.values())

    def escalations(self) -> list[live.Escalation]:
        return list(self.s.escalations.values())

    def routing_rules_of(self, team_ids: list[str]) -> list[list[live.RoutingRule]]:
        return [sorted(self.s.routing.get(t, []), key=lambda r: r.order) for t in team_ids]

    def on_call(self, schedule_id: str, at: datetime | None = None) -> list[str]:
        schedule = self.s.schedules[schedule_id]
        zone = ZoneInfo(schedule.time_zone or "UTC")
        at = at or datetime.now(UTC)
        found = set()
        for rotation in schedule.rotations:
            holder = rotation_holder(_as_engine_rotation(rotation), zone, at)
            if holder and holder.get("username"):
                found.add(holder["username"])
        for override in self.s.overrides.get(schedule_id, []):
            if override.start <= at < override.end:
                found = {override.username}  # the schedule's one rotation, replaced
        return sorted(found)

    def overrides(self, schedule_id: str) -> list[live.Override]:
        return list(self.s.overrides.get(schedule_id, []))

    def alerts(self, team: str, start: datetime, end: datetime) -> None:
        return None  # this backend has no alerts

    def create_override(self, schedule_id: str, override: live.Override) -> None:
        self._write("create_override")
        found = self.s.overrides.setdefault(schedule_id, [])
        if all(o.alias != override.alias for o in found):
            found.append(override)

    def delete_override(self, schedule_id: str, alias: str) -> None:
        self._write("delete_override")
        found = self.s.overrides.get(schedule_id, [])
        self.s.overrides[schedule_id] = [o for o in found if o.alias != alias]

    def timeline(
        self, schedule_id: str, start: datetime, interval: int, unit: str
    ) -> list[live.TimelinePeriod]:
        schedule = self.s.schedules[schedule_id]
        zone = ZoneInfo(schedule.time_zone or "UTC")
        end = start + timedelta(days=interval * {"days": 1, "weeks": 7, "months": 31}[unit])
        return [
            live.TimelinePeriod(r.id, r.name, a, b, who.get("username"))
            for r in schedule.rotations
            for a, b, who in rotation_periods(
                _as_engine_rotation(r), zone, start, end, "wall-clock"
            )
        ]

    def user_and_contacts(self, username: str) -> tuple[live.User, list[live.Contact]] | None:
        user = live.User(f"u-{username}", username, username, "UTC")
        return user, [live.Contact("sms", "1-555-0100", True)]

    def notification_rules(self, username: str) -> list[live.NotificationRule]:
        step = live.NotificationStep("sms", "1-555-0100", True)
        return [live.NotificationRule("create-alert", True, (step,))]

    # -- writes ----------------------------------------------------------------------------------

    def _write(self, method: str) -> None:
        self.s.writes.append(method)
        if method in self.s.fail_once:
            self.s.fail_once.discard(method)
            raise ServerError("Memory", method, "injected failure", status=503)

    def _team_name(self, team_id: str) -> str:
        return self.s.teams[team_id].name

    def create_team(self, name: str, description: str, members: list[live.TeamMember]) -> str:
        self._write("create_team")
        if any(t.name == name for t in self.s.teams.values()):
            raise Conflict("Memory", "create_team", f"team {name} exists", status=409)
        team_id = self.s.new_id("team")
        self.s.teams[team_id] = live.Team(team_id, name, description, frozenset(members))
        return team_id

    def update_team(
        self,
        team_id: str,
        *,
        description: str | None = None,
        members: list[live.TeamMember] | None = None,
    ) -> None:
        self._write("update_team")
        team = self.s.teams[team_id]
        self.s.teams[team_id] = replace(
            team,
            description=team.description if description is None else description,
            members=team.members if members is None else frozenset(members),
        )

    def create_schedule(
        self, name: str, description: str, time_zone: str, team_id: str, enabled: bool = True
    ) -> str:
        self._write("create_schedule")
        schedule_id = self.s.new_id("schedule")
        self.s.schedules[schedule_id] = live.Schedule(
            schedule_id, name, description, time_zone, enabled, self._team_name(team_id)
        )
        return schedule_id

    def update_schedule(
        self,
        schedule_id: str,
        *,
        description: str | None = None,
        time_zone: str | None = None,
        enabled: bool | None = None,
        owner_team_id: str | None = None,
    ) -> None:
        self._write("update_schedule")
        s = self.s.schedules[schedule_id]
        self.s.schedules[schedule_id] = replace(
            s,
            description=s.description if description is None else description,
            time_zone=s.time_zone if time_zone is None else time_zone,
            enabled=s.enabled if enabled is None else enabled,
            owner_team=s.owner_team if owner_team_id is None else self._team_name(owner_team_id),
        )

    def delete_schedule(self, schedule_id: str) -> None:
        self._write("delete_schedule")
        del self.s.schedules[schedule_id]

    def _rotations(
        self, schedule_id: str, change: Callable[[list[live.ScheduleRotation]], None]
    ) -> None:
        schedule = self.s.schedules[schedule_id]
        rotations = list(schedule.rotations)
        change(rotations)
        self.s.schedules[schedule_id] = replace(schedule, rotations=tuple(rotations))

    def create_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> str:
        self._write("create_rotation")
        new = replace(rotation, id=self.s.new_id("rotation"))
        self._rotations(schedule_id, lambda rs: rs.append(new))
        return new.id

    def update_rotation(self, schedule_id: str, rotation: live.ScheduleRotation) -> None:
        self._write("update_rotation")
        self._rotations(
            schedule_id,
            lambda rs: rs.__setitem__([r.id for r in rs].index(rotation.id), rotation),
        )

    def delete_rotation(self, schedule_id: str, rotation_id: str) -> None:
        self._write("delete_rotation")
        self._rotations(
            schedule_id, lambda rs: rs.__delitem__([r.id for r in rs].index(rotation_id))
        )

    def create_escalation(
        self, name: str, description: str, team_id: str, rules: list[live.EscalationRule]
    ) -> str:
        self._write("create_escalation")
        esc_id = self.s.new_id("escalation")
        self.s.escalations[esc_id] = live.Escalation(
            esc_id, name, description, self._team_name(team_id), tuple(rules)
        )
        return esc_id

    def update_escalation(
        self,
        escalation_id: str,
        *,
        description: str | None = None,
        rules: list[live.EscalationRule] | None = None,
        owner_team_id: str | None = None,
    ) -> None:
        self._write("update_escalation")
        e = self.s.escalations[escalation_id]
        self.s.escalations[escalation_id] = replace(
            e,
            description=e.description if description is None else description,
            rules=e.rules if rules is None else tuple(rules),
            owner_team=e.owner_team if owner_team_id is None else self._team_name(owner_team_id),
        )

    def delete_escalation(self, escalation_id: str) -> None:
        self._write("delete_escalation")
        del self.s.escalations[escalation_id]

    def create_routing_rule(self, team_id: str, rule: live.RoutingRule) -> str:
        self._write("create_routing_rule")
        rules = self.s.routing.setdefault(team_id, [])
        new = replace(rule, id=self.s.new_id("rule"))
        rules.insert(min(rule.order, len(rules)), new)
        self._renumber(team_id)
        return new.id

    def update_routing_rule(self, team_id: str, rule: live.RoutingRule) -> None:
        self._write("update_routing_rule")
        rules = self.s.routing[team_id]
        i = [r.id for r in rules].index(rule.id)
        rules[i] = replace(rule, order=rules[i].order)

    def order_routing_rule(self, team_id: str, rule_id: str, order: int) -> None:
        self._write("order_routing_rule")
        rules = self.s.routing[team_id]
        rule = rules.pop([r.id for r in rules].index(rule_id))
        rules.insert(order, rule)
        self._renumber(team_id)

    def delete_routing_rule(self, team_id: str, rule_id: str) -> None:
        self._write("delete_routing_rule")
        rules = self.s.routing[team_id]
        rules.pop([r.id for r in rules].index(rule_id))
        self._renumber(team_id)

    def _renumber(self, team_id: str) -> None:
        self.s.routing[team_id] = [
            replace(r, order=i) for i, r in enumerate(self.s.routing[team_id])
        ]


class MemoryBackend:
    name = "memory"
    capabilities = Capabilities(label="Memory")

    def reader(self, connection: Connection) -> MemoryOnCall:
        return MemoryOnCall(STORE)

    def writer(self, connection: Connection) -> MemoryOnCall:
        return MemoryOnCall(STORE)


BACKEND = MemoryBackend()


def register() -> None:
    """The one registry line a new backend adds (here from the tests, not a core file)."""
    registry.register_on_call("memory", lambda: BACKEND)
