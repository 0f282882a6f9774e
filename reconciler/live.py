"""Live state, typed and normalised: the shapes the plan compares with the policy.

Clients build these from vendor JSON; nothing else sees vendor JSON. Normalised means: usernames
and emails lower-cased, time zones canonical, instants aware (UTC), member lists as frozensets,
escalation rules ordered by delay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# --- on-call (OpsGenie; Jira Service Management Operations) ------------------------------------


@dataclass(frozen=True)
class TeamMember:
    username: str
    role: str  # "admin", "user" or a custom role name
    user_id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    description: str
    members: frozenset[TeamMember]


@dataclass(frozen=True)
class Contact:
    method: str  # email, sms, voice, mobile
    to: str
    enabled: bool
    id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class NotificationStep:
    method: str  # the step's own contact: email, sms, voice, mobile
    to: str
    enabled: bool


@dataclass(frozen=True)
class NotificationRule:
    action_type: str  # create-alert, ...
    enabled: bool
    steps: tuple[NotificationStep, ...]
    name: str = ""
    id: str | None = field(default=None, compare=False)
    criteria: str | None = None  # which alerts, in words; None: every alert (match-all)
    time_restriction: str | None = None  # when, in words; None: at every hour


@dataclass(frozen=True)
class User:
    id: str
    username: str
    full_name: str
    time_zone: str | None
    blocked: bool = False
    muted_until: datetime | None = None
    responder: bool = True  # JSM: has the agent licence that lets Operations page them


@dataclass(frozen=True)
class Participant:
    type: str  # user, team, escalation, none
    name: str | None  # username for users; name for teams and escalations


@dataclass(frozen=True)
class ScheduleRotation:
    id: str
    name: str
    type: str  # hourly, daily, weekly
    length: int
    start: datetime  # UTC
    end: datetime | None
    participants: tuple[Participant, ...]
    time_restriction: dict[str, Any] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class Schedule:
    id: str
    name: str
    description: str
    time_zone: str | None
    enabled: bool
    owner_team: str | None  # team name
    rotations: tuple[ScheduleRotation, ...] = ()


@dataclass(frozen=True)
class Recipient:
    type: str  # user, schedule, team
    name: str | None  # username, schedule name or team name
    id: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class EscalationRule:
    delay_minutes: int
    condition: str
    notify_type: str
    recipient: Recipient

    def sort_key(self) -> tuple[int, str, str, str, str]:
        return (
            self.delay_minutes,
            self.recipient.type,
            self.recipient.name or "",
            self.notify_type,
            self.condition,
        )


@dataclass(frozen=True)
class Escalation:
    id: str
    name: str
    description: str
    owner_team: str | None
    rules: tuple[EscalationRule, ...]  # ordered by delay: OpsGenie may answer in another order
    repeat: dict[str, Any] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class RoutingRule:
    id: str
    name: str
    order: int
    is_default: bool
    criteria_type: str
    notify_type: str  # escalation, schedule, none
    notify_name: str | None
    notify_id: str | None = field(default=None, compare=False)
    time_zone: str | None = None
    time_restriction: str | None = None  # in words: "09:00-17:00 every day"; None: always


@dataclass(frozen=True)
class TimelinePeriod:
    """A turn on call as the vendor's own timeline shows it (the rotations alone)."""

    rotation_id: str
    rotation_name: str
    start: datetime
    end: datetime
    username: str | None


@dataclass(frozen=True)
class Alert:
    """An alert routed to a team, and who acknowledged it."""

    id: str
    created: datetime
    acknowledged_by: str | None  # a username (email), lower-cased


@dataclass(frozen=True)
class Override:
    alias: str
    username: str
    start: datetime
    end: datetime


# --- Slack --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    email: str | None
    deleted: bool
    is_bot: bool
    is_guest: bool  # restricted or ultra-restricted

    @property
    def can_join_groups(self) -> bool:
        return not (self.deleted or self.is_bot or self.is_guest)


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    is_private: bool
    is_archived: bool
    bot_is_member: bool
    purpose: str
    topic: str


@dataclass(frozen=True)
class UserGroup:
    id: str
    handle: str
    name: str
    description: str
    enabled: bool
    users: frozenset[str]
    auto_type: str | None = None  # admin/owner groups Slack manages itself


@dataclass(frozen=True)
class Message:
    """A channel message as history answers it (metadata only with include_all_metadata)."""

    ts: str
    user: str
    bot_id: str | None
    text: str
    event_type: str | None = None
    event_payload: dict[str, Any] | None = None


@dataclass(frozen=True)
class SlackIdentity:
    """Who the token is (auth.test), and what it may do."""

    user_id: str
    team_id: str
    bot_id: str | None
    scopes: frozenset[str] | None  # None when Slack did not say
