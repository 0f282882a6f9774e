"""What apply does for each change: one class per operation, with its JSON round trip.

A plan carries these; the plan file carries their JSON (`{"op": KIND, ...fields}`, part of the
checksum); apply dispatches on the class. A misspelt field is a type error here, not a KeyError
in a user's apply. Bodies of rotations, rules and routing rules stay plain JSON objects: they are
what the plan shows and compares, built in one place each (`anchoring.operation_body`, ...).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from reconciler.errors import ReconcileError

Json = dict[str, Any]
OPERATIONS: dict[str, type[Operation]] = {}
Op = TypeVar("Op", bound="type[Operation]")


@dataclass(frozen=True)
class Operation:
    KIND: ClassVar[str] = ""

    def to_json(self) -> Json:
        """The operation as plan files hold it: its kind and the fields that are set."""
        return {"op": self.KIND, **{k: v for k, v in asdict(self).items() if v is not None}}


def _register(cls: Op) -> Op:
    OPERATIONS[cls.KIND] = cls
    return cls


def from_json(data: Json) -> Operation:
    """An operation from its JSON, refusing unknown kinds and fields."""
    kind = data.get("op")
    cls = OPERATIONS.get(str(kind))
    if cls is None:
        raise ReconcileError(f"unknown operation {kind!r}")
    names = {f.name for f in fields(cls)}
    extra = set(data) - names - {"op"}
    if extra:
        raise ReconcileError(f"operation {kind}: unknown field(s) {', '.join(sorted(extra))}")
    return cls(**{k: v for k, v in data.items() if k in names})


# -- on-call ------------------------------------------------------------------------------------


@_register
@dataclass(frozen=True)
class CreateTeam(Operation):
    KIND: ClassVar[str] = "create_team"
    name: str
    description: str
    members: list[list[str]]  # [username, role]


@_register
@dataclass(frozen=True)
class UpdateTeam(Operation):
    KIND: ClassVar[str] = "update_team"
    team: str
    team_id: str
    description: str | None = None
    members: list[list[str]] | None = None


@_register
@dataclass(frozen=True)
class CreateSchedule(Operation):
    KIND: ClassVar[str] = "create_schedule"
    name: str
    team: str
    description: str
    time_zone: str


@_register
@dataclass(frozen=True)
class UpdateSchedule(Operation):
    KIND: ClassVar[str] = "update_schedule"
    name: str
    schedule_id: str
    description: str | None = None
    time_zone: str | None = None
    enabled: bool | None = None
    team: str | None = None  # set: move the schedule to this owner team


@_register
@dataclass(frozen=True)
class DeleteSchedule(Operation):
    KIND: ClassVar[str] = "delete_schedule"
    name: str
    schedule_id: str


@_register
@dataclass(frozen=True)
class CreateRotation(Operation):
    KIND: ClassVar[str] = "create_rotation"
    schedule: str
    rotation: Json
    schedule_id: str | None = None  # None: the schedule is made by the same apply


@_register
@dataclass(frozen=True)
class CreateOverride(Operation):
    """A cover's turn: `username` on call in the schedule from `start` to `end` (ISO instants)."""

    KIND: ClassVar[str] = "create_override"
    schedule: str
    alias: str
    username: str
    start: str
    end: str
    schedule_id: str | None = None  # None: the schedule is made by the same apply


@_register
@dataclass(frozen=True)
class DeleteOverride(Operation):
    KIND: ClassVar[str] = "delete_override"
    schedule: str
    schedule_id: str
    alias: str


@_register
@dataclass(frozen=True)
class UpdateRotation(Operation):
    KIND: ClassVar[str] = "update_rotation"
    schedule: str
    schedule_id: str
    rotation_id: str
    rotation: Json


@_register
@dataclass(frozen=True)
class ReplaceRotation(Operation):
    KIND: ClassVar[str] = "replace_rotation"
    schedule: str
    schedule_id: str
    rotation_id: str
    rotation: Json


@_register
@dataclass(frozen=True)
class DeleteRotation(Operation):
    KIND: ClassVar[str] = "delete_rotation"
    schedule: str
    schedule_id: str
    rotation_id: str


@_register
@dataclass(frozen=True)
class CreateEscalation(Operation):
    KIND: ClassVar[str] = "create_escalation"
    name: str
    team: str
    description: str
    rules: list[Json]


@_register
@dataclass(frozen=True)
class UpdateEscalation(Operation):
    KIND: ClassVar[str] = "update_escalation"
    name: str
    escalation_id: str
    description: str | None = None
    rules: list[Json] | None = None
    team: str | None = None  # set: move the escalation to this owner team


@_register
@dataclass(frozen=True)
class DeleteEscalation(Operation):
    KIND: ClassVar[str] = "delete_escalation"
    name: str
    escalation_id: str


@_register
@dataclass(frozen=True)
class CreateRoutingRule(Operation):
    KIND: ClassVar[str] = "create_routing_rule"
    team: str
    rule: Json


@_register
@dataclass(frozen=True)
class UpdateRoutingRule(Operation):
    KIND: ClassVar[str] = "update_routing_rule"
    team: str
    rule_id: str
    rule: Json | None = None
    order: int | None = None  # set: move the rule there (change-order)


@_register
@dataclass(frozen=True)
class ReplaceRoutingRule(Operation):
    KIND: ClassVar[str] = "replace_routing_rule"
    team: str
    rule_id: str
    rule: Json


@_register
@dataclass(frozen=True)
class DeleteRoutingRule(Operation):
    KIND: ClassVar[str] = "delete_routing_rule"
    team: str
    rule_id: str


# -- chat ---------------------------------------------------------------------------------------


@_register
@dataclass(frozen=True)
class SlackChannel(Operation):
    KIND: ClassVar[str] = "slack_channel"
    name: str
    channel_id: str | None = None
    create: bool = False
    join: bool = False
    purpose: str | None = None


@_register
@dataclass(frozen=True)
class SlackGroup(Operation):
    KIND: ClassVar[str] = "slack_group"
    handle: str
    group_id: str | None = None
    create: bool = False
    name: str | None = None
    description: str | None = None


@_register
@dataclass(frozen=True)
class SlackGroupMembers(Operation):
    KIND: ClassVar[str] = "slack_group_members"
    handle: str
    group_id: str | None = None
    users: list[str] = field(default_factory=list)
    enable: bool = False
    disable: bool = False


@_register
@dataclass(frozen=True)
class ChannelDuty(Operation):
    KIND: ClassVar[str] = "channel_duty"
    channel: str
    channel_id: str
    join: bool
    invite: list[str]
    kick: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # user id -> email, for reports


@_register
@dataclass(frozen=True)
class HandoffPost(Operation):
    KIND: ClassVar[str] = "handoff_post"
    channel: str
    channel_id: str
    join: bool
    text: str
    event_type: str
    payload: dict[str, str]
    since: float
