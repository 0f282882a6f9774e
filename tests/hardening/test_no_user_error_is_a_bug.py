"""No user error ends in exit 3: every bad input through every command that reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.cli import main
from tests.plan.conftest import Run, delivery

BAD = sorted((Path(__file__).parents[1] / "policy" / "bad").glob("*.yaml"))


@pytest.mark.parametrize("path", BAD, ids=[p.name for p in BAD])
def test_every_bad_policy_is_a_user_error_for_every_command(
    run: Run, path: Path, tmp_path: Path
) -> None:
    for args in (
        ["validate", str(path)],
        ["schedule", str(path)],
        ["plan", str(path)],
        ["drift", str(path)],
        ["sync", str(path)],
        ["apply", "--policies", str(path), "--auto-approve"],
    ):
        code = run(*args)
        assert code == 1, (args, code, run.err[-500:])
        assert "internal error" not in run.err


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_random_bytes_never_crash_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes
) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) in (0, 1)
    assert "internal error" not in capsys.readouterr().err


HOSTILE_VALUES = [
    "9999-12-27",  # a Monday: passes the weekday check, then overflowed date arithmetic
    "0001-01-01",
    "-1",
    "1e309",
    "!!binary aGk=",
    "!foo bar",
    "[[[[[[[[[[",
    "{a: {b: {c: {d: []}}}}",
    "'\u200b'",
    "~",
    "*undefined",
    "&a [*a]",
    '"\\uD800"',
    "99999999999999999999999w",
    "2027-02-29",
    "localtime",
    "posixrules",
    "1000000m",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_every_line_of_a_policy_replaced_never_crashes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """A real policy with each of its values, one at a time, replaced by something hostile."""
    lines = delivery().splitlines()
    path = tmp_path / "p.yaml"
    for i, line in enumerate(lines):
        if ":" not in line or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":")[0]
        changed = [*lines[:i], " " * indent + f"{key}: {value}", *lines[i + 1 :]]
        path.write_text("\n".join(changed) + "\n")
        for args in (["validate", str(path)], ["schedule", str(path), "--weeks", "520"]):
            code = main(args)
            err = capsys.readouterr().err
            assert code in (0, 1), (line, args, err[-300:])
