"""Plan scenarios run the CLI in-process against a freshly seeded sandbox file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import seed_state
from reconciler.sandbox.state import SandboxState


class Run:
    def __init__(self, path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.path = path
        self.capsys = capsys
        self.out = self.err = ""

    def __call__(self, *args: str) -> int:
        self.capsys.readouterr()
        code = main(["--sandbox", str(self.path), *args])
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def json(self, *args: str) -> dict[str, Any]:
        assert self(*args, "--format", "json") in (0, 2), self.err
        return json.loads(self.out)

    def state(self) -> SandboxState:
        return SandboxState.load(self.path)

    def edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        state = self.state()
        change(state.data)
        state.save()


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    return Run(state.path, capsys)


def write_policy(tmp_path: Path, text: str, name: str = "delivery.yaml") -> str:
    folder = tmp_path / "policies"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return str(folder)


DELIVERY = Path(__file__).resolve().parents[1] / "fixtures" / "policies" / "delivery.yaml"
# A second team, for tests that make one from nothing.
PAYMENTS = (Path(__file__).resolve().parents[1] / "fixtures" / "payments.yaml").read_text()


def delivery(**replacements: str) -> str:
    text = DELIVERY.read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def cover(away: str) -> str:
    """A policy's cover section: `away` off over Christmas week, Blair covering; one swap."""
    return f"""
cover:
  away:
    - person: {away}
      from: "2026-12-21 10:00"
      to: "2026-12-28 10:00"
      by: blair.chen@example.com
      reason: holiday
  swaps:
    - shifts: [2027-01-04, 2027-01-11]
      reason: family event
"""
