"""The policy model: one file per team, everything the handbook describes.

The model is structural only (types, required keys, enums), so that it and the generated JSON
Schema accept exactly the same documents. Rules that need more than one field, or the world
(time zones, other files), live in `checks.py` and carry their own messages.

Unset optional fields mean "not managed"; an empty list means "manage as empty".
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.policy.types import (
    CalendarDate,
    DurationText,
    Email,
    ObjectRef,
    SlackChannelName,
    SlackHandle,
    SlackUserRef,
    TeamName,
    TimeOfDay,
    TimeZoneName,
    Url,
)

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = Weekday.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    """Unknown keys are errors, and nothing is coerced: `10` is not the string `"10"`."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Member(Strict):
    email: Email
    role: Literal["member", "admin"] = "member"


class Team(Strict):
    name: TeamName = Field(description="The OpsGenie team name.")
    description: str | None = Field(default=None, max_length=200)
    members: list[Member] = Field(min_length=1)


class Handoff(Strict):
    """When one shift ends and the next begins, in local time of `time_zone`."""

    weekday: Weekday | None = Field(
        default=None, description="Required for shifts counted in weeks."
    )
    time: TimeOfDay
    time_zone: TimeZoneName


class Rotation(Strict):
    participants: list[Email] = Field(min_length=1, description="In rotation order.")
    shift_length: DurationText = Field(description="1w, 3d, 12h: hours, days or weeks.")
    handoff: Handoff
    first_handoff: CalendarDate = Field(
        description="The date the first participant's first shift starts; anchors the rotation."
    )


class TechnicalManager(Strict):
    """The final escalation: one person, or a rotation of their own (exactly one of the two)."""

    person: Email | None = None
    rotation: Rotation | None = None


class OnCall(Strict):
    engineer: Rotation
    technical_manager: TechnicalManager


class EscalationStep(Strict):
    page: Literal["engineer_on_call", "technical_manager"]
    acknowledge_within: DurationText


class FinalStep(Strict):
    page: Literal["team_admins", "all_team_members"]


class Escalation(Strict):
    steps: list[EscalationStep] = Field(min_length=1, description="Paged in this order.")
    final_step: FinalStep | None = None
    initial_response_target: DurationText
    support_response_target: DurationText | None = None


class Channel(Strict):
    name: SlackChannelName
    purpose: str | None = None
    look_for: str | None = Field(default=None, description="What the on-call looks for here.")
    on_call: Literal["join_and_stay", "join_and_leave", "none"] = Field(
        default="join_and_stay",
        description="join_and_stay: the EOC joins at shift start and stays; "
        "join_and_leave: joins at shift start and leaves at shift end.",
    )
    permanent_members: list[Email] = Field(
        default_factory=list, description="Never removed at shift end."
    )


class OnCallGroup(Strict):
    handle: SlackHandle
    name: str = Field(min_length=1, max_length=255)
    description: str | None = None
    fixed_members: list[Email] = Field(default_factory=list)
    when_nobody_on_call: Literal["keep", "disable", "fallback"] = "keep"
    fallback_members: list[Email] = Field(default_factory=list)


class Slack(Strict):
    channels: list[Channel] = Field(default_factory=list)
    on_call_group: OnCallGroup | None = None
    user_overrides: dict[Email, SlackUserRef] = Field(
        default_factory=dict,
        description="OpsGenie username -> Slack user (id or email) where emails differ.",
    )


class HandoffNotes(Strict):
    url: Url
    channel: SlackChannelName


class Thresholds(Strict):
    """Changes beyond these are blocked in the plan; `apply --force` overrides."""

    # A team owns about a dozen objects; shares only mean something for larger ones.
    max_delete_percent: int = Field(default=25, ge=0, le=100)
    max_update_percent: int = Field(default=50, ge=0, le=100)
    max_deletes: int = Field(default=5, ge=0)
    max_updates: int = Field(default=25, ge=0)
    percent_applies_from: int = Field(
        default=20, ge=0, description="Percentages apply once the team owns this many objects."
    )


class ObjectNames(Strict):
    """Names of existing objects the policy takes over, instead of the names reconcile gives
    what it creates (`<team>_eoc_schedule`, ...): OpsGenie's own defaults, or a team's own."""

    engineer_schedule: str | None = Field(default=None, max_length=100)
    engineer_rotation: str | None = Field(default=None, max_length=100)
    manager_schedule: str | None = Field(default=None, max_length=100)
    manager_rotation: str | None = Field(default=None, max_length=100)
    escalation: str | None = Field(default=None, max_length=100)
    routing_rule: str | None = Field(default=None, max_length=100)


class Management(Strict):
    delete_undeclared: bool = Field(
        default=False, description="Delete owned objects no longer declared."
    )
    adopt: bool = Field(
        default=False,
        description="Take over the declared objects that exist without reconcile's ownership "
        "marker: the plan shows an adopt action for each, which adds the marker.",
    )
    names: ObjectNames = Field(default_factory=ObjectNames)
    protected: list[ObjectRef] = Field(default_factory=list)
    unmanaged_fields: dict[ObjectRef, list[str]] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)


class Policy(Strict):
    """One team's support rotation."""

    model_config = ConfigDict(title="reconcile policy")

    team: Team
    on_call: OnCall
    escalation: Escalation
    slack: Slack | None = None
    handoff_notes: HandoffNotes | None = None
    management: Management = Field(default_factory=Management)
