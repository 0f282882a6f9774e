"""The on-call backend (OpsGenie, JSM Operations): desired objects against live ones, one team at
a time. Prose names the backend by its label (Capabilities.label).

Both sides are normalised before comparing (members as sets, rules ordered by delay, zones
canonical, instants compared as instants); field differences come from deepdiff. Objects without
the ownership marker are never changed: a name clash with one blocks the change instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reconciler import live
from reconciler.backends.base import Capabilities
from reconciler.plan import operations as ops
from reconciler.plan.anchoring import as_rotation, impact, operation_body, target, unchanged
from reconciler.plan.changes import Change, FieldChange, OnCallImpact
from reconciler.plan.desired import DesiredSchedule, DesiredTeam
from reconciler.plan.objects import Target, diff_object
from reconciler.plan.observe import LiveState
from reconciler.policy.names import is_owned

VENDOR = "opsgenie"


def _members(members: frozenset[live.TeamMember], roles: bool = True) -> set[str]:
    return {f"{m.username} ({m.role})" if roles else m.username for m in members}


def _rules(rules: tuple[live.EscalationRule, ...]) -> list[str]:
    return [
        f"at {r.delay_minutes}m {r.condition} notify {r.notify_type} "
        f"{r.recipient.type} {r.recipient.name}"
        for r in sorted(rules, key=live.EscalationRule.sort_key)
    ]


def _unmanaged(team: DesiredTeam, kind: str, name: str) -> frozenset[str]:
    return team.unmanaged_fields.get(f"{kind}:{name}", frozenset())


def diff_team(
    team: DesiredTeam, state: LiveState, now: datetime, capabilities: Capabilities | None = None
) -> tuple[list[Change], list[OnCallImpact]]:
    """`capabilities`: the backend's; without them, OpsGenie's wording and member roles."""
    if capabilities is None:
        return _diff_team(team, state, now, True, "OpsGenie")
    return _diff_team(team, state, now, capabilities.member_roles, capabilities.label)


def _diff_team(
    team: DesiredTeam, state: LiveState, now: datetime, roles: bool, label: str
) -> tuple[list[Change], list[OnCallImpact]]:
    changes: list[Change] = []
    impacts: list[OnCallImpact] = []
    live_team = state.teams.get(team.name.lower())
    members = [[m.username, m.role] for m in sorted(team.members, key=lambda m: m.username)]
    target = Target(VENDOR, "team", team.name, team.name)

    def create() -> Change:
        return target.change(
            "create",
            f"declared, not in {label}",
            fields=(
                FieldChange("description", None, team.description),
                FieldChange("members", None, sorted(_members(team.members, roles))),
            ),
            notes=(
                f"{label} also creates {team.name}_schedule, {team.name}_escalation and a "
                "default routing rule with every new team; reconcile leaves them alone",
            ),
            operation=ops.CreateTeam(name=team.name, description=team.description, members=members),
        )

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert live_team is not None
        changed = {f.field for f in fields}
        op = ops.UpdateTeam(
            team=team.name,
            team_id=live_team.id,
            description=team.description if "description" in changed else None,
            members=members if "members" in changed else None,
        )
        admin = any(role == "admin" for _, role in members)
        blocked = "the team would be left without an admin" if op.members and not admin else None
        return target.change(
            "update",
            "differs from the policy",
            fields,
            blocked=blocked,
            operation=op,
        )

    change = diff_object(
        target,
        exists=live_team is not None,
        owned=live_team is not None and is_owned(live_team.description),
        adopt=team.policy.management.adopt,
        before=lambda: {
            "description": live_team.description if live_team else "",
            "members": _members(live_team.members, roles) if live_team else set(),
        },
        after={"description": team.description, "members": _members(team.members, roles)},
        skip=_unmanaged(team, "team", team.name),
        create=create,
        update=update,
    )
    if change.blocked and change.action == "create" and live_team is not None:
        return [change], []  # a team we do not own: nothing below it is ours either
    changes.append(change)
    for schedule in team.schedules:
        schedule_changes, schedule_impacts = _diff_schedule(team, schedule, state, now, label)
        changes += schedule_changes
        impacts += schedule_impacts
    changes += _diff_escalation(team, state, label)
    changes += _diff_routing(team, state, label)
    changes += _undeclared(team, state)
    return changes, impacts


def _diff_schedule(
    team: DesiredTeam, want: DesiredSchedule, state: LiveState, now: datetime, label: str
) -> tuple[list[Change], list[OnCallImpact]]:
    have = state.schedules.get(want.name.lower())
    subject = Target(VENDOR, "schedule", want.name, team.name)
    rotation = want.rotation
    if have is None:
        sent = target(rotation, None, now)
        return [
            subject.change(
                "create",
                f"declared, not in {label}",
                fields=(FieldChange("time_zone", None, want.time_zone),),
                operation=ops.CreateSchedule(
                    name=want.name,
                    team=team.name,
                    description=want.description,
                    time_zone=want.time_zone,
                ),
            ),
            Target(VENDOR, "rotation", f"{want.name}/{rotation.name}", team.name).change(
                "create",
                f"declared, not in {label}",
                fields=(
                    FieldChange("participants", None, list(sent.participants)),
                    FieldChange("shift", None, f"{rotation.length} {rotation.type}"),
                    FieldChange("start", None, sent.anchor.isoformat()),
                ),
                operation=ops.CreateRotation(
                    schedule=want.name, rotation=operation_body(rotation, sent)
                ),
            ),
        ], [impact(team.name, rotation, None, sent, now)]

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert have is not None
        changed = {f.field: f.after for f in fields}
        return subject.change(
            "update",
            "differs from the policy",
            fields,
            operation=ops.UpdateSchedule(
                name=want.name,
                schedule_id=have.id,
                description=changed.get("description"),
                time_zone=changed.get("time_zone"),
                enabled=changed.get("enabled"),
                team=team.name if "owner_team" in changed else None,
            ),
        )

    schedule_change = diff_object(
        subject,
        exists=True,  # a missing schedule was handled above, with its rotation
        owned=is_owned(have.description),
        adopt=team.policy.management.adopt,
        before=lambda: {
            "description": have.description,
            "time_zone": have.time_zone,
            "enabled": have.enabled,
            "owner_team": have.owner_team,
        },
        after={
            "description": want.description,
            "time_zone": want.time_zone,
            "enabled": True,
            "owner_team": team.name,
        },
        skip=_unmanaged(team, "schedule", want.name),
        create=lambda: subject.clash(),
        update=update,
    )
    if schedule_change.blocked:
        return [schedule_change], []  # a schedule we do not own: its rotations are not ours
    changes = [schedule_change]
    ours = [r for r in have.rotations if r.name == rotation.name]
    # A second rotation of ours is what an interrupted replace leaves (the new one is made
    # first): keep the one without the restriction or end date that caused the replace.
    ours.sort(key=lambda r: (bool(r.time_restriction) or r.end is not None, r.start))
    rotation_changes, impacts = _diff_rotation(
        team, want, have, ours[0] if ours else None, now, label
    )
    changes += rotation_changes
    changes += [
        Target(
            VENDOR, "rotation", f"{want.name}/{rotation.name} (a second copy)", team.name
        ).change(
            "delete",
            "a second rotation of this name, left by an interrupted replace",
            operation=ops.DeleteRotation(
                schedule=want.name, schedule_id=have.id, rotation_id=extra.id
            ),
        )
        for extra in ours[1:]
    ]
    for other in have.rotations:
        if other.name != rotation.name:
            changes.append(
                _stray(
                    team,
                    "rotation",
                    f"{want.name}/{other.name or other.id}",
                    ops.DeleteRotation(
                        schedule=want.name, schedule_id=have.id, rotation_id=other.id
                    ),
                )
            )
    return changes, impacts


def _diff_rotation(
    team: DesiredTeam,
    want: DesiredSchedule,
    have: live.Schedule,
    rotation: live.ScheduleRotation | None,
    now: datetime,
    label: str,
) -> tuple[list[Change], list[OnCallImpact]]:
    desired = want.rotation
    name = f"{want.name}/{desired.name}"
    subject = Target(VENDOR, "rotation", name, team.name)
    current = as_rotation(rotation, have.time_zone) if rotation else None
    sent = target(desired, current, now)
    body = operation_body(desired, sent)
    if rotation is None:
        return [
            subject.change(
                "create",
                f"declared, not in {label}",
                fields=(FieldChange("participants", None, list(sent.participants)),),
                operation=ops.CreateRotation(
                    schedule=want.name, schedule_id=have.id, rotation=body
                ),
            )
        ], [impact(team.name, desired, None, sent, now)]
    if "participants" in _unmanaged(team, "rotation", name) or unchanged(
        current, rotation, desired, sent, now
    ):
        return [subject.no_op()], []
    before_people = [p.name or "(nobody)" for p in rotation.participants]
    fields = [
        FieldChange("participants", before_people, list(sent.participants)),
        FieldChange("start", rotation.start.isoformat(), sent.anchor.isoformat()),
    ]
    if (rotation.type, rotation.length) != (desired.type, desired.length):
        fields.append(
            FieldChange(
                "shift", f"{rotation.length} {rotation.type}", f"{desired.length} {desired.type}"
            )
        )
    if rotation.time_restriction:
        fields.append(FieldChange("time_restriction", rotation.time_restriction, None))
    if rotation.end is not None:
        fields.append(FieldChange("end", rotation.end.isoformat(), None))
    # A PATCH may change the type (UpdateScheduleRotationPayload has `type`), but whether it can
    # clear a time restriction or an end date is not documented [unverified]: replace then.
    replace = bool(rotation.time_restriction) or rotation.end is not None
    the_impact = impact(team.name, desired, current, sent, now)
    note = (
        "re-anchored at the current shift so who is on call now does not change"
        if the_impact.now_unchanged
        else f"{the_impact.now_before} is no longer rostered: {the_impact.now_after} takes over now"
    )
    return [
        subject.change(
            "replace" if replace else "update",
            f"the policy has no time restriction or end date, and {label} cannot clear those in "
            "place: the rotation is replaced, the new one created before the old one is deleted"
            if replace
            else "participants, order or timing differ from the policy",
            tuple(fields),
            notes=(note,),
            operation=(ops.ReplaceRotation if replace else ops.UpdateRotation)(
                schedule=want.name, schedule_id=have.id, rotation_id=rotation.id, rotation=body
            ),
        )
    ], [the_impact]


def _diff_escalation(team: DesiredTeam, state: LiveState, label: str) -> list[Change]:
    name = team.escalation_name
    have = state.escalations.get(name.lower())
    subject = Target(VENDOR, "escalation", name, team.name)
    rules = [_rule_op(r) for r in team.escalation_rules]

    def create() -> Change:
        return subject.change(
            "create",
            f"declared, not in {label}",
            fields=(FieldChange("rules", None, _rules(team.escalation_rules)),),
            operation=ops.CreateEscalation(
                name=name, team=team.name, description=team.escalation_description, rules=rules
            ),
        )

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert have is not None
        changed = {f.field for f in fields}
        return subject.change(
            "update",
            "differs from the policy",
            fields,
            notes=(
                "delays count from when the alert is created: "
                + ", ".join(
                    f"{r.recipient.name} at {r.delay_minutes}m" for r in team.escalation_rules
                ),
            ),
            operation=ops.UpdateEscalation(
                name=name,
                escalation_id=have.id,
                description=team.escalation_description if "description" in changed else None,
                rules=rules if "rules" in changed else None,
                team=team.name if "owner_team" in changed else None,
            ),
        )

    return [
        diff_object(
            subject,
            exists=have is not None,
            owned=have is not None and is_owned(have.description),
            adopt=team.policy.management.adopt,
            before=lambda: {
                "description": have.description if have else "",
                "rules": _rules(have.rules) if have else [],
                "owner_team": have.owner_team if have else None,
            },
            after={
                "description": team.escalation_description,
                "rules": _rules(team.escalation_rules),
                "owner_team": team.name,
            },
            skip=_unmanaged(team, "escalation", name),
            create=create,
            update=update,
        )
    ]


def _rule_op(rule: live.EscalationRule) -> dict[str, Any]:
    return {
        "delay": rule.delay_minutes,
        "condition": rule.condition,
        "notify_type": rule.notify_type,
        "recipient_type": rule.recipient.type,
        "recipient": rule.recipient.name,
    }


def _diff_routing(team: DesiredTeam, state: LiveState, label: str) -> list[Change]:
    want = team.routing_rule
    rules = state.routing_rules.get(team.name.lower(), [])
    ours = [r for r in rules if r.name == want.name]
    # A second rule of ours is what an interrupted replace leaves: keep the unrestricted one.
    ours.sort(key=lambda r: (r.time_restriction is not None, r.order))
    have = ours[0] if ours else None
    return _diff_one_routing(team, want, have, label) + [
        Target(VENDOR, "routing_rule", f"{want.name} (a second copy)", team.name).change(
            "delete",
            "a second rule of this name, left by an interrupted replace",
            operation=ops.DeleteRoutingRule(team=team.name, rule_id=extra.id),
        )
        for extra in ours[1:]
    ]


def _diff_one_routing(
    team: DesiredTeam, want: live.RoutingRule, have: live.RoutingRule | None, label: str
) -> list[Change]:
    subject = Target(VENDOR, "routing_rule", want.name, team.name)
    op_rule = {
        "name": want.name,
        "notify_type": want.notify_type,
        "notify_name": want.notify_name,
        "time_zone": want.time_zone,
    }

    def create() -> Change:
        return subject.change(
            "create",
            f"declared, not in {label}",
            fields=(FieldChange("notify", None, f"escalation {want.notify_name}"),),
            notes=(f"placed first, before {label}'s default rule",),
            operation=ops.CreateRoutingRule(team=team.name, rule=op_rule),
        )

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert have is not None
        names = {f.field for f in fields}
        if "time_restriction" in names:
            # Whether a PATCH can clear a restriction is not documented [unverified]: replace
            # the rule, the new one first and the old one after, so alerts stay routed.
            return subject.change(
                "replace",
                f"a time restriction ({have.time_restriction}) was added by hand: outside it, "
                f"alerts fall through to the next rule; {label} cannot clear it in place",
                fields,
                notes=("the new rule is created first, then the old one deleted",),
                operation=ops.ReplaceRoutingRule(team=team.name, rule_id=have.id, rule=op_rule),
            )
        reason = (
            f"another rule was moved above it (it is at position {have.order}); earlier rules "
            "match first"
            if names == {"order"}
            else "differs from the policy"
        )
        return subject.change(
            "update",
            reason,
            fields,
            operation=ops.UpdateRoutingRule(
                team=team.name,
                rule_id=have.id,
                rule=op_rule if names - {"order"} else None,
                order=0 if "order" in names else None,
            ),
        )

    return [
        diff_object(
            subject,
            exists=have is not None,
            # Routing rules carry no description, hence no marker: ours by its name.
            before=lambda: {
                "criteria": have.criteria_type if have else None,
                "notify": f"{have.notify_type} {have.notify_name}" if have else None,
                "time_zone": have.time_zone if have else None,
                "time_restriction": have.time_restriction if have else None,
                "order": have.order if have else None,
            },
            after={
                "criteria": want.criteria_type,
                "notify": f"{want.notify_type} {want.notify_name}",
                "time_zone": want.time_zone,
                "time_restriction": None,  # ours routes every alert, at every hour
                "order": 0,  # first: rules are tried top-down and only the first match applies
            },
            # OpsGenie's default rule stays last and takes no time zone (403 and 422 from
            # OpsGenie; provider issues #344 and #264): a policy reusing it leaves both alone.
            skip=_unmanaged(team, "routing_rule", want.name)
            | (frozenset({"order", "time_zone"}) if have and have.is_default else frozenset()),
            create=create,
            update=update,
        )
    ]


def _stray(team: DesiredTeam, kind: str, name: str, delete: ops.Operation) -> Change:
    subject = Target(VENDOR, kind, name, team.name)
    """An owned object the policy no longer declares."""
    if team.policy.management.delete_undeclared:
        return subject.change(
            "delete",
            "owned by reconcile and no longer declared",
            operation=delete,
        )
    return subject.change(
        "no-op",
        "no longer declared; kept because management.delete_undeclared is off",
    )


def _undeclared(team: DesiredTeam, state: LiveState) -> list[Change]:
    wanted_schedules = {s.name.lower() for s in team.schedules}
    changes = []
    for key, schedule in sorted(state.schedules.items()):
        if (
            schedule.owner_team == team.name
            and is_owned(schedule.description)
            and key not in wanted_schedules
        ):
            changes.append(
                _stray(
                    team,
                    "schedule",
                    schedule.name,
                    ops.DeleteSchedule(name=schedule.name, schedule_id=schedule.id),
                )
            )
    for key, esc in sorted(state.escalations.items()):
        if (
            esc.owner_team == team.name
            and is_owned(esc.description)
            and key != team.escalation_name.lower()
        ):
            changes.append(
                _stray(
                    team,
                    "escalation",
                    esc.name,
                    ops.DeleteEscalation(name=esc.name, escalation_id=esc.id),
                )
            )
    return changes
