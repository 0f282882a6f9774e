"""The rules of `cover:` that need the rotation: who may be away and who may cover, spans that
end after they start, nobody covering while away, no two entries covering the same time, and
swaps of shifts that exist. Each problem at the entry's own file:line:col."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from reconciler.policy.model import Policy
from reconciler.timing import timezones
from reconciler.timing.cover import (
    Turn,
    away_turns,
    day_start,
    instant,
    shift_starting,
    swap_turns,
)
from reconciler.timing.oncall import rotation_of

Report = Callable[[tuple[Any, ...], str], None]


def check_cover(policy: Policy, error: Report) -> None:
    cover = policy.cover
    spec = policy.on_call.engineer
    if cover is None or timezones.zone(spec.handoff.time_zone) is None:
        return  # an unknown zone is reported where it is written
    rotation = rotation_of(spec)
    participants = set(spec.participants)
    members = {m.email for m in policy.team.members} | participants
    spans = []
    for i, away in enumerate(cover.away):
        at = ("cover", "away", i)
        start, end = instant(away.from_, rotation), instant(away.to, rotation, end=True)
        if away.person not in participants:
            error((*at, "person"), f"{away.person} is not in the engineer rotation")
        if away.by not in members:
            error((*at, "by"), f"{away.by} is neither in the rotation nor on the team")
        if away.by == away.person:
            error((*at, "by"), f"{away.by} cannot cover for themselves")
        if end <= start:
            error((*at, "to"), f"'to' ({away.to}) is not after 'from' ({away.from_})")
            continue
        spans.append((i, away, start, end))
    for i, away, start, end in spans:
        for j, other, o_start, o_end in spans:
            if other.person == away.by and o_start < end and start < o_end:
                error(
                    ("cover", "away", i, "by"),
                    f"{away.by} is away then too (cover.away[{j}]): nobody would be on call",
                )
    taken: Taken = []
    for i, away, _start, _end in spans:
        for turn in away_turns(away, rotation, f"cover.away[{i}]"):
            _overlap(turn, taken, ("cover", "away", i, "from"), error)
    for i, swap in enumerate(cover.swaps):
        for k, day in enumerate(swap.shifts):
            start = day_start(day, rotation)
            if shift_starting(rotation, start) is None:
                error(("cover", "swaps", i, "shifts", k), f"no shift starts on {day}")
        if swap.shifts[0] == swap.shifts[1]:
            error(("cover", "swaps", i, "shifts"), "a swap needs two different shifts")
        for turn in swap_turns(swap, rotation, f"cover.swaps[{i}]"):
            _overlap(turn, taken, ("cover", "swaps", i, "shifts"), error)


Taken = list[tuple[datetime, datetime, str]]


def _overlap(turn: Turn, taken: Taken, at: tuple[Any, ...], error: Report) -> None:
    for start, end, entry in taken:
        if start < turn.end and turn.start < end:
            error(at, f"covers the same time as {entry}: say who is on call then once")
            return
    taken.append((turn.start, turn.end, turn.entry))
