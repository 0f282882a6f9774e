"""What the engine asks of a vendor: the protocols every backend implements, and the registry.

The engine, the plan, safety, the lifecycle, the renderers and the commands speak only to these.
An on-call backend (OpsGenie now, Jira Service Management Operations next) reads and writes teams,
schedules with their rotations, escalations, routing rules, who is on call and who can be paged;
a chat backend (Slack) reads and writes channels, user groups, people and messages. Each brings
its own clients, parsing, naming, limits and part of the diff, in a package of its own; adding
one is that package and its `register` line in `reconciler/backends/registry.py`.

Everything crosses as the vendor-neutral types of `reconciler.live`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from reconciler import live

if TYPE_CHECKING:
    from reconciler.plan.changes import Change
    from reconciler.plan.desired import DesiredTeam
    from reconciler.plan.observe import LiveState

T = TypeVar("T")
R = TypeVar("R")


class OnCallReader(Protocol):
    """Reads only: plan and drift hold nothing that can write."""

    def close(self) -> None: ...
    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]: ...
    # Members are needed only of the teams named in `detailed` (None: all); others may lack them.
    def teams(self, detailed: Collection[str] | None = None) -> list[live.Team]: ...
    def team(self, name: str) -> live.Team | None: ...
    def schedules(self) -> list[live.Schedule]: ...
    def escalations(self) -> list[live.Escalation]: ...
    def routing_rules_of(self, team_ids: list[str]) -> list[list[live.RoutingRule]]: ...
    def on_call(self, schedule_id: str, at: datetime | None = None) -> list[str]: ...
    def timeline(
        self, schedule_id: str, start: datetime, interval: int, unit: str
    ) -> list[live.TimelinePeriod]: ...
    def overrides(self, schedule_id: str) -> list[live.Override]: ...
    def alerts(self, team: str, start: datetime, end: datetime) -> list[live.Alert] | None: ...
    def user_and_contacts(
        self, username: str
    ) -> tuple[live.User, list[live.Contact] | None] | None: ...
    def notification_rules(self, username: str) -> list[live.NotificationRule]: ...


class OnCallWriter(OnCallReader, Protocol):
    def create_team(self, name: str, description: str, members: list[live.TeamMember]) -> str: ...
    def update_team(
        self,
        team_id: str,
        *,
        description: str | None = None,
        members: list[live.TeamMember] | None = None,
    ) -> None: ...
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
        owner_team_id: str | None = None,
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
        owner_team_id: str | None = None,
    ) -> None: ...
    def delete_escalation(self, escalation_id: str) -> None: ...
    def create_routing_rule(self, team_id: str, rule: live.RoutingRule) -> str: ...
    def update_routing_rule(self, team_id: str, rule: live.RoutingRule) -> None: ...
    def order_routing_rule(self, team_id: str, rule_id: str, order: int) -> None: ...
    def delete_routing_rule(self, team_id: str, rule_id: str) -> None: ...
    def create_override(self, schedule_id: str, override: live.Override) -> None: ...
    def delete_override(self, schedule_id: str, alias: str) -> None: ...


class ChatReader(Protocol):
    @property
    def warnings(self) -> list[str]: ...

    def close(self) -> None: ...
    def parallel(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]: ...
    def preflight(self, *, write: bool = False, groups: bool = False) -> live.SlackIdentity: ...
    def me(self) -> live.SlackIdentity: ...
    def channels(self) -> list[live.Channel]: ...
    def channel_members(self, channel_id: str) -> frozenset[str]: ...
    def user_groups(self) -> list[live.UserGroup]: ...
    def users(self) -> list[live.SlackUser]: ...
    def users_by_email(self, emails: list[str]) -> dict[str, live.SlackUser | None]: ...
    def history(self, channel_id: str, since: float) -> list[live.Message]: ...


class ChatWriter(ChatReader, Protocol):
    @property
    def has_user_token(self) -> bool: ...
    def create_channel(self, name: str, *, private: bool = False) -> live.Channel: ...
    def join(self, channel_id: str) -> None: ...
    def set_purpose(self, channel_id: str, purpose: str) -> None: ...
    def invite(self, channel_id: str, users: Iterable[str]) -> Any: ...
    def kick(self, channel_id: str, user: str) -> bool: ...
    def create_group(self, name: str, handle: str, description: str = "") -> live.UserGroup: ...
    def update_group(
        self,
        group_id: str,
        *,
        name: str | None = None,
        handle: str | None = None,
        description: str | None = None,
    ) -> None: ...
    def enable_group(self, group_id: str) -> None: ...
    def disable_group(self, group_id: str) -> None: ...
    def set_group_members(self, group_id: str, users: Iterable[str]) -> None: ...
    def post_message(
        self,
        channel_id: str,
        text: str,
        *,
        event_type: str | None = None,
        event_payload: dict[str, Any] | None = None,
    ) -> str: ...
    def delete_message(self, channel_id: str, ts: str) -> bool: ...


@dataclass(frozen=True)
class Capabilities:
    """What an on-call backend can and cannot do, where the engine must plan around it."""

    label: str = "the vendor"  # as the plan names it in prose: "OpsGenie"

    # A rotation's or routing rule's time restriction or end date cannot be cleared in place
    # (OpsGenie: not documented either way): the engine replaces, the new object made first.
    clears_restrictions_in_place: bool = False
    # What the backend makes with every new team, by the team's name (shown in the plan).
    default_objects: Callable[[str], list[str]] = field(default=lambda team: [])
    # Team members carry roles the backend reads and writes (OpsGenie); without them (JSM's
    # Teams API) members are compared by person alone.
    member_roles: bool = True
    # Another person's contacts and notification rules can be read with one credential
    # (OpsGenie); without it (JSM) readiness checks what it can and says so.
    reads_others_contacts: bool = True


@dataclass(frozen=True)
class Connection:
    """How a command reaches the vendors: the network (credentials from the environment), or the
    sandbox in-process (its transport, and its state for the credentials it expects)."""

    transport: Any = None  # an httpx transport, or None for the network
    sandbox: dict[str, Any] | None = None  # the sandbox's state document
    base_url: str | None = None  # where the transport answers (the sandbox's), else the vendor's
    options: dict[str, Any] = field(default_factory=dict)  # retries, pacing (tests, benchmarks)


class OnCallBackend(Protocol):
    """An on-call vendor: how to reach it, and what it can do."""

    @property
    def name(self) -> str: ...  # as RECONCILE_ONCALL_BACKEND names it

    @property
    def capabilities(self) -> Capabilities: ...

    def reader(self, connection: Connection) -> OnCallReader: ...
    def writer(self, connection: Connection) -> OnCallWriter: ...


class ChatBackend(Protocol):
    """A chat vendor: how to reach it, and its part of the diff."""

    @property
    def name(self) -> str: ...

    def reader(self, connection: Connection) -> ChatReader: ...
    def writer(self, connection: Connection) -> ChatWriter: ...
    def diff(self, team: DesiredTeam, state: LiveState) -> list[Change]: ...


class ReadSide(Protocol):
    """What a plan reads through: readers, or writers (which can read too)."""

    @property
    def oncall(self) -> OnCallReader: ...

    @property
    def slack(self) -> ChatReader: ...

    def close(self) -> None: ...


@dataclass
class Readers:
    oncall: OnCallReader
    slack: ChatReader

    def close(self) -> None:
        self.oncall.close()
        self.slack.close()


@dataclass
class Writers:
    oncall: OnCallWriter
    slack: ChatWriter

    def close(self) -> None:
        self.oncall.close()
        self.slack.close()
