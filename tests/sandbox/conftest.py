"""Sandbox scenarios run twice: in-process (httpx transport) and over TCP against
`reconcile sandbox serve`. Every exchange is recorded and checked against the vendors' specs."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from reconciler.clients import opsgenie, slack
from reconciler.clients.factory import Writers, writers
from reconciler.clients.http import Pacer, RetryPolicy
from reconciler.clients.secrets import Secret
from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import BOT_TOKEN, OPSGENIE_KEY, USER_TOKEN, seed_state
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.transport import SandboxTransport
from tests.contract import check_exchange


class Recording(httpx.BaseTransport):
    """Keeps every request and answer that passes, for the contract check."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.exchanges.append((request, response))
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class Sandbox:
    mode: str
    path: Path
    clients: Writers
    recording: Recording
    emulator: Emulator | None  # in-process only

    def state(self) -> SandboxState:
        """The state as the emulator holds it (the file, for the TCP server)."""
        if self.emulator is not None:
            return self.emulator.state
        return SandboxState.load(self.path)

    def edit(self, change) -> None:
        """Change the sandbox behind the APIs' back, as a test setup step."""
        state = self.state()
        with state.lock:
            change(state.data)
            state.save()


def _serve(path: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "--sandbox",
            str(path),
            "sandbox",
            "serve",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "serving on" not in line:
        process.kill()
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"sandbox serve did not start: {line}{err}")
    return process, line.strip().rsplit(" ", 1)[-1]


@pytest.fixture(params=["in-process", "tcp"])
def sandbox(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sandbox]:
    path = tmp_path / "sandbox.json"
    state = seed_state()
    state.path = path
    state.save()
    options = {
        "retry": RetryPolicy(attempts=3, rate_limit_attempts=3, backoff_base=0.01),
        "rng": random.Random(3),
        "timeout": 5.0,
    }
    process = None
    if request.param == "in-process":
        emulator = Emulator(SandboxState.load(path))
        recording = Recording(SandboxTransport(emulator))
        base = "http://sandbox.invalid"
    else:
        emulator = None
        process, base = _serve(path)
        recording = Recording(httpx.HTTPTransport())
    og = opsgenie.OpsGenieConfig(base, Secret(OPSGENIE_KEY))
    sl = slack.SlackConfig(f"{base}/api", Secret(BOT_TOKEN), Secret(USER_TOKEN))
    clients = writers(og, sl, transport=recording, pacer=Pacer({}), **options)
    try:
        yield Sandbox(request.param, path, clients, recording, emulator)
    finally:
        clients.close()
        if process is not None:
            process.terminate()
            process.communicate(timeout=10)  # also closes the pipes
    problems = [p for req, resp in recording.exchanges for p in check_exchange(req, resp)]
    assert not problems, "contract violations:\n" + "\n".join(problems)
