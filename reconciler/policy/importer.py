"""Writing a policy from what OpsGenie and Slack hold now, so a team adopts reconcile without
retyping its rotation. The result validates, and a plan of it against the same live state is
empty (what OpsGenie does not record, such as the manager's own acknowledgement window, gets a
stated default and a comment saying so)."""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import dataclass, field

from reconciler import live
from reconciler.errors import ReconcileError
from reconciler.policy.model import WEEKDAYS
from reconciler.policy.names import OWNERSHIP_MARKER, Names

UNITS = {"hourly": "h", "daily": "d", "weekly": "w"}
DEFAULT_TM_WINDOW = 5  # minutes: the handbook's, when OpsGenie has no later step to tell


@dataclass
class Imported:
    team: live.Team
    schedule: live.Schedule
    rotation: live.ScheduleRotation
    escalation: live.Escalation | None
    channels: list[live.Channel] = field(default_factory=list)
    group: live.UserGroup | None = None
    notes_url: str | None = None
    notes_channel: str | None = None
    routing_rules: list[live.RoutingRule] = field(default_factory=list)
    backend: str = "opsgenie"  # as on_call.backend names it
    label: str = "OpsGenie"


def pick(
    team: live.Team, schedules: list[live.Schedule], escalations: list[live.Escalation]
) -> tuple[live.Schedule, live.ScheduleRotation, live.Escalation | None]:
    names = Names(team.name)
    owned = [s for s in schedules if s.owner_team == team.name and s.rotations]
    schedule = next((s for s in owned if s.name == names.eoc_schedule), None) or (
        owned[0] if owned else None
    )
    if schedule is None:
        raise ReconcileError(f"team {team.name!r} has no schedule with a rotation to import")
    rotation = next(
        (r for r in schedule.rotations if r.name == names.eoc_rotation), schedule.rotations[0]
    )
    team_escalations = [e for e in escalations if e.owner_team == team.name]
    escalation = next((e for e in team_escalations if e.name == names.escalation), None) or next(
        (e for e in team_escalations if any(r.recipient.name == schedule.name for r in e.rules)),
        None,
    )
    return schedule, rotation, escalation


def _q(text: str) -> str:
    """A YAML scalar that stays a string (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def render_policy(src: Imported, now_note: str) -> str:
    team, schedule, rotation = src.team, src.schedule, src.rotation
    zone = schedule.time_zone or "UTC"
    local = rotation.start.astimezone(_zone(zone))
    lines = [
        "# yaml-language-server: $schema=../schemas/policy.schema.json",
        f"# Imported by `reconcile import --team {team.name}` from {src.label} and Slack "
        f"{now_note}.",
        "# Review it, then commit it: a plan of it shows no changes (for a team reconcile did",
        "# not make, only adopt actions; once they are applied, no changes).",
        "team:",
        f"  name: {_q(team.name)}",
    ]
    description = team.description.replace(OWNERSHIP_MARKER, "").strip()
    if description:
        lines.append(f"  description: {_q(description)}")
    lines.append("  members:")
    members = sorted(team.members, key=lambda m: (m.role != "admin", m.username))
    if members and not any(m.role == "admin" for m in members):
        # JSM's Teams API has members, not roles: an admin is needed, so the first is one.
        first = members[0]
        members[0] = live.TeamMember(first.username, "admin", first.user_id)
        lines.append(f"    # {src.label} does not show roles: check who the admin should be")
    for member in members:
        role = "admin" if member.role == "admin" else "member"
        note = f"  # OpsGenie role {member.role!r}" if member.role not in ("admin", "user") else ""
        lines.append(f"    - email: {member.username}")
        lines.append(f"      role: {role}{note}")
    people = [p.name for p in rotation.participants if p.type == "user" and p.name]
    gaps = len(rotation.participants) - len(people)
    lines += ["", "on_call:"]
    if src.backend != "opsgenie":
        lines.append(f"  backend: {src.backend}")
    lines.append("  engineer:")
    if gaps:
        lines.append(
            f"    # OpsGenie had {gaps} 'none' slot(s) in this rotation; they are left out"
        )
    lines.append("    participants:")
    lines += [f"      - {p}" for p in people]
    lines.append(f"    shift_length: {rotation.length}{UNITS[rotation.type]}")
    lines.append("    handoff:")
    if rotation.type == "weekly":
        lines.append(f"      weekday: {WEEKDAYS[local.weekday()]}")
    lines.append(f'      time: "{local:%H:%M}"')
    lines.append(f"      time_zone: {zone}")
    lines.append(
        f"    first_handoff: {local.date().isoformat()}  # the rotation's start in OpsGenie"
    )
    steps, tm, final, target, notes = _escalation(src, schedule)
    lines.append("  technical_manager:")
    lines.append(f"    person: {tm}" + (f"  # {notes.pop('tm')}" if "tm" in notes else ""))
    lines += ["", "escalation:", "  steps:"]
    for page, window, comment in steps:
        lines.append(f"    - page: {page}")
        lines.append(f"      acknowledge_within: {window}" + (f"  # {comment}" if comment else ""))
    if final:
        lines += ["  final_step:", f"    page: {final}"]
    lines.append(f"  initial_response_target: {target}  # the sum of the windows; set your own")
    if src.channels or src.group:
        lines += ["", "slack:"]
    if src.channels:
        lines.append("  channels:")
        for channel in src.channels:
            lines.append(f"    - name: {channel.name}")
            if channel.purpose:
                lines.append(f"      purpose: {_q(channel.purpose)}")
            lines.append("      on_call: join_and_stay  # or join_and_leave, or none")
    if src.group:
        lines += [
            "  on_call_group:",
            f"    handle: {src.group.handle}",
            f"    name: {_q(src.group.name)}",
        ]
        if src.group.description:
            lines.append(f"    description: {_q(src.group.description)}")
        lines.append("    when_nobody_on_call: keep")
    lines += _management(src)
    if src.notes_url and src.notes_channel:
        lines += [
            "",
            "handoff_notes:",
            f"  url: {src.notes_url}",
            f"  channel: {src.notes_channel}",
        ]
    text = "\n".join(lines) + "\n"
    return text if src.label == "OpsGenie" else text.replace("OpsGenie", src.label)


def _management(src: Imported) -> list[str]:
    """Adoption: a team without reconcile's marker is taken over, under the names it has."""
    if OWNERSHIP_MARKER in src.team.description:
        return []
    ours = Names(src.team.name)
    chosen = {
        "engineer_schedule": (src.schedule.name, ours.eoc_schedule),
        "engineer_rotation": (src.rotation.name, ours.eoc_rotation),
    }
    if src.escalation is not None:
        chosen["escalation"] = (src.escalation.name, ours.escalation)
        routing = next((r for r in src.routing_rules if r.notify_name == src.escalation.name), None)
        if routing is not None:
            chosen["routing_rule"] = (routing.name, ours.routing_rule)
    lines = [
        "",
        "management:",
        "  # The team and its objects carry no reconcile marker yet: the first plan adopts them",
        "  # (an adopt action each, adding the marker); reconcile manages them from then on.",
        "  adopt: true",
    ]
    names = [(key, theirs) for key, (theirs, default) in chosen.items() if theirs != default]
    if names:
        lines.append("  names:  # the names they already have, kept")
        lines += [f"    {key}: {_q(theirs)}" for key, theirs in names]
    return lines


