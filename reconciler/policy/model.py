"""The policy model: one file per team, everything the handbook describes.

The model is structural only (types, required keys, enums), so that it and the generated JSON
Schema accept exactly the same documents. Rules that need more than one field, or the world
(time zones, other files), live in `checks.py` and carry their own messages.

Unset optional fields mean "not managed"; an empty list means "manage as empty".
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from reconciler.policy.cover_model import Cover
from reconciler.policy.model_base import Strict
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


class Member(Strict):
    """A person on the team, by the email OpsGenie knows them by."""

    email: Email = Field(
        description="Their OpsGenie username (and, unless overridden, their Slack email).",
        examples=["alex.rivera@example.com"],
    )
    role: Literal["member", "admin"] = Field(
        default="member",
        description="admin may change the team in OpsGenie; a team needs at least one.",
        examples=["admin"],
    )


class Team(Strict):
    """The OpsGenie team: its name, what it does, and who is in it."""

    name: TeamName = Field(description="The OpsGenie team name.", examples=["Delivery"])
    description: str | None = Field(
        default=None,
        max_length=200,
        description="Shown in OpsGenie; reconcile adds its ownership marker.",
        examples=["Customer deployments and support."],
    )
    members: list[Member] = Field(
        min_length=1,
        description="Everyone on the team; rotation participants must be members.",
        examples=[[{"email": "alex.rivera@example.com", "role": "admin"}]],
    )


class Handoff(Strict):
    """When one shift ends and the next begins, in local time of `time_zone`."""

    weekday: Weekday | None = Field(
        default=None,
        description="The day shifts start: required for shifts counted in weeks.",
        examples=["monday"],
    )
    time: TimeOfDay = Field(
        description="24-hour local time, on :00 or :30 (OpsGenie rounds to those).",
        examples=["10:00"],
    )
    time_zone: TimeZoneName = Field(
        description="An IANA zone; handoffs keep this local time across daylight saving.",
        examples=["America/Chicago"],
    )


class Rotation(Strict):
    """Who takes turns on call, for how long, and when the turns change."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"shift_length": {"pattern": "w$"}}, "required": ["shift_length"]},
            "then": {"properties": {"handoff": {"required": ["weekday"]}}},
        }
    )

    participants: list[Email] = Field(
        min_length=1,
        description="In rotation order.",
        examples=[["alex.rivera@example.com", "blair.chen@example.com"]],
    )
    shift_length: DurationText = Field(
        description="A whole number and a unit: h (hours), d (days) or w (weeks); a shift "
        "counted in weeks needs handoff.weekday.",
        examples=["1w"],
    )
    handoff: Handoff
    first_handoff: CalendarDate = Field(
        description="The date the first participant's first shift starts; anchors the rotation.",
        examples=["2026-01-05"],
    )

    @model_validator(mode="after")
    def _weeks_need_a_weekday(self) -> Rotation:
        if self.shift_length.text.endswith("w") and self.handoff.weekday is None:
            raise PydanticCustomError(
                "weekday_needed",
                "shifts of {length} need handoff.weekday, the day they start",
                {"length": self.shift_length.text},
            )
        return self


