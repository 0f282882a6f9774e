"""Every problem of a file in one run: structural and meaning checks together, in our words."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main
from tests.plan.conftest import delivery

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def test_a_structural_and_a_meaning_problem_come_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = delivery().replace("first_handoff: 2026-01-05", "first_handoff: 2026-01-06")
    text += "\nmanagement:\n  thresholds:\n    max_deletes: -1\n"
    path = tmp_path / "p.yaml"
    path.write_text(text)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "first_handoff 2026-01-06 is a Tuesday, but handoffs are on Mondays" in out
    assert "management.thresholds.max_deletes: must be at least 0, not -1" in out


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_no_message_is_pydantic_wording(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(path)])
    out = capsys.readouterr().out
    assert "Input should be" not in out and "Value error," not in out
