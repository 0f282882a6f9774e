"""Rotation arithmetic: handoffs, daylight saving, and changes that keep who is on call now."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.timing.rotation import Rotation, handover, same_future

CHICAGO = ZoneInfo("America/Chicago")
WEEK = timedelta(weeks=1)


def weekly(*people: str) -> Rotation:
    return Rotation.from_handoff(people, WEEK, date(2026, 1, 5), time(10), CHICAGO)


def test_nobody_is_on_call_before_the_first_handoff() -> None:
    assert weekly("a", "b").on_call_at(datetime(2026, 1, 5, 15, 59, tzinfo=UTC)) is None
    assert weekly("a", "b").on_call_at(datetime(2026, 1, 5, 16, 0, tzinfo=UTC)) == "a"


def test_participants_take_turns_in_order_and_wrap_around() -> None:
    r = weekly("a", "b", "c")
    people = [s.participant for s, _ in zip(r.shifts(r.anchor), range(7), strict=False)]
    assert people == ["a", "b", "c", "a", "b", "c", "a"]


def test_weekly_handoffs_stay_at_ten_local_across_both_daylight_saving_changes() -> None:
    r = weekly("a", "b", "c")
    shifts = [s for s, _ in zip(r.shifts(r.anchor), range(53), strict=False)]
    assert {s.start.astimezone(CHICAGO).time() for s in shifts} == {time(10)}
    assert {s.start.astimezone(CHICAGO).weekday() for s in shifts} == {0}
    utc_hours = [s.start.astimezone(UTC).hour for s in shifts]
    assert set(utc_hours) == {15, 16}  # 10:00 CDT and 10:00 CST
    # The shift that spans the March change is an hour shorter; November's is an hour longer.
    lengths = {s.end.astimezone(UTC) - s.start.astimezone(UTC) for s in shifts}
    assert lengths == {WEEK, WEEK - timedelta(hours=1), WEEK + timedelta(hours=1)}


def test_the_handoff_instant_itself_belongs_to_the_incoming_engineer() -> None:
    r = weekly("a", "b")  # a from Jan 5, b from Jan 12, ..., b from Mar 9
    march_9 = datetime(2026, 3, 9, 10, tzinfo=CHICAGO)  # first Monday after DST starts
    assert r.on_call_at(march_9 - timedelta(microseconds=1)) == "a"
    assert r.on_call_at(march_9) == "b"


def test_hour_shifts_are_elapsed_time_not_wall_clock() -> None:
    r = Rotation.from_handoff(("a", "b"), timedelta(hours=12), date(2026, 3, 7), time(8), CHICAGO)
    starts = [s.start.astimezone(UTC) for s, _ in zip(r.shifts(r.anchor), range(4), strict=False)]
    assert [b - a for a, b in itertools.pairwise(starts)] == [timedelta(hours=12)] * 3
    assert starts[2].astimezone(CHICAGO).hour == 9  # DST began in between


instants = st.datetimes(
    min_value=datetime(2026, 1, 6), max_value=datetime(2029, 12, 31), timezones=st.just(UTC)
)
rosters = st.lists(st.sampled_from("abcdefg"), min_size=1, max_size=6, unique=True)


@settings(max_examples=300, derandomize=True)
@given(now=instants, old=rosters, new=rosters)
def test_re_anchoring_keeps_whoever_is_on_call_now_if_they_stay(
    now: datetime, old: list[str], new: list[str]
) -> None:
    before = weekly(*old)
    after = before.reanchored(tuple(new), now)
    current = before.on_call_at(now)
    if current is None:
        return
    if current in new:
        assert after.on_call_at(now) == current
        # ...until the same handoff as before, then the new order continues from them.
        end = before.shift_at(now).end
        assert after.shift_at(now).end == end
        i = new.index(current)
        assert after.on_call_at(end) == new[(i + 1) % len(new)]
    else:
        assert after.on_call_at(now) in new


@settings(max_examples=200, derandomize=True)
@given(now=instants, weeks=st.integers(1, 4))
def test_re_anchoring_with_a_new_shift_length_keeps_the_current_person(
    now: datetime, weeks: int
) -> None:
    before = weekly("a", "b", "c")
    after = before.reanchored(("a", "b", "c"), now, timedelta(weeks=weeks))
    assert after.on_call_at(now) == before.on_call_at(now)
    assert after.anchor.astimezone(CHICAGO).time() == time(10)


@settings(max_examples=300, derandomize=True)
@given(instant=instants)
def test_every_instant_is_in_exactly_the_shift_that_holds_it(instant: datetime) -> None:
    r = weekly("a", "b", "c")
    shift = r.shift_at(instant)
    assert shift is not None
    assert shift.start <= instant < shift.end


@settings(max_examples=300, derandomize=True)
@given(
    now=instants,
    old=rosters,
    new=rosters,
    weeks=st.integers(1, 3),
    hour=st.sampled_from([9, 10, 14]),
)
def test_handover_keeps_the_person_on_call_now_whatever_changes(
    now: datetime, old: list[str], new: list[str], weeks: int, hour: int
) -> None:
    live = weekly(*old)
    desired = Rotation.from_handoff(
        tuple(new), timedelta(weeks=weeks), date(2026, 1, 5), time(hour), CHICAGO
    )
    sent = handover(live, desired, now)
    current = live.on_call_at(now)
    if current in new:
        assert sent.on_call_at(now) == current
    else:
        assert sent.on_call_at(now) in new
    # The desired timing holds from the next handoff on: same weekday, same local time.
    upcoming = sent.shift_at(now).end.astimezone(CHICAGO)
    assert upcoming.time() == time(hour) and upcoming.weekday() == 0
    # And the order that follows is the new one.
    later = [s.participant for s, _ in zip(sent.shifts(now), range(len(new) + 1), strict=False)]
    i = new.index(later[0])
    assert later[1:] == [new[(i + j) % len(new)] for j in range(1, len(new) + 1)]


def test_a_live_rotation_already_as_wanted_is_the_same_future() -> None:
    now = datetime(2026, 3, 11, tzinfo=UTC)
    live = weekly("a", "b", "c")
    assert same_future(live, handover(live, weekly("a", "b", "c"), now), now, 6)
    assert not same_future(live, handover(live, weekly("a", "c", "b"), now), now, 6)
