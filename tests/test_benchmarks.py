"""The benchmarks run, at a tiny size, so a refactor cannot leave them broken unnoticed.

Nothing here is timed: the figures and their bounds are the benchmarks' own business.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize(
    ("script", "arguments"),
    [
        ("plan.py", ["--teams", "2", "--latency-ms", "0"]),
        ("plan.py", ["--teams", "2", "--latency-ms", "0", "--backend", "jsm"]),
        ("validate.py", ["--files", "3", "--runs", "1"]),
        ("apply.py", ["--teams", "2", "--latency-ms", "0"]),
    ],
)
def test_the_benchmark_runs_and_prints_its_bounds(script: str, arguments: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "goal" in done.stdout or "bound" in done.stdout
    if script == "plan.py":
        assert "round-trip bound" in done.stdout
    assert "Traceback" not in done.stderr
