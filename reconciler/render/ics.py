"""Shifts as an iCalendar (RFC 5545) calendar people can subscribe to: one per team, or one per
person across teams. Times carry their zone (a VTIMEZONE from the zone's rules, so calendars
show the right instants across daylight saving changes), and each event's UID is made from the
team, the person and the instant it starts, so a calendar refreshed after any change keeps its
events' identities."""

from __future__ import annotations

import hashlib
from datetime import datetime

from icalendar import Calendar, Event

from reconciler.policy.model import Policy
from reconciler.timing.oncall import Handoff

PRODID = "-//reconcile//on-call shifts//EN"


def uid(team: str, row: Handoff) -> str:
    key = f"{team}|{row.engineer}|{row.start.isoformat()}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@reconcile"


def calendar(
    report: list[tuple[Policy, list[Handoff]]], person: str | None, stamp: datetime
) -> bytes:
    """`person`: only their shifts (a calendar of their own); else every shift of the teams.
    `stamp` (DTSTAMP) is the window's start, so the same window gives the same bytes."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    name = person or ", ".join(p.team.name for p, _ in report)
    cal.add("x-wr-calname", f"On call: {name}")
    for policy, rows in report:
        team = policy.team.name
        for row in rows:
            if person is not None and row.engineer != person:
                continue
            event = Event()
            event.add("uid", uid(team, row))
            event.add("dtstamp", stamp)
            event.add("dtstart", row.start)
            event.add("dtend", row.end)
            who = row.engineer.split("@")[0]
            cover = f" (cover {row.cover})" if row.cover else ""
            event.add("summary", f"{team} on call: {who}{cover}")
            manager = f"\\nTechnical manager: {row.manager}" if row.manager else ""
            event.add("description", f"Engineer on call: {row.engineer}{manager}")
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
