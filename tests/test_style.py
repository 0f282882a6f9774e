"""The code stays lint-clean, formatted and type-checked (mypy --strict), so reviews are about
behaviour and a misspelt name fails here, not for a user."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUFF = Path(sys.executable).parent / "ruff"
MYPY = Path(sys.executable).parent / "mypy"
REPO = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not RUFF.exists(), reason="ruff comes with the test extras")
@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str]) -> None:
    result = subprocess.run([str(RUFF), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_finds_nothing() -> None:
    """mypy --strict over reconciler/ (pyproject's [tool.mypy]); its cache keeps reruns quick."""
    assert MYPY.exists(), "mypy comes with the test extras"
    result = subprocess.run(
        [str(MYPY), "--config-file", str(REPO / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
