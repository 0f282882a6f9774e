"""Cover, as turns on call: who stands in for whom, from when to when. Pure.

Someone away is covered only where they would be on call: their shifts that overlap the span
they are away, each clipped to it, so a cover never puts the stand-in in someone else's place.
A date alone means the whole day (`from` its start, `to` through its end); a date and time is
exact. A swap trades the engineers of the two shifts that start on the dates it names. Times are
in the rotation's zone and become instants here, across daylight saving changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from reconciler.policy.cover_model import Away, Cover, Swap
from reconciler.policy.types import Moment
from reconciler.timing.rotation import Rotation, Shift

ALIAS_PREFIX = "reconcile-"  # the overrides reconcile owns carry it


@dataclass(frozen=True)
class Turn:
    """A span on call in someone's place: `person` instead of `replaces`."""

    start: datetime
    end: datetime
    person: str
    replaces: str
    reason: str
    entry: str  # "away 1", "swap 2": which cover entry made it (1-based, as people count)

    def alias(self, team: str) -> str:
        """Names the turn by its content, so re-planning finds it and a change makes a new one."""
        key = f"{team}|{self.start.isoformat()}|{self.end.isoformat()}|{self.person}"
        return ALIAS_PREFIX + hashlib.sha256(key.encode()).hexdigest()[:20]


def instant(moment: Moment, rotation: Rotation, *, end: bool = False) -> datetime:
    """A policy moment as an instant: a date alone is its start (or, for `end`, the next day's)."""
    if moment.clock is not None:
        return datetime.combine(moment.day, moment.clock, tzinfo=rotation.zone)
    day = moment.day + timedelta(days=1) if end else moment.day
    return datetime.combine(day, time(0), tzinfo=rotation.zone)


def away_turns(away: Away, rotation: Rotation, entry: str) -> list[Turn]:
    start, end = instant(away.from_, rotation), instant(away.to, rotation, end=True)
    turns = []
    for shift in _shifts(rotation, start, end):
        if shift.participant == away.person:
            turns.append(
                Turn(
                    max(shift.start, start),
                    min(shift.end, end),
                    away.by,
                    away.person,
                    away.reason,
                    entry,
                )
            )
    return turns


def shift_starting(rotation: Rotation, day: datetime) -> Shift | None:
    """The shift that starts on `day`'s local date, if one does."""
    for shift in rotation.shifts(day):
        if shift.start.date() > day.date():
            return None
        if shift.start.date() == day.date():
            return shift
    return None  # pragma: no cover - shifts() never ends


def day_start(day: date, rotation: Rotation) -> datetime:
    return datetime.combine(day, time(0), tzinfo=rotation.zone)


def swap_turns(swap: Swap, rotation: Rotation, entry: str) -> list[Turn]:
    found = [shift_starting(rotation, day_start(d, rotation)) for d in swap.shifts]
    first, second = found
    if first is None or second is None or first.participant == second.participant:
        return []
    return [
        Turn(first.start, first.end, second.participant, first.participant, swap.reason, entry),
        Turn(second.start, second.end, first.participant, second.participant, swap.reason, entry),
    ]


def cover_turns(cover: Cover | None, rotation: Rotation) -> list[Turn]:
    if cover is None:
        return []
    turns = []
    for i, away in enumerate(cover.away, 1):
        turns += away_turns(away, rotation, f"away {i}")
    for i, swap in enumerate(cover.swaps, 1):
        turns += swap_turns(swap, rotation, f"swap {i}")
    return sorted(turns, key=lambda t: (t.start, t.end))


def _shifts(rotation: Rotation, start: datetime, end: datetime) -> list[Shift]:
    found: list[Shift] = []
    for shift in rotation.shifts(start):
        if shift.start >= end:
            return found
        if shift.end > start:
            found.append(shift)
    return found  # pragma: no cover - shifts() never ends


def on_call_with_cover(rotation: Rotation, turns: list[Turn], at: datetime) -> str | None:
    """Who is on call at `at`: the rotation's person, unless a turn stands someone in."""
    for turn in turns:
        if turn.start <= at < turn.end:
            return turn.person
    return rotation.on_call_at(at)
