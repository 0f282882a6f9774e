"""The code stays lint-clean and formatted, so reviews are about behaviour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUFF = Path(sys.executable).parent / "ruff"


@pytest.mark.skipif(not RUFF.exists(), reason="ruff comes with the test extras")
@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff(args: list[str]) -> None:
    result = subprocess.run([str(RUFF), *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
