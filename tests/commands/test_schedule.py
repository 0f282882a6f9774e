"""`reconcile schedule`: the coming handoffs as the policy computes them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import main


def test_eight_weeks_of_the_delivery_rotation_across_the_march_change(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["schedule", "--weeks", "8", "--from", "2026-02-20"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:3] == [
        "Delivery: shifts of 1w, handoff Mondays 10:00 America/Chicago",
        "  escalation: engineer on call at 0m, technical manager at 10m",
        "  acknowledgements: 10m + 5m = 15m <= 20m (initial-response target)",
    ]
    rows = lines[3:]
    assert len(rows) == 8
    assert rows[0] == (
        "  Mon 2026-02-16 10:00 CST  [16:00 UTC]  blair.chen@example.com"
        "  (TM taylor.manager@example.com)"
    )
    assert rows[3].startswith("  Mon 2026-03-09 10:00 CDT  [15:00 UTC]  emery.novak@example.com")


def test_json_schedule_gives_local_and_utc_instants(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "--weeks", "1", "--from", "2026-11-02T17:00", "--format", "json"]) == 0
    [team] = json.loads(capsys.readouterr().out)["teams"]
    assert team["team"] == "Delivery"
    [handoff] = team["handoffs"]
    assert handoff["start"] == "2026-11-02T10:00:00-06:00"
    assert handoff["start_utc"] == "2026-11-02T16:00:00+00:00"
    assert handoff["technical_manager"] == "taylor.manager@example.com"


def test_an_unknown_team_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", "--team", "Nobody"]) == 1
    assert capsys.readouterr().err.strip() == "error: no policy declares team 'Nobody'"


def test_an_invalid_policy_prints_its_problems_and_no_schedule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["schedule", str(Path(__file__).parents[1] / "policy" / "bad" / "bad-email.yaml")])
        == 1
    )
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad-email.yaml:6:14:" in captured.err
