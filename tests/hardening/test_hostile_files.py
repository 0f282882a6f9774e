"""Files a careless or hostile pull request can hold: each refused with a message, exit 1.

The deep-nesting and special-file cases run the real CLI in a child process: before the fix the
first killed the process with a segmentation fault and the others hung until killed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.cli import main

HERE = Path(__file__).parent
# A guard against a hang, not a speed goal: the answers take about 0.15 s each.
HANG = 10.0


def _validate(path: Path) -> tuple[int, str, str, float]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("flow.yaml", "team: " + "[" * 40_000),
        ("flow-mapping.yaml", "team: " + "{a: " * 20_000),
        ("compact-sequence.yaml", "- " * 40_000 + "x\n"),
    ],
)
def test_deep_nesting_is_refused_before_the_parser_overflows(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    code, out, err, _ = _validate(path)
    assert code == 1, (code, err[-500:])
    assert f"{path}:1:" in out
    assert "nests deeper than 50 levels" in out
    assert "Traceback" not in err


def test_nesting_within_bounds_still_gets_the_exact_message(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("team: " + "[" * 120 + "]" * 120 + "\n")
    code, out, _, _ = _validate(path)
    assert code == 1
    assert "nests deeper than 50 levels" in out


def test_brackets_in_comments_do_not_count(tmp_path: Path) -> None:
    from reconciler.policy.loader import load_bytes

    text = "team:\n  name: x\n" + "# " + "[" * 500 + "\n"
    assert load_bytes(text.encode(), "x").data == {"team": {"name": "x"}}


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_refused_unread(tmp_path: Path, target: str) -> None:
    if not os.path.exists(target):
        pytest.skip(f"no {target} here")
    link = tmp_path / "zeta.yaml"
    link.symlink_to(target)
    code, out, _, _ = _validate(link)
    assert code == 1
    assert f"{link}:1:1: not a regular file (a character device)" in out


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "zeta.yaml"
    os.mkfifo(fifo)
    code, out, _, _ = _validate(fifo)
    assert code == 1
    assert f"{fifo}:1:1: not a regular file (a FIFO)" in out


def test_apply_of_a_device_is_refused_unread(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apply", "/dev/zero"]) == 1
    assert "/dev/zero: not a regular file (a character device)" in capsys.readouterr().err


def test_a_directory_of_policies_skips_special_files(tmp_path: Path) -> None:
    good = (HERE.parent / "policy" / "good").glob("*.yaml")
    first = next(iter(sorted(good)))
    (tmp_path / "team.yaml").write_text(first.read_text())
    os.mkfifo(tmp_path / "fifo.yaml")
    code, _, err, _ = _validate(tmp_path)
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["schedule", "--from", "9999-12-01"], "--from 9999-12-01T00:00:00+00:00 is out of range"),
        (["schedule", "--from", "1900-01-01"], "--from 1900-01-01T00:00:00+00:00 is out of range"),
    ],
)
def test_dates_out_of_range_are_refused(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 1
    assert message in capsys.readouterr().err


def test_reconcile_now_out_of_range_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("RECONCILE_NOW", "9999-12-31T00:00:00Z")
    assert main(["--sandbox", str(tmp_path / "s.json"), "sandbox", "init"]) == 0
    assert main(["--sandbox", str(tmp_path / "s.json"), "plan"]) == 1
    assert "RECONCILE_NOW 9999-12-31T00:00:00+00:00 is out of range" in capsys.readouterr().err


def test_the_sandbox_clock_stays_in_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sandbox = ["--sandbox", str(tmp_path / "s.json")]
    assert main([*sandbox, "sandbox", "init"]) == 0
    assert main([*sandbox, "sandbox", "clock", "set", "9999-01-01"]) == 1
    assert main([*sandbox, "sandbox", "clock", "advance", "99999999w"]) == 1
    err = capsys.readouterr().err
    assert err.count("is out of range") == 2
