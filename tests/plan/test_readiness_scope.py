"""`--readiness-of on-duty`: only the people whose problems are errors are read (on call now or
next, the technical manager); everyone else's two reads are saved."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import seed_state


@pytest.fixture
def sandbox(tmp_path: Path) -> Path:
    state = seed_state()
    og = state.data["opsgenie"]
    blair = next(u["id"] for u in og["users"] if u["username"] == "blair.chen@example.com")
    og["contacts"][blair] = []  # on call now (the seed's clock), and cannot be paged
    state.path = tmp_path / "sandbox.json"
    state.save()
    return state.path


def _plan(sandbox: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    capsys.readouterr()
    main(["--sandbox", str(sandbox), "plan", *extra])
    return capsys.readouterr().out


def test_on_duty_reads_only_whose_problems_are_errors(
    sandbox: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[str] = []
    real = Emulator.handle

    def counting(self: Emulator, request):  # type: ignore[no-untyped-def]
        if request.path.startswith("/v2/users/"):
            reads.append(request.path.split("/")[3])
        return real(self, request)

    monkeypatch.setattr(Emulator, "handle", counting)
    everyone = _plan(sandbox, capsys)
    assert "warning: Delivery: emery.novak@example.com" in everyone
    assert "error: Delivery: blair.chen@example.com (on call now)" in everyone
    read_for_everyone = set(reads)
    reads.clear()
    on_duty = _plan(sandbox, capsys, "--readiness-of", "on-duty")
    assert "emery.novak@example.com: OpsGenie" not in on_duty
    assert "error: Delivery: blair.chen@example.com (on call now)" in on_duty
    assert set(reads) < read_for_everyone
    assert "emery.novak@example.com" not in set(reads)


def _waits_for_readiness(monkeypatch: pytest.MonkeyPatch, path: str) -> list[bool]:
    """Make the request for `path` wait (up to 5 s) for the first readiness read to be sent:
    it passes only when readiness is read beside it, not after it. Says whether it was."""
    seen: list[bool] = []
    began = threading.Event()
    real = Emulator.handle

    def waiting(self: Emulator, request):  # type: ignore[no-untyped-def]
        if request.path.startswith("/v2/users/"):
            began.set()
        elif request.path == path and not seen:
            seen.append(began.wait(timeout=5))
        return real(self, request)

    monkeypatch.setattr(Emulator, "handle", waiting)
    return seen


def test_everyones_readiness_is_read_beside_the_structural_reads(
    sandbox: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _waits_for_readiness(monkeypatch, "/v2/teams")
    assert "error: Delivery: blair.chen@example.com (on call now)" in _plan(sandbox, capsys)
    assert seen == [True]


def test_on_duty_readiness_is_read_beside_slacks_reads(
    sandbox: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _waits_for_readiness(monkeypatch, "/api/conversations.members")
    out = _plan(sandbox, capsys, "--readiness-of", "on-duty")
    assert "error: Delivery: blair.chen@example.com (on call now)" in out
    assert seen == [True]
