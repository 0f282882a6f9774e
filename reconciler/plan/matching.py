"""Matching OpsGenie people (usernames are emails) to Slack accounts.

By email, unless the policy's slack.user_overrides names the Slack account (by email or id).
Someone who cannot be matched is reported, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler import live
from reconciler.plan.desired import DesiredTeam


@dataclass(frozen=True)
class Match:
    person: str  # OpsGenie username (email)
    user: live.SlackUser | None
    problem: str | None = None


def slack_email(team: DesiredTeam, person: str) -> str:
    override = _overrides(team).get(person)
    return override if override and "@" in override else person


def match(
    team: DesiredTeam,
    person: str,
    by_email: dict[str, live.SlackUser | None],
    by_id: dict[str, live.SlackUser],
) -> Match:
    override = _overrides(team).get(person)
    if override and "@" not in override:
        user = by_id.get(override)
        if user is None:
            return Match(
                person, None, f"slack.user_overrides names {override}, which Slack does not know"
            )
        return Match(person, user)
    email = slack_email(team, person)
    user = by_email.get(email)
    if user is None:
        return Match(
            person,
            None,
            f"no active Slack account with the email {email} "
            "(add slack.user_overrides if it differs)",
        )
    return Match(person, user)


def _overrides(team: DesiredTeam) -> dict[str, str]:
    slack = team.policy.slack
    return dict(slack.user_overrides) if slack else {}
