"""Readiness: can every rotation participant be paged, and reached in Slack?

OpsGenie: the user exists, is not blocked nor muted, has an enabled sms, voice or mobile
contact, and an enabled rule for new alerts with an enabled step whose own contact is one of
those; a rule limited to some hours or some alerts is reported with what it leaves out.
Slack: an account that is not a guest. A problem is an error for whoever is on call now or next
(and for a technical manager named as a person, always on call); a warning for the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reconciler import live
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import LifecycleState, participants
from reconciler.plan.matching import match

PAGING = {"sms", "voice", "mobile"}


@dataclass(frozen=True)
class Readiness:
    team: str
    person: str
    severity: str  # error, warning
    problems: tuple[str, ...]
    on_duty: str  # "on call now", "on call next", "" ...


def check(
    team: DesiredTeam, life: LifecycleState, now: datetime | None = None, label: str = "OpsGenie"
) -> list[Readiness]:
    if not life.pageability:
        return []
    on_call = life.on_call.get(team.name)
    tm = team.policy.on_call.technical_manager
    duty: dict[str, str] = {}
    if on_call:
        for person in on_call.eoc_next:
            duty[person] = "on call next"
        for person in on_call.eoc_now + on_call.tm_now:
            duty[person] = "on call now"
    if tm.person:
        duty[tm.person] = "the final escalation"
    found = []
    for person in participants(team):
        problems = [f"{label}: {p}" for p in _pageable(life, person, now)]
        if team.policy.slack is not None:
            slack = match(team, person, life.slack_by_email, life.slack_by_id)
            if slack.problem:
                problems.append(f"Slack: {slack.problem}")
            elif slack.user is not None and slack.user.is_guest:
                problems.append("Slack: the account is a guest's")
        if problems:
            role = duty.get(person, "")
            found.append(
                Readiness(team.name, person, "error" if role else "warning", tuple(problems), role)
            )
    return found


def _pageable(life: LifecycleState, person: str, now: datetime | None) -> list[str]:
    page = life.pageability.get(person)
    if page is None:
        return []
    if not page.exists:
        return ["no such user"]
    problems = []
    user = page.user
    if user is not None and user.blocked:
        problems.append("the user is blocked or deactivated: nothing is sent")
    if user is not None and not user.responder:
        problems.append("the account has no agent access, which being paged needs")
    if (
        user is not None
        and user.muted_until is not None
        and (now is None or user.muted_until > now)
    ):
        problems.append(f"notifications are muted until {user.muted_until:%Y-%m-%d %H:%M %Z}")
    if page.contacts is None:
        return problems  # another person's contacts cannot be read (the plan says so)
    # A step pages only through its own contact, and only if that contact is enabled.
    reachable = {(c.method, c.to) for c in page.contacts if c.enabled and c.method in PAGING}
    if not reachable:
        problems.append("no enabled sms, voice or mobile contact")
    rules = [
        r
        for r in page.rules
        if r.action_type == "create-alert"
        and r.enabled
        and any(st.enabled and (st.method, st.to) in reachable for st in r.steps)
    ]
    if not rules:
        problems.append(
            "no enabled new-alert notification rule that texts, calls or pushes to an "
            "enabled phone contact"
        )
    elif not any(r.criteria is None and r.time_restriction is None for r in rules):
        problems.append(_coverage(rules))
    return problems


def _coverage(rules: list[live.NotificationRule]) -> str:
    """What the usable new-alert rules leave out: hours, or alerts, that page nobody."""
    parts = []
    for rule in rules:
        limits = [
            f"only {rule.time_restriction}" if rule.time_restriction else "",
            f"only alerts where {rule.criteria}" if rule.criteria else "",
        ]
        parts.append(f"rule {rule.name or rule.id!r} pages " + ", ".join(p for p in limits if p))
    return (
        "new alerts page the phone only part of the time: "
        + "; ".join(parts)
        + "; other hours or alerts wake nobody"
    )
