"""What a policy asks for, as the objects reconcile manages in OpsGenie and Slack.

Names follow reconciler.policy.names; descriptions carry the ownership marker. Escalation delays
are offsets from alert creation (reconciler.timing.escalation). Rotations carry the policy's own
anchor; `anchoring.py` decides the anchor actually sent, so that who is on call now stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reconciler import live
from reconciler.policy.model import Policy
from reconciler.policy.model import Rotation as RotationSpec
from reconciler.policy.names import Names, owned_description
from reconciler.timing.escalation import timed_steps
from reconciler.timing.oncall import rotation_of
from reconciler.timing.rotation import Rotation

ROLE = {"admin": "admin", "member": "user"}
ROTATION_TYPE = {"w": "weekly", "d": "daily", "h": "hourly"}
NOTIFY_FINAL = {"team_admins": "admins", "all_team_members": "all"}


@dataclass(frozen=True)
class DesiredRotation:
    schedule: str
    name: str
    type: str
    length: int
    rotation: Rotation  # participants, shift, policy anchor, zone


@dataclass(frozen=True)
class DesiredSchedule:
    name: str
    description: str
    time_zone: str
    rotation: DesiredRotation


@dataclass(frozen=True)
class DesiredChannel:
    name: str
    purpose: str | None  # None: not managed
    on_call: str


@dataclass(frozen=True)
class DesiredGroup:
    handle: str
    name: str
    description: str | None


@dataclass(frozen=True)
class DesiredTeam:
    """Everything one policy file asks for."""

    policy: Policy
    file: str
    name: str
    description: str
    members: frozenset[live.TeamMember]
    schedules: tuple[DesiredSchedule, ...]
    escalation_name: str
    escalation_description: str
    escalation_rules: tuple[live.EscalationRule, ...]
    routing_rule: live.RoutingRule
    channels: tuple[DesiredChannel, ...] = ()
    group: DesiredGroup | None = None
    unmanaged_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    protected: frozenset[str] = frozenset()


def _rotation(schedule: str, name: str, spec: RotationSpec) -> DesiredRotation:
    count, unit = spec.shift_length.split()
    return DesiredRotation(schedule, name, ROTATION_TYPE[unit], count, rotation_of(spec))


def desired_team(policy: Policy, file: str = "") -> DesiredTeam:
    names = Names(policy.team.name, policy.management.names.model_dump())
    zone = policy.on_call.engineer.handoff.time_zone
    eoc = DesiredSchedule(
        names.eoc_schedule,
        owned_description(f"Engineer on call for {policy.team.name}"),
        zone,
        _rotation(names.eoc_schedule, names.eoc_rotation, policy.on_call.engineer),
    )
    schedules = [eoc]
    tm = policy.on_call.technical_manager
    if tm.rotation is not None:
        schedules.append(
            DesiredSchedule(
                names.tm_schedule,
                owned_description(f"Technical manager for {policy.team.name}"),
                tm.rotation.handoff.time_zone,
                _rotation(names.tm_schedule, names.tm_rotation, tm.rotation),
            )
        )
    rules = []
    for step in timed_steps(policy.escalation):
        if step.page == "engineer_on_call":
            recipient, notify = live.Recipient("schedule", names.eoc_schedule), "default"
        elif step.page == "technical_manager":
            if tm.person is not None:
                recipient, notify = live.Recipient("user", tm.person), "default"
            else:
                recipient, notify = live.Recipient("schedule", names.tm_schedule), "default"
        else:
            recipient, notify = live.Recipient("team", policy.team.name), NOTIFY_FINAL[step.page]
        rules.append(live.EscalationRule(step.delay.minutes, "if-not-acked", notify, recipient))
    slack = policy.slack
    group = None
    if slack and slack.on_call_group:
        g = slack.on_call_group
        group = DesiredGroup(g.handle, g.name, g.description)
    return DesiredTeam(
        policy=policy,
        file=file,
        name=policy.team.name,
        description=owned_description(policy.team.description),
        members=frozenset(live.TeamMember(m.email, ROLE[m.role]) for m in policy.team.members),
        schedules=tuple(schedules),
        escalation_name=names.escalation,
        escalation_description=owned_description(
            f"Page the engineer on call, then the technical manager ({policy.team.name})"
        ),
        escalation_rules=tuple(sorted(rules, key=live.EscalationRule.sort_key)),
        routing_rule=live.RoutingRule(
            id="",
            name=names.routing_rule,
            order=0,
            is_default=False,
            criteria_type="match-all",
            notify_type="escalation",
            notify_name=names.escalation,
            time_zone=zone,
        ),
        channels=tuple(
            DesiredChannel(c.name, c.purpose, c.on_call) for c in (slack.channels if slack else [])
        ),
        group=group,
        unmanaged_fields={
            ref: frozenset(fields) for ref, fields in policy.management.unmanaged_fields.items()
        },
        protected=frozenset(policy.management.protected),
    )
