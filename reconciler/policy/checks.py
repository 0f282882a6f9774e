"""Meaning checks: what the types cannot say. Each rule has its own message."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from reconciler.policy.cover_checks import check_cover
from reconciler.policy.kinds import MANAGED_FIELDS
from reconciler.policy.loader import Document
from reconciler.policy.model import WEEKDAYS, Policy, Rotation
from reconciler.policy.names import Names
from reconciler.policy.problems import Problem
from reconciler.timing import timezones
from reconciler.timing.escalation import arithmetic, fits_target

SLACK_PURPOSE_LIMIT = 250  # conversations.setPurpose answers too_long beyond this
_ZONE_ALIASES_OPSGENIE_KEEPS = {"UTC"}


class _Checker:
    def __init__(self, doc: Document, policy: Policy) -> None:
        self.doc, self.policy = doc, policy
        self.problems: list[Problem] = []

    def error(self, loc: tuple[Any, ...], message: str, *, of_key: bool = False) -> None:
        line, column = self.doc.position(loc, of_key=of_key)
        self.problems.append(Problem(self.doc.file, line, column, message))

    def warn(self, loc: tuple[Any, ...], message: str) -> None:
        line, column = self.doc.position(loc)
        self.problems.append(Problem(self.doc.file, line, column, message, "warning"))

    def run(self) -> list[Problem]:
        p = self.policy
        self.team()
        self.rotation(("on_call", "engineer"), p.on_call.engineer, "engineer-on-call")
        self.technical_manager()
        self.escalation()
        self.slack()
        self.management()
        check_cover(p, self.error)
        return self.problems

    def team(self) -> None:
        seen: dict[str, int] = {}
        for i, member in enumerate(self.policy.team.members):
            if member.email in seen:
                self.error(
                    ("team", "members", i, "email"),
                    f"team member {member.email} is listed twice "
                    f"(also team.members[{seen[member.email]}])",
                )
            seen.setdefault(member.email, i)
        if not any(m.role == "admin" for m in self.policy.team.members):
            self.error(
                ("team", "members"),
                "the team has no admin: OpsGenie needs at least one member with role: admin",
            )

    def rotation(self, loc: tuple[Any, ...], rotation: Rotation, label: str) -> None:
        members = {m.email for m in self.policy.team.members}
        seen: dict[str, int] = {}
        for i, person in enumerate(rotation.participants):
            if person in seen:
                self.error(
                    (*loc, "participants", i),
                    f"{person} is in the {label} rotation twice "
                    f"(also at position {seen[person] + 1})",
                )
            seen.setdefault(person, i)
            if person not in members:
                self.error(
                    (*loc, "participants", i),
                    f"{person} is in the {label} rotation but not a member of team "
                    f"{self.policy.team.name!r}",
                )
        _count, unit = rotation.shift_length.split()
        if unit == "m":
            self.error(
                (*loc, "shift_length"),
                f"a shift of {rotation.shift_length} cannot be expressed in OpsGenie: "
                "use whole hours, days or weeks",
            )
        handoff = rotation.handoff
        if unit == "w" and handoff.weekday is None:
            self.error(
                (*loc, "handoff"),
                f"shifts of {rotation.shift_length} need handoff.weekday, the day they start",
            )
        if handoff.weekday is not None:
            if unit != "w":
                self.error(
                    (*loc, "handoff", "weekday"),
                    f"handoff.weekday only applies to shifts counted in weeks, "
                    f"not {rotation.shift_length}",
                )
            actual = WEEKDAYS[rotation.first_handoff.weekday()]
            if actual != handoff.weekday:
                self.error(
                    (*loc, "first_handoff"),
                    f"first_handoff {rotation.first_handoff} is a {actual.title()}, but handoffs "
                    f"are on {handoff.weekday.title()}s",
                )
        if handoff.time.minute not in (0, 30):
            self.error(
                (*loc, "handoff", "time"),
                f"handoff time {handoff.time:%H:%M}: OpsGenie rounds handoffs to :00 or :30; "
                "choose one of those",
            )
        self.time_zone((*loc, "handoff", "time_zone"), handoff.time_zone)

    def time_zone(self, loc: tuple[Any, ...], name: str) -> None:
        canonical = timezones.canonical(name)
        if canonical is None:
            hint = timezones.suggest(name)
            suffix = f" (did you mean {hint!r}?)" if hint else ""
            self.error(loc, f"unknown time zone {name!r}{suffix}")
        elif canonical != name and name not in _ZONE_ALIASES_OPSGENIE_KEEPS:
            self.warn(
                loc,
                f"time zone {name!r} is an alias of {canonical!r}, which OpsGenie stores "
                f"instead; write {canonical!r} to avoid a permanent difference",
            )

    def technical_manager(self) -> None:
        tm = self.policy.on_call.technical_manager
        loc = ("on_call", "technical_manager")
        # Exactly one of person and rotation: the model holds that (and so does the schema).
        if tm.person is not None and tm.person not in {m.email for m in self.policy.team.members}:
            self.error(
                (*loc, "person"),
                f"technical manager {tm.person} is not a member of team {self.policy.team.name!r}",
            )
        if tm.rotation is not None:
            self.rotation((*loc, "rotation"), tm.rotation, "technical-manager")
        engineers = set(self.policy.on_call.engineer.participants)
        managers = (
            [tm.person] if tm.person else list(tm.rotation.participants if tm.rotation else [])
        )
        for who in sorted(engineers & {m for m in managers if m}):
            where = (*loc, "person") if tm.person else (*loc, "rotation", "participants")
            self.warn(
                where,
                f"{who} is both the technical manager and in the engineer-on-call rotation: in "
                "their own week the escalation pages them twice, and nobody else",
            )

    def escalation(self) -> None:
        esc = self.policy.escalation
        seen: dict[str, int] = {}
        for i, step in enumerate(esc.steps):
            if step.page in seen:
                self.error(
                    ("escalation", "steps", i, "page"),
                    f"{step.page} is paged twice (also step {seen[step.page] + 1})",
                )
            seen.setdefault(step.page, i)
        if not fits_target(esc):
            self.error(
                ("escalation", "steps"),
                f"the escalation chain misses the initial-response target: {arithmetic(esc)}",
            )

    def slack(self) -> None:
        slack = self.policy.slack
        if slack is None:
            if self.policy.handoff_notes is not None:
                self.warn(
                    ("handoff_notes", "channel"),
                    "hand-off notes name a channel but the policy declares no slack section",
                )
            return
        names: dict[str, int] = {}
        for i, channel in enumerate(slack.channels):
            if channel.name in names:
                self.error(
                    ("slack", "channels", i, "name"),
                    f"channel #{channel.name} is declared twice (also slack.channels"
                    f"[{names[channel.name]}])",
                )
            names.setdefault(channel.name, i)
            if channel.purpose is not None and len(channel.purpose) > SLACK_PURPOSE_LIMIT:
                self.error(
                    ("slack", "channels", i, "purpose"),
                    f"purpose of #{channel.name} is {len(channel.purpose)} characters; "
                    f"Slack allows {SLACK_PURPOSE_LIMIT}",
                )
        # (fallback with nobody to fall back to: the model refuses it, and so does the schema)
        group = slack.on_call_group
        if group is not None and group.handle in names:
            self.error(
                ("slack", "on_call_group", "handle"),
                f"handle @{group.handle} is also a channel name; Slack requires handles to "
                "differ from channel names",
            )
        notes = self.policy.handoff_notes
        if notes is not None and notes.channel not in names:
            self.warn(
                ("handoff_notes", "channel"),
                f"hand-off notes go to #{notes.channel}, which is not among slack.channels",
            )

    def management(self) -> None:
        mgmt = self.policy.management
        for i, ref in enumerate(mgmt.protected):
            self.object_ref(("management", "protected", i), ref)
        for ref, fields in mgmt.unmanaged_fields.items():
            loc = ("management", "unmanaged_fields", ref)
            kind = self.object_ref(loc, ref, of_key=True)
            if kind is None:
                continue
            for j, name in enumerate(fields):
                if name not in MANAGED_FIELDS[kind]:
                    self.error(
                        (*loc, j),
                        f"{kind} has no field {name!r}; fields: {', '.join(MANAGED_FIELDS[kind])}",
                    )

    def object_ref(self, loc: tuple[Any, ...], ref: str, *, of_key: bool = False) -> str | None:
        kind = ref.split(":", 1)[0]
        if kind not in MANAGED_FIELDS:
            self.error(
                loc,
                f"unknown kind {kind!r} in {ref!r}; kinds: {', '.join(MANAGED_FIELDS)}",
                of_key=of_key,
            )
            return None
        return kind


def check_policy(doc: Document, policy: Policy) -> list[Problem]:
    return _Checker(doc, policy).run()


@dataclass(frozen=True)
class _Where:
    """Where a name was declared: all a later file's problem needs of an earlier file."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class Across:
    """Rules that span files (team names, and the OpsGenie names generated from them), checked
    one file at a time: it keeps a few names and places per file, never the documents, so
    `validate` reads any number of files in flat memory."""

    def __init__(self) -> None:
        self.teams: dict[str, _Where] = {}
        self.schedule_or_team: dict[str, tuple[str, str]] = {}  # name -> (kind, file)
        self.escalations: dict[str, str] = {}
        self.handles: dict[str, str] = {}
        self.purposes: dict[str, tuple[str, str]] = {}  # channel -> (purpose, file)

    def add(self, doc: Document, policy: Policy) -> list[Problem]:
        found: list[Problem] = []
        name = policy.team.name
        line, column = doc.position(("team", "name"))
        if name.lower() in self.teams:
            other = self.teams[name.lower()]
            found.append(
                Problem(doc.file, line, column, f"team {name!r} is also declared in {other}")
            )
            return found
        self.teams[name.lower()] = _Where(doc.file, line, column)
        names = Names(name, policy.management.names.model_dump())
        owned = [("team", name), ("schedule", names.eoc_schedule)]
        if policy.on_call.technical_manager.rotation is not None:
            owned.append(("schedule", names.tm_schedule))
        for kind, object_name in owned:
            key = object_name.lower()
            if key in self.schedule_or_team and self.schedule_or_team[key][1] != doc.file:
                other_kind, other_file = self.schedule_or_team[key]
                found.append(
                    Problem(
                        doc.file,
                        line,
                        column,
                        f"{kind} name {object_name!r} collides with the {other_kind} of the same "
                        f"name from {other_file}: OpsGenie keeps schedules and teams in one "
                        "namespace",
                    )
                )
            self.schedule_or_team.setdefault(key, (kind, doc.file))
        if names.escalation.lower() in self.escalations:
            found.append(
                Problem(
                    doc.file,
                    line,
                    column,
                    f"escalation name {names.escalation!r} is also generated for "
                    f"{self.escalations[names.escalation.lower()]}",
                )
            )
        self.escalations.setdefault(names.escalation.lower(), doc.file)
        group = policy.slack.on_call_group if policy.slack else None
        if group is not None:
            if group.handle in self.handles:
                gline, gcol = doc.position(("slack", "on_call_group", "handle"))
                found.append(
                    Problem(
                        doc.file,
                        gline,
                        gcol,
                        f"user group @{group.handle} is also declared in "
                        f"{self.handles[group.handle]}",
                    )
                )
            self.handles.setdefault(group.handle, doc.file)
        for i, channel in enumerate(policy.slack.channels if policy.slack else []):
            if channel.purpose is None:
                continue
            earlier = self.purposes.setdefault(channel.name, (channel.purpose, doc.file))
            if earlier[0] != channel.purpose:
                cline, ccol = doc.position(("slack", "channels", i, "purpose"))
                found.append(
                    Problem(
                        doc.file,
                        cline,
                        ccol,
                        f"#{channel.name} has another purpose in {earlier[1]}: one channel has "
                        "one purpose, so the policies that watch it must agree",
                    )
                )
        return found


def check_across(loaded: list[tuple[Document, Policy]]) -> Iterator[Problem]:
    """Rules that span files: team names, and the OpsGenie names generated from them."""
    across = Across()
    for doc, policy in loaded:
        yield from across.add(doc, policy)
