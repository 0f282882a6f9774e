"""Trust, then verify: our rotation model against the vendor's own timeline, on every plan.

Everything the plan says about handoffs (who is on call now, the next handoffs, the re-anchored
rotation, when Slack duties run) comes from our model of how the vendor turns a rotation into
turns on call: wall-clock handoffs across daylight saving changes, shifts counted from the start
date. The vendor can tell us whether it agrees: its timeline of each managed schedule, read for
the next few shifts (one read a schedule). Where the two disagree on who is on call at an
instant, the plan shows a *model mismatch*: an error for the current and the next shift (the
plan exits 1 and apply refuses without --force), a warning beyond. `sync` follows the vendor's
who-is-on-call answer, as always, and says when the two disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from reconciler import live
from reconciler.backends.base import OnCallReader
from reconciler.plan.anchoring import NOBODY, as_rotation
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.observe import LiveState
from reconciler.timing.rotation import Rotation

SHIFTS_AHEAD = 4  # the current shift, and four after it: a month of weekly shifts
MAX_WINDOW_DAYS = 62


@dataclass(frozen=True)
class ModelMismatch:
    team: str
    schedule: str
    severity: str  # error (current or next shift), warning (later)
    at: str  # the first instant where the two disagree (ISO)
    vendor: str | None  # on call at that instant, by the vendor's timeline
    expected: str | None  # on call at that instant, by our model
    message: str


def window_days(rotation: Rotation) -> int:
    """Days of timeline to read: the current shift and SHIFTS_AHEAD more, at least a week, so
    a daylight saving change within that span is crossed."""
    span = rotation.shift * (SHIFTS_AHEAD + 1) + timedelta(days=1)
    return min(MAX_WINDOW_DAYS, max(7, math.ceil(span / timedelta(days=1))))


def compare(
    team: str,
    schedule: str,
    model: Rotation,
    periods: list[live.TimelinePeriod],
    now: datetime,
    end: datetime,
) -> list[ModelMismatch]:
    """Where `model` and the vendor's `periods` (one rotation's) disagree in [now, end)."""
    shifts = []
    for shift in model.shifts(now):
        if shift.start >= end:
            break
        shifts.append(shift)
    if not shifts:
        return []
    # Errors where the plan acts: the current shift and the next one.
    error_until = shifts[1].end if len(shifts) > 1 else shifts[0].end
    model_starts = [s.start for s in shifts if s.start > now]
    vendor_starts = sorted({p.start for p in periods if now < p.start < end})
    checkpoints = sorted({now, *model_starts, *vendor_starts})

    def vendor_at(at: datetime) -> str | None:
        return next((p.username for p in periods if p.start <= at < p.end), None)

    def model_at(at: datetime) -> str | None:
        person = model.on_call_at(at)
        return None if person in (None, NOBODY) else person

    found: list[ModelMismatch] = []
    previous_bad = False
    for at in checkpoints:
        theirs, ours = vendor_at(at), model_at(at)
        bad = theirs != ours
        if bad and not previous_bad:
            found.append(
                ModelMismatch(
                    team,
                    schedule,
                    "error" if at < error_until else "warning",
                    at.isoformat(),
                    theirs,
                    ours,
                    _explain(at, theirs, ours, model_starts, vendor_starts, model),
                )
            )
        previous_bad = bad
    return found


def _explain(
    at: datetime,
    theirs: str | None,
    ours: str | None,
    model_starts: list[datetime],
    vendor_starts: list[datetime],
    model: Rotation,
) -> str:
    def local(when: datetime) -> str:
        return when.astimezone(model.zone).strftime("%a %Y-%m-%d %H:%M %Z")

    text = (
        f"at {local(at)} the vendor has {theirs or 'nobody'} on call, our model {ours or 'nobody'}"
    )

    def near(starts: list[datetime]) -> datetime | None:
        return min(starts, key=lambda s: abs(s - at), default=None)

    mine, its = near(model_starts), near(vendor_starts)
    if mine is not None and its is not None and mine != its and abs(mine - its) < model.shift:
        text += (
            f": the vendor hands off at {its.astimezone(model.zone):%H:%M %Z}, we expected "
            f"{mine.astimezone(model.zone):%H:%M %Z} (a daylight saving rule we do not share?)"
        )
    return text


Job = tuple[str, str, live.Schedule, live.ScheduleRotation, Rotation]


def check_timelines(
    og: OnCallReader, teams: list[DesiredTeam], state: LiveState
) -> list[ModelMismatch]:
    """Read each managed schedule's timeline (one read each, in parallel) and compare."""
    jobs: list[Job] = []
    for team in teams:
        for want in team.schedules:
            schedule = state.schedules.get(want.name.lower())
            if schedule is None:
                continue
            ours = [r for r in schedule.rotations if r.name == want.rotation.name]
            model = as_rotation(ours[0], schedule.time_zone) if ours else None
            if model is not None:
                jobs.append((team.name, want.name, schedule, ours[0], model))

    def one(
        job: tuple[str, str, live.Schedule, live.ScheduleRotation, Rotation],
    ) -> list[ModelMismatch]:
        team, name, schedule, rotation, model = job
        days = window_days(model)
        periods = og.timeline(schedule.id, state.now, days, "days")
        mine = [p for p in periods if p.rotation_id == rotation.id]
        return compare(team, name, model, mine, state.now, state.now + timedelta(days=days))

    results = og.parallel(one, jobs)
    return [m for found in results for m in found]
