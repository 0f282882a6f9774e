"""OpsGenie JSON to live state, normalising what OpsGenie rewrites (see reference §2, §10, §13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from reconciler import live
from reconciler.timing import timezones


def instant(text: str | None) -> datetime | None:
    """An ISO-8601 instant in any offset (or Z) as aware UTC; OpsGenie answers in either."""
    if not text:
        return None
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def write_instant(value: datetime) -> str:
    """What we send: the instant with its offset written out (`+` is encoded by httpx)."""
    return value.isoformat(timespec="seconds")


def zone(name: str | None) -> str | None:
    if not name:
        return None
    return timezones.canonical(name) or name


def team(data: dict[str, Any]) -> live.Team:
    members = frozenset(
        live.TeamMember(
            username=(m.get("user", {}).get("username") or "").lower(),
            role=m.get("role") or "user",
            user_id=m.get("user", {}).get("id"),
        )
        for m in data.get("members") or []
    )
    return live.Team(data["id"], data["name"], data.get("description") or "", members)


def user(data: dict[str, Any]) -> live.User:
    return live.User(
        id=data["id"],
        username=data["username"].lower(),
        full_name=data.get("fullName") or "",
        time_zone=zone(data.get("timeZone")),
        blocked=bool(data.get("blocked")),
        muted_until=instant(data.get("mutedUntil")),
    )


def contact(data: dict[str, Any]) -> live.Contact:
    status = data.get("status") or {}
    enabled = status.get("enabled", data.get("enabled", True))
    return live.Contact(
        method=data.get("method") or data.get("contactMethod") or "",
        to=data.get("to") or "",
        enabled=bool(enabled),
        id=data.get("id"),
    )


def notification_rule(meta: dict[str, Any], detail: dict[str, Any] | None) -> live.NotificationRule:
    detail = detail or {}
    steps = tuple(
        live.NotificationStep(
            method=(st.get("contact") or {}).get("method", ""),
            to=(st.get("contact") or {}).get("to", ""),
            enabled=bool(st.get("enabled", True)),
        )
        for st in detail.get("steps") or []
    )
    return live.NotificationRule(
        action_type=meta.get("actionType", ""),
        enabled=bool(meta.get("enabled", True)),
        steps=steps,
        name=meta.get("name", ""),
        id=meta.get("id"),
        criteria=criteria_text(detail.get("criteria")),
        time_restriction=restriction_text(detail.get("timeRestriction")),
    )


def criteria_text(data: Any) -> str | None:
    """A rule's alert filter in words; None when it matches every alert."""
    if not isinstance(data, dict) or data.get("type", "match-all") == "match-all":
        return None
    joiner = " or " if data["type"] == "match-any-condition" else " and "
    parts = [
        f"{'not ' if c.get('not') else ''}{c.get('field', '?')} {c.get('operation', '?')} "
        f"{c.get('expectedValue', '')}".strip()
        for c in data.get("conditions") or []
        if isinstance(c, dict)
    ]
    return joiner.join(parts) or data["type"]


def participant(data: dict[str, Any], usernames: dict[str, str]) -> live.Participant:
    kind = data.get("type", "user")
    if kind == "none":
        return live.Participant("none", None)
    if kind == "user":
        name = data.get("username") or data.get("name") or usernames.get(data.get("id", ""))
        return live.Participant("user", name.lower() if name else None)
    return live.Participant(kind, data.get("name"))


Participant = Callable[[dict[str, Any], dict[str, str]], live.Participant]


def rotation(
    data: dict[str, Any], usernames: dict[str, str], read: Participant | None = None
) -> live.ScheduleRotation:
    """`read`: how a participant is read (JSM Operations names people by account id)."""
    read = read or participant
    start = instant(data.get("startDate"))
    assert start is not None, "OpsGenie rotations always have a startDate"
    return live.ScheduleRotation(
        id=data["id"],
        name=data.get("name") or "",
        type=data["type"],
        length=int(data.get("length") or 1),
        start=start,
        end=instant(data.get("endDate")),
        participants=tuple(read(p, usernames) for p in data.get("participants") or []),
        time_restriction=data.get("timeRestriction") or None,
    )


def schedule(data: dict[str, Any], usernames: dict[str, str]) -> live.Schedule:
    owner = data.get("ownerTeam") or {}
    return live.Schedule(
        id=data["id"],
        name=data["name"],
        description=data.get("description") or "",
        time_zone=zone(data.get("timezone")),
        enabled=bool(data.get("enabled", True)),
        owner_team=owner.get("name"),
        rotations=tuple(rotation(r, usernames) for r in data.get("rotations") or []),
    )


