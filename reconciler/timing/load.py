"""Who carries the load: shifts, days, weekend days and holidays on call per person over a
window, covers included, so fairness can be seen rather than argued. Pure.

A day counts for whoever is on call at its noon, local time: one owner a day, and a handoff at
10:00 gives the day to the incoming engineer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reconciler.timing.oncall import Handoff


@dataclass
class Load:
    person: str
    shifts: int = 0  # turns on call (a cover's turn is one)
    hours: float = 0.0
    weekend_days: int = 0
    holidays: int = 0


def load(rows: list[Handoff], zone: ZoneInfo, holidays: set[date]) -> list[Load]:
    found: dict[str, Load] = {}
    for row in rows:
        person = found.setdefault(row.engineer, Load(row.engineer))
        person.shifts += 1
        person.hours += (row.end - row.start).total_seconds() / 3600
        day = row.start.astimezone(zone).date()
        while datetime.combine(day, time(12), tzinfo=zone) < row.end:
            noon = datetime.combine(day, time(12), tzinfo=zone)
            if noon >= row.start:
                person.weekend_days += day.weekday() >= 5
                person.holidays += day in holidays
            day += timedelta(days=1)
    return sorted(found.values(), key=lambda p: p.person)
