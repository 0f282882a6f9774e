"""Readiness: can every rotation participant be paged, and reached in Slack?

OpsGenie: the user exists, is not blocked, has an enabled sms, voice or mobile contact, and an
enabled rule for new alerts with an enabled step using one of those. Slack: an account that is
not a guest. A problem is an error for whoever is on call now or next (and for a technical
manager named as a person, always on call); a warning for the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import LifecycleState, participants
from reconciler.plan.people import match

PAGING = {"sms", "voice", "mobile"}


@dataclass(frozen=True)
class Readiness:
    team: str
    person: str
    severity: str  # error, warning
    problems: tuple[str, ...]
    on_duty: str  # "on call now", "on call next", "" ...


def check(team: DesiredTeam, life: LifecycleState) -> list[Readiness]:
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
        problems = _opsgenie(life, person)
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


def _opsgenie(life: LifecycleState, person: str) -> list[str]:
    page = life.pageability.get(person)
    if page is None:
        return []
    if not page.exists:
        return ["OpsGenie: no such user"]
    problems = []
    methods = {c.method for c in page.contacts if c.enabled} & PAGING
    if not methods:
        problems.append("OpsGenie: no enabled sms, voice or mobile contact")
    rules = [r for r in page.rules if r.action_type == "create-alert" and r.enabled]
    usable = any(m in PAGING and on for r in rules for m, on in r.step_methods)
    if not usable:
        problems.append(
            "OpsGenie: no enabled new-alert notification rule that texts, calls "
            "or pushes to the phone"
        )
    return problems