def recipient(data: dict[str, Any], names: dict[str, str]) -> live.Recipient:
    kind = data.get("type", "")
    name = data.get("username") if kind == "user" else data.get("name")
    name = name or names.get(data.get("id", ""))
    if kind == "user" and name:
        name = name.lower()
    return live.Recipient(kind, name, data.get("id"))


def escalation(data: dict[str, Any], names: dict[str, str]) -> live.Escalation:
    rules = [
        live.EscalationRule(
            delay_minutes=_minutes(rule.get("delay") or {}),
            condition=rule.get("condition", "if-not-acked"),
            notify_type=rule.get("notifyType", "default"),
            recipient=recipient(rule.get("recipient") or {}, names),
        )
        for rule in data.get("rules") or []
    ]
    owner = data.get("ownerTeam") or {}
    return live.Escalation(
        id=data["id"],
        name=data["name"],
        description=data.get("description") or "",
        owner_team=owner.get("name"),
        rules=tuple(sorted(rules, key=live.EscalationRule.sort_key)),
        repeat=data.get("repeat"),
    )


_UNIT_MINUTES = {"minutes": 1, "hours": 60, "days": 1440, "seconds": 1 / 60}


def _minutes(delay: dict[str, Any]) -> int:
    return int(delay.get("timeAmount", 0) * _UNIT_MINUTES.get(delay.get("timeUnit", "minutes"), 1))


def routing_rule(data: dict[str, Any], names: dict[str, str]) -> live.RoutingRule:
    notify = data.get("notify") or {}
    return live.RoutingRule(
        id=data["id"],
        name=data.get("name") or "",
        order=int(data.get("order", 0)),
        is_default=bool(data.get("isDefault")),
        criteria_type=(data.get("criteria") or {}).get("type", "match-all"),
        notify_type=notify.get("type", "none"),
        notify_name=notify.get("name") or names.get(notify.get("id", "")),
        notify_id=notify.get("id"),
        time_zone=zone(data.get("timezone")),
        time_restriction=restriction_text(data.get("timeRestriction")),
    )


def restriction_text(data: Any) -> str | None:
    """A time restriction in words, as the plan shows it; None when there is none."""
    if not isinstance(data, dict) or not data.get("type"):
        return None

    def hhmm(part: dict[str, Any], which: str) -> str:
        return f"{int(part.get(which + 'Hour', 0)):02d}:{int(part.get(which + 'Min', 0)):02d}"

    if data["type"] == "time-of-day":
        one = data.get("restriction") or {}
        return f"{hhmm(one, 'start')}-{hhmm(one, 'end')} every day"
    spans = [
        f"{r.get('startDay', '?')} {hhmm(r, 'start')} to {r.get('endDay', '?')} {hhmm(r, 'end')}"
        for r in data.get("restrictions") or []
    ]
    return "; ".join(spans) or data["type"]


def override(data: dict[str, Any], usernames: dict[str, str]) -> live.Override:
    who = data.get("user") or {}
    name = who.get("username") or usernames.get(who.get("id", "")) or ""
    start, end = instant(data.get("startDate")), instant(data.get("endDate"))
    assert start is not None and end is not None
    return live.Override(data.get("alias", ""), name.lower(), start, end)


def timeline_period(rotation: dict[str, Any], period: dict[str, Any]) -> live.TimelinePeriod:
    start, end = instant(period.get("startDate")), instant(period.get("endDate"))
    assert start is not None and end is not None, "a timeline period has both ends"
    recipient = period.get("recipient") or {}
    name = recipient.get("name") if recipient.get("type", "user") == "user" else None
    return live.TimelinePeriod(
        rotation_id=str(rotation.get("id") or ""),
        rotation_name=str(rotation.get("name") or ""),
        start=start,
        end=end,
        username=name.lower() if name else None,
    )


def alert(data: dict[str, Any]) -> live.Alert:
    """createdAt is an ISO instant; report.acknowledgedBy the acknowledging username."""
    created = instant(data.get("createdAt"))
    assert created is not None, "an alert always has createdAt"
    by = (data.get("report") or {}).get("acknowledgedBy")
    return live.Alert(str(data.get("id") or ""), created, by.lower() if by else None)
