"""Rotation arithmetic: who is on call at an instant, when the handoffs are, and how to change a
rotation without changing who is on call now.

Shifts counted in days or weeks hand off at the same local wall-clock time in the rotation's zone,
across daylight saving changes (10:00 in Chicago stays 10:00 in Chicago); shifts counted in hours
are fixed spans of elapsed time. Pure functions; no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Rotation:
    participants: tuple[str, ...]
    shift: timedelta
    anchor: datetime  # aware: the instant the first participant's first shift starts
    zone: ZoneInfo

    @classmethod
    def from_handoff(
        cls, participants: tuple[str, ...], shift: timedelta, first: date, at: time, zone: ZoneInfo
    ) -> Rotation:
        return cls(participants, shift, datetime.combine(first, at, tzinfo=zone), zone)

    @property
    def wall_clock(self) -> bool:
        """Day and week shifts keep their local handoff time; hour shifts do not."""
        return self.shift % timedelta(days=1) == timedelta(0)

    def boundary(self, k: int) -> datetime:
        """The start of shift number `k` (0 is the anchor) as an aware instant."""
        if self.wall_clock:
            local = self.anchor.astimezone(self.zone).replace(tzinfo=None) + k * self.shift
            return local.replace(tzinfo=self.zone)
        return (self.anchor.astimezone(UTC) + k * self.shift).astimezone(self.zone)

    def index_at(self, instant: datetime) -> int:
        """The number of the shift that contains `instant` (negative before the anchor)."""
        if self.wall_clock:
            local = instant.astimezone(self.zone).replace(tzinfo=None)
            anchor = self.anchor.astimezone(self.zone).replace(tzinfo=None)
        else:
            local, anchor = instant.astimezone(UTC), self.anchor.astimezone(UTC)
        k = math.floor((local - anchor) / self.shift)
        # Near a daylight saving change the wall-clock estimate can be one off. Compare in UTC:
        # Python compares datetimes sharing a tzinfo by wall clock, ignoring the offset.
        at = instant.astimezone(UTC)
        while self.boundary(k).astimezone(UTC) > at:
            k -= 1
        while self.boundary(k + 1).astimezone(UTC) <= at:
            k += 1
        return k

    def shift_at(self, instant: datetime) -> Shift | None:
        """The shift holding `instant`, or None before the rotation starts."""
        k = self.index_at(instant)
        if k < 0:
            return None
        return self._shift(k)

    def on_call_at(self, instant: datetime) -> str | None:
        shift = self.shift_at(instant)
        return shift.participant if shift else None

    def shifts(self, start: datetime) -> Iterator[Shift]:
        """Shifts from the one holding `start` onwards (from the first if `start` is earlier)."""
        k = max(self.index_at(start), 0)
        while True:
            yield self._shift(k)
            k += 1

    def _shift(self, k: int) -> Shift:
        return Shift(
            self.boundary(k), self.boundary(k + 1), self.participants[k % len(self.participants)]
        )

    def reanchored(
        self,
        participants: tuple[str, ...],
        now: datetime,
        shift: timedelta | None = None,
    ) -> Rotation:
        """The rotation with new participants (or shift length) that keeps who is on call now.

        OpsGenie recomputes a rotation from its startDate, so changing participants, their order
        or the shift length in place reshuffles who is on call at once. Instead the new rotation
        is anchored at the start of the current shift, with its list turned so that the person on
        call now goes first and the new order continues from them. If that person has left the
        rotation, whoever would have come next (by the old order, among those still rostered)
        takes over now: a change the plan shows.
        """
        shift = shift or self.shift
        k = self.index_at(now)
        if k < 0:  # not started yet: nothing to keep
            return replace(self, participants=participants, shift=shift)
        first = _keeper(self.participants, k, participants)
        turned = participants[first:] + participants[:first]
        return Rotation(turned, shift, self.boundary(k), self.zone)


def _keeper(old: tuple[str, ...], k: int, new: tuple[str, ...]) -> int:
    """Index in `new` of the person on shift `k` by the old order, else of their successor."""
    n = len(old)
    for step in range(n):
        candidate = old[(k + step) % n]
        if candidate in new:
            return new.index(candidate)
    return 0


@dataclass(frozen=True)
class Shift:
    """One turn on call. Times are in the rotation's zone; subtract them in UTC."""

    start: datetime
    end: datetime
    participant: str


def handover(current: Rotation | None, desired: Rotation, now: datetime) -> Rotation:
    """The rotation to send so that `desired` takes effect without changing who is on call now.

    `desired` has the policy's participants, shift length, handoff time and anchor; `current` is
    the live rotation. The result keeps the desired timing but is anchored at the start of the
    desired shift that holds `now`, with the list turned so whoever is on call now stays on call
    until the next handoff (if they are still rostered; otherwise whoever would have followed
    them). Without a live rotation, or before the policy's first handoff, it is `desired` as is.
    """
    if current is None or now < desired.anchor:
        return desired
    k_live = current.index_at(now)
    if k_live < 0:  # the live rotation has not started: nobody to keep
        return desired
    first = _keeper(current.participants, k_live, desired.participants)
    turned = desired.participants[first:] + desired.participants[:first]
    return Rotation(turned, desired.shift, desired.boundary(desired.index_at(now)), desired.zone)


def same_future(a: Rotation, b: Rotation, now: datetime, shifts: int) -> bool:
    """Whether two rotations hand off at the same instants to the same people from `now` on."""
    for x, y, _ in zip(a.shifts(now), b.shifts(now), range(shifts), strict=False):
        if x.participant != y.participant:
            return False
        if x.start.astimezone(UTC) != y.start.astimezone(UTC) and x.start > now:
            return False
        if x.end.astimezone(UTC) != y.end.astimezone(UTC):
            return False
    return True