def _escalation(
    src: Imported, schedule: live.Schedule
) -> tuple[list[tuple[str, str, str]], str | None, str | None, str, dict[str, str]]:
    notes: dict[str, str] = {}
    admins = sorted(m.username for m in src.team.members if m.role == "admin")
    rules = list(src.escalation.rules) if src.escalation else []
    eoc = next(
        (r for r in rules if r.recipient.type == "schedule" and r.recipient.name == schedule.name),
        None,
    )
    tm_rule = next(
        (
            r
            for r in rules
            if r.recipient.type == "user" and (eoc is None or r.delay_minutes > eoc.delay_minutes)
        ),
        None,
    )
    final_rule = next((r for r in rules if r.recipient.type == "team"), None)
    if tm_rule is not None:
        tm = tm_rule.recipient.name
    else:
        tm = admins[0] if admins else sorted(m.username for m in src.team.members)[0]
        notes["tm"] = "no manager step in OpsGenie: a team admin, as a guess"
    eoc_window = (tm_rule.delay_minutes if tm_rule else 10) - (eoc.delay_minutes if eoc else 0)
    steps = [
        (
            "engineer_on_call",
            f"{eoc_window}m",
            "" if tm_rule else "OpsGenie had no later step: the handbook's default",
        )
    ]
    final = None
    if tm_rule is None:
        # OpsGenie pages only the engineer: so does the policy, until someone adds a step.
        steps = [("engineer_on_call", f"{eoc_window}m", "OpsGenie pages nobody after this step")]
        return steps, tm, None, f"{eoc_window}m", notes
    if final_rule is not None:
        tm_window = final_rule.delay_minutes - tm_rule.delay_minutes
        final = "team_admins" if final_rule.notify_type == "admins" else "all_team_members"
        steps.append(("technical_manager", f"{tm_window}m", ""))
    else:
        tm_window = DEFAULT_TM_WINDOW
        steps.append(
            (
                "technical_manager",
                f"{tm_window}m",
                "OpsGenie does not record this window: the handbook's default",
            )
        )
    target = f"{eoc_window + tm_window}m"
    return steps, tm, final, target, notes


def _zone(name: str) -> zoneinfo.ZoneInfo:
    from reconciler.timing import timezones

    found = timezones.zone(name) or timezones.zone("UTC")
    assert found is not None
    return found