class TechnicalManager(Strict):
    """The final escalation: one person, or a rotation of their own (exactly one of the two)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["person"]}, {"required": ["rotation"]}]}
    )

    person: Email | None = Field(
        default=None,
        description="One person, always the final escalation.",
        examples=["taylor.manager@example.com"],
    )
    rotation: Rotation | None = Field(
        default=None, description="Managers taking turns, with their own handoffs."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> TechnicalManager:
        if (self.person is None) == (self.rotation is None):
            raise PydanticCustomError(
                "person_or_rotation",
                "technical_manager needs exactly one of 'person' or 'rotation'",
            )
        return self


class OnCall(Strict):
    """The engineer on call (EOC) and the technical manager (TM) behind them."""

    engineer: Rotation = Field(description="The engineer-on-call rotation.")
    technical_manager: TechnicalManager
    backend: Literal["opsgenie", "jsm"] | None = Field(
        default=None,
        description="Where the rotation lives: opsgenie, or jsm (Jira Service Management "
        "Operations, OpsGenie's successor). Default: RECONCILE_ONCALL_BACKEND, else opsgenie. "
        "The same policy gives the same people on call at the same instants on either.",
        examples=["jsm"],
    )


class EscalationStep(Strict):
    """Who is paged, and how long they have to acknowledge before the next step."""

    page: Literal["engineer_on_call", "technical_manager"] = Field(
        description="Who this step pages: the engineer on call, or the technical manager.",
        examples=["engineer_on_call"],
    )
    acknowledge_within: DurationText = Field(
        description="Minutes, hours...: 10m. OpsGenie counts delays from the alert's creation; "
        "reconcile adds the windows up.",
        examples=["10m"],
    )


class FinalStep(Strict):
    """Who is paged when nobody acknowledged."""

    page: Literal["team_admins", "all_team_members"] = Field(
        description="The team's admins, or everyone on the team.", examples=["team_admins"]
    )


class Escalation(Strict):
    """The paging chain, and the targets it must fit."""

    steps: list[EscalationStep] = Field(
        min_length=1,
        description="Paged in this order.",
        examples=[[{"page": "engineer_on_call", "acknowledge_within": "10m"}]],
    )
    final_step: FinalStep | None = Field(default=None, description="After the last step.")
    initial_response_target: DurationText = Field(
        description="The windows must add up to no more than this.", examples=["20m"]
    )
    support_response_target: DurationText | None = Field(
        default=None, description="A first answer to a support request.", examples=["24h"]
    )


class Channel(Strict):
    """A Slack channel the engineer on call watches."""

    name: SlackChannelName = Field(description="Without the '#'.", examples=["incidents"])
    purpose: str | None = Field(
        default=None,
        description="Kept as the channel's purpose (250 characters at most).",
        examples=["The company-wide feed of incidents."],
    )
    look_for: str | None = Field(
        default=None,
        description="What the on-call looks for here.",
        examples=["Incidents that affect deployments."],
    )
    on_call: Literal["join_and_stay", "join_and_leave", "none"] = Field(
        default="join_and_stay",
        description="join_and_stay: the EOC joins at shift start and stays; "
        "join_and_leave: joins at shift start and leaves at shift end.",
        examples=["join_and_leave"],
    )
    permanent_members: list[Email] = Field(
        default_factory=list,
        description="Never removed at shift end.",
        examples=[["taylor.manager@example.com"]],
    )


class OnCallGroup(Strict):
    """The Slack user group that always holds whoever is on call (a paid Slack plan)."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "properties": {"when_nobody_on_call": {"const": "fallback"}},
                "required": ["when_nobody_on_call"],
            },
            "then": {
                "properties": {"fallback_members": {"minItems": 1}},
                "required": ["fallback_members"],
            },
        }
    )

    handle: SlackHandle = Field(description="Without the '@'.", examples=["delivery-support"])
    name: str = Field(
        min_length=1,
        max_length=255,
        description="The group's display name (unique among user groups).",
        examples=["Delivery Support"],
    )
    description: str | None = Field(
        default=None,
        description="Shown in Slack.",
        examples=["The Delivery team's engineer on call this week."],
    )
    fixed_members: list[Email] = Field(
        default_factory=list,
        description="Always in the group, on call or not.",
        examples=[["taylor.manager@example.com"]],
    )
    when_nobody_on_call: Literal["keep", "disable", "fallback"] = Field(
        default="keep",
        description="keep the last members, disable the group, or fall back to "
        "fallback_members (which must then name someone).",
        examples=["keep"],
    )
    fallback_members: list[Email] = Field(
        default_factory=list,
        description="Who holds the group when nobody is on call.",
        examples=[["taylor.manager@example.com"]],
    )

    @model_validator(mode="after")
    def _fallback_needs_people(self) -> OnCallGroup:
        if self.when_nobody_on_call == "fallback" and not self.fallback_members:
            raise PydanticCustomError(
                "fallback_empty",
                "when_nobody_on_call: fallback needs fallback_members: the people to fall back to",
            )
        return self


class Slack(Strict):
    """The channels, the on-call group and the people's Slack accounts."""

    channels: list[Channel] = Field(
        default_factory=list,
        description="Channels the EOC watches.",
        examples=[[{"name": "incidents", "on_call": "join_and_leave"}]],
    )
    on_call_group: OnCallGroup | None = None
    user_overrides: dict[Email, SlackUserRef] = Field(
        default_factory=dict,
        description="OpsGenie username -> Slack user (id or email) where emails differ.",
        examples=[{"alex.rivera@example.com": "U0123ABCD"}],
    )


