"""`cover:` in a policy: good entries pass; bad ones are refused with file:line:col."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.plan.desired import desired_team
from reconciler.timing.cover import cover_turns, on_call_with_cover
from tests.core.test_pure_core import team as team_of
from tests.plan.conftest import cover, delivery

COVER = cover("alex.rivera@example.com")


def with_cover(text: str = COVER) -> str:
    return delivery() + text


def _validate(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    path = tmp_path / "delivery.yaml"
    path.write_text(text)
    capsys.readouterr()
    code = main(["validate", str(path)])
    return code, capsys.readouterr().out


def test_a_cover_and_a_swap_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _validate(tmp_path, with_cover(), capsys)
    assert code == 0, out


def test_turns_follow_the_rotation_across_daylight_saving() -> None:
    team = team_of(with_cover())
    rotation = team.schedules[0].rotation.rotation
    turns = cover_turns(team.policy.cover, rotation)
    assert [(t.person, t.replaces, t.start.isoformat()) for t in turns] == [
        ("blair.chen@example.com", "alex.rivera@example.com", "2026-12-21T10:00:00-06:00"),
        ("devon.silva@example.com", "casey.okafor@example.com", "2027-01-04T10:00:00-06:00"),
        ("casey.okafor@example.com", "devon.silva@example.com", "2027-01-11T10:00:00-06:00"),
    ]
    monday = datetime(2026, 12, 22, 12, tzinfo=UTC)
    assert on_call_with_cover(rotation, turns, monday) == "blair.chen@example.com"
    assert desired_team(team.policy).name == "Delivery"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ("person: alex.rivera", "cover.away.person", "nobody@example.com is not in the engineer"),
        ('to: "2026-12-28 10:00"', "cover.away.to", "'to' (2026-12-20 10:00) is not after"),
        ("shifts: [2027-01-04, 2027-01-11]", "cover.swaps.shifts", "no shift starts on 2027-01-05"),
    ],
)
def test_bad_covers_are_refused_where_they_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str, where: str, message: str
) -> None:
    bad = {
        "person: alex.rivera": "person: nobody",
        'to: "2026-12-28 10:00"': 'to: "2026-12-20 10:00"',
        "shifts: [2027-01-04, 2027-01-11]": "shifts: [2027-01-04, 2027-01-05]",
    }[change]
    text = with_cover(COVER.replace(change, bad))
    code, out = _validate(tmp_path, text, capsys)
    assert code == 1
    [line] = [x for x in out.splitlines() if message in x]
    row = next(i for i, x in enumerate(text.splitlines(), 1) if bad.split(":")[0] in x and bad in x)
    assert line.startswith(f"{tmp_path / 'delivery.yaml'}:{row}:"), (line, row)


def test_a_cover_who_is_away_too_leaves_nobody_on_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    both = COVER.replace(
        "  swaps:",
        """    - person: blair.chen@example.com
      from: 2026-12-20
      to: 2026-12-31
      by: alex.rivera@example.com
      reason: travel
  swaps:""",
    )
    text = with_cover(both)
    code, out = _validate(tmp_path, text, capsys)
    assert code == 1
    message = "blair.chen@example.com is away then too (cover.away[1]): nobody would be on call"
    [line] = [x for x in out.splitlines() if message in x]
    row = text.splitlines().index("      by: blair.chen@example.com") + 1
    assert line.startswith(f"{tmp_path / 'delivery.yaml'}:{row}:11: "), line
