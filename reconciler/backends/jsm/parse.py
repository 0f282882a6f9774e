"""JSM Operations JSON to live state (reference ../shared/reference/jsm-ops.md).

JSM Operations is OpsGenie's successor and keeps most of its shapes (time restrictions, criteria,
notify), so the shape-neutral helpers are OpsGenie's. What differs is here: people are account
ids (translated to emails by the caller's `emails` map), `noone` for nobody, escalation delays in
plain minutes, no `data` wrapper, teams in paths rather than an `ownerTeam`, and dates answered in
another format than sent (parsed as instants, never compared as text).
"""

from __future__ import annotations

from typing import Any

from reconciler import live
from reconciler.backends.opsgenie import parse as opsgenie
from reconciler.backends.opsgenie.parse import instant, restriction_text, zone

__all__ = ["instant", "zone"]


def participant(data: dict[str, Any], emails: dict[str, str]) -> live.Participant:
    kind = data.get("type", "user")
    if kind == "noone":
        return live.Participant("none", None)
    if kind == "user":
        return live.Participant("user", emails.get(data.get("id", "")))
    return live.Participant(kind, emails.get(data.get("id", ""), data.get("id")))


def rotation(data: dict[str, Any], emails: dict[str, str]) -> live.ScheduleRotation:
    return opsgenie.rotation(data, emails, participant)  # the shapes are OpsGenie's (§2.2)


def schedule(data: dict[str, Any], emails: dict[str, str], teams: dict[str, str]) -> live.Schedule:
    return live.Schedule(
        id=data["id"],
        name=data["name"],
        description=data.get("description") or "",
        time_zone=zone(data.get("timezone")),
        enabled=bool(data.get("enabled", True)),
        owner_team=teams.get(data.get("teamId") or ""),
        rotations=tuple(rotation(r, emails) for r in data.get("rotations") or []),
    )


def escalation(data: dict[str, Any], team: str, names: dict[str, str]) -> live.Escalation:
    rules = [
        live.EscalationRule(
            delay_minutes=int(rule.get("delay") or 0),  # minutes, a plain integer (§2.5)
            condition=rule.get("condition", "if-not-acked"),
            notify_type=rule.get("notifyType", "default"),
            recipient=live.Recipient(
                (rule.get("recipient") or {}).get("type", ""),
                names.get((rule.get("recipient") or {}).get("id", "")),
                (rule.get("recipient") or {}).get("id"),
            ),
        )
        for rule in data.get("rules") or []
    ]
    return live.Escalation(
        id=data["id"],
        name=data["name"],
        description=data.get("description") or "",
        owner_team=team,
        rules=tuple(sorted(rules, key=live.EscalationRule.sort_key)),
        repeat=data.get("repeat"),
    )


def routing_rule(data: dict[str, Any], names: dict[str, str]) -> live.RoutingRule:
    notify = data.get("notify") or {}
    return live.RoutingRule(
        id=data["id"],
        name=data.get("name") or "",
        order=int(data.get("order", 0)),
        is_default=bool(data.get("isDefault")),
        criteria_type=(data.get("criteria") or {}).get("type", "match-all"),
        notify_type=notify.get("type", "none"),
        notify_name=names.get(notify.get("id") or ""),
        notify_id=notify.get("id"),
        time_zone=zone(data.get("timezone")),
        time_restriction=restriction_text(data.get("timeRestriction")),
    )


def user(data: dict[str, Any], email: str) -> live.User:
    roles = (data.get("applicationRoles") or {}).get("items") or []
    return live.User(
        id=data["accountId"],
        username=email,
        full_name=data.get("displayName") or "",
        time_zone=zone(data.get("timeZone")),
        blocked=not data.get("active", True),
        responder=any(r.get("key") == "jira-servicedesk" for r in roles),
    )


def contact(data: dict[str, Any]) -> live.Contact:
    status = data.get("status") or {}
    return live.Contact(
        method=data.get("method") or "",
        to=data.get("to") or "",
        enabled=bool(status.get("enabled", True)),
        id=data.get("id"),
    )


def timeline_period(
    rotation: dict[str, Any], period: dict[str, Any], emails: dict[str, str]
) -> live.TimelinePeriod:
    start, end = instant(period.get("startDate")), instant(period.get("endDate"))
    assert start is not None and end is not None, "a timeline period has both ends"
    responder = period.get("responder") or {}
    who = emails.get(responder.get("id") or "") if responder.get("type") == "user" else None
    return live.TimelinePeriod(
        rotation_id=str(rotation.get("id") or ""),
        rotation_name=str(rotation.get("name") or ""),
        start=start,
        end=end,
        username=who,
    )
