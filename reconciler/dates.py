"""The span of dates reconcile reasons about, so no date arithmetic can overflow.

Python's dates end at 9999-12-31: a first handoff in 9999, or `schedule --from 9999-12-01`, used
to die with OverflowError a few shifts later. Every date that comes from a user (a policy, a
flag, RECONCILE_NOW, the sandbox clock) is checked against this span first, which leaves
thousands of years of headroom for the arithmetic that follows (shifts, windows, `--weeks`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

EARLIEST = date(2000, 1, 1)
LATEST = date(2199, 12, 31)
SPAN = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"


def in_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def out_of_range(when: date | datetime, what: str) -> str | None:
    """A message if `when` is outside the span, else None."""
    day = when.astimezone(UTC).date() if isinstance(when, datetime) else when
    if in_range(day):
        return None
    return f"{what} {when.isoformat()} is out of range: reconcile handles dates from {SPAN}"
