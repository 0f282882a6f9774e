"""`reconcile schedule --format ics` and `--stats`, covers included."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from reconciler.cli import main
from tests.plan.conftest import delivery
from tests.policy.test_cover import COVER


@pytest.fixture
def policies(tmp_path: Path) -> Path:
    (tmp_path / "delivery.yaml").write_text(delivery() + COVER)
    return tmp_path


def _ics(policies: Path, capsysbinary: pytest.CaptureFixture[bytes], *extra: str) -> bytes:
    capsysbinary.readouterr()
    code = main(["schedule", str(policies), "--format", "ics", *extra])
    assert code == 0
    return capsysbinary.readouterr().out


def test_the_calendar_parses_and_hands_off_at_ten_local_all_2027(
    policies: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    raw = _ics(policies, capsysbinary, "--from", "2026-12-28", "--weeks", "52")
    calendar = Calendar.from_ical(raw)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Chicago"
    starts = {event["DTSTART"].dt.astimezone(UTC): event for event in calendar.walk("VEVENT")}
    for local_day, utc_hour in (
        ("2027-03-08", 16),  # CST
        ("2027-03-15", 15),  # CDT, after the March change
        ("2027-11-01", 15),  # CDT
        ("2027-11-08", 16),  # CST, after the November change
    ):
        day = datetime.fromisoformat(local_day)
        assert datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC) in starts, local_day
    cover = starts[datetime(2027, 1, 4, 16, tzinfo=UTC)]
    assert "cover for casey.okafor@example.com (family event)" in str(cover["SUMMARY"])
    assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == len(starts)
    again = _ics(policies, capsysbinary, "--from", "2026-12-28", "--weeks", "52")
    assert again == raw  # stable ids, stable bytes


def test_a_persons_own_calendar(policies: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    raw = _ics(
        policies, capsysbinary, "--from", "2026-12-28", "--person", "casey.okafor@example.com"
    )
    events = Calendar.from_ical(raw).walk("VEVENT")
    assert events and all("casey.okafor" in str(e["SUMMARY"]) for e in events)


def test_stats_count_the_load_with_covers(
    policies: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", str(policies), "--from", "2027-01-04", "--weeks", "2", "--stats"]) == 0
    out = capsys.readouterr().out
    assert "covers included" in out
    devon = next(line for line in out.splitlines() if "devon.silva" in line)
    assert devon.split()[1:] == ["1", "7.0", "2", "0"]