class HandoffNotes(Strict):
    """Where the outgoing engineer's hand-off notes live, and where they are announced."""

    url: Url = Field(
        description="The notes the outgoing engineer keeps; linked in every hand-off post.",
        examples=["https://docs.example.com/delivery/handoff"],
    )
    channel: SlackChannelName = Field(
        description="The channel the hand-off post goes to.", examples=["delivery"]
    )
    recovery_day_after: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Alerts in one shift from which the hand-off post suggests the outgoing "
        "engineer take the recovery day the handbook asks for. Left out: no suggestion.",
        examples=[10],
    )


class Thresholds(Strict):
    """Changes beyond these are blocked in the plan; `apply --force` overrides."""

    # A team owns about a dozen objects; shares only mean something for larger ones.
    max_delete_percent: int = Field(
        default=25,
        ge=0,
        le=100,
        examples=[25],
        description="At most this share of the team's objects deleted in one plan.",
    )
    max_update_percent: int = Field(
        default=50,
        ge=0,
        le=100,
        examples=[50],
        description="At most this share of the team's objects updated in one plan.",
    )
    max_deletes: int = Field(
        default=5, ge=0, examples=[5], description="At most this many deletes in one plan."
    )
    max_updates: int = Field(
        default=25, ge=0, examples=[25], description="At most this many updates in one plan."
    )
    percent_applies_from: int = Field(
        default=20,
        ge=0,
        description="Percentages apply once the team owns this many objects.",
        examples=[20],
    )


class ObjectNames(Strict):
    """Names of existing objects the policy takes over, instead of the names reconcile gives
    what it creates (`<team>_eoc_schedule`, ...): OpsGenie's own defaults, or a team's own."""

    engineer_schedule: str | None = Field(
        default=None,
        max_length=100,
        description="The engineer schedule's name, if not `<team>_eoc_schedule`.",
        examples=["Delivery_schedule"],
    )
    engineer_rotation: str | None = Field(
        default=None,
        max_length=100,
        description="The engineer rotation's name, if not `engineer-on-call`.",
        examples=["Rota1"],
    )
    manager_schedule: str | None = Field(
        default=None,
        max_length=100,
        description="The manager schedule's name, if not `<team>_tm_schedule`.",
        examples=["Managers"],
    )
    manager_rotation: str | None = Field(
        default=None,
        max_length=100,
        description="The manager rotation's name, if not `technical-manager`.",
        examples=["Rota1"],
    )
    escalation: str | None = Field(
        default=None,
        max_length=100,
        description="The escalation's name, if not `<team>_oncall_escalation`.",
        examples=["Delivery_escalation"],
    )
    routing_rule: str | None = Field(
        default=None,
        max_length=100,
        description="The routing rule's name, if not `<team> on-call`.",
        examples=["Default Routing Rule"],
    )


class Management(Strict):
    """What reconcile may change, delete and take over, and how much at once."""

    delete_undeclared: bool = Field(
        default=False, description="Delete owned objects no longer declared.", examples=[False]
    )
    adopt: bool = Field(
        default=False,
        description="Take over the declared objects that exist without reconcile's ownership "
        "marker: the plan shows an adopt action for each, which adds the marker.",
        examples=[True],
    )
    names: ObjectNames = Field(default_factory=ObjectNames)
    protected: list[ObjectRef] = Field(
        default_factory=list,
        description="Never changed or deleted.",
        examples=[["slack_channel:incidents"]],
    )
    unmanaged_fields: dict[ObjectRef, list[str]] = Field(
        default_factory=dict,
        description="Fields of objects left as they are.",
        examples=[{"slack_channel:incidents": ["purpose"]}],
    )
    thresholds: Thresholds = Field(default_factory=Thresholds)


class Policy(Strict):
    """One team's support rotation."""

    model_config = ConfigDict(title="reconcile policy")

    team: Team
    on_call: OnCall
    escalation: Escalation
    slack: Slack | None = Field(default=None, description="Left out: reconcile leaves Slack alone.")
    handoff_notes: HandoffNotes | None = Field(
        default=None, description="Each handoff is posted here, once."
    )
    management: Management = Field(default_factory=Management)
    cover: Cover | None = Field(
        default=None,
        description="Time off with who covers, and swaps: owned overrides, reviewed here.",
    )
