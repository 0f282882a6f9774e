"""Sandbox scenarios run twice: in-process (httpx transport) and over TCP against
`reconcile sandbox serve`. Every exchange is recorded and checked against the vendors' specs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from reconciler.backends.factory import Writers, writers
from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.slack import client as slack
from reconciler.clients.http import Pacer, RetryPolicy
from reconciler.clients.secrets import Secret
from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import BOT_TOKEN, OPSGENIE_KEY, USER_TOKEN, seed_state
from reconciler.sandbox.state import SandboxState
from reconciler.sandbox.transport import SandboxTransport
from tests.contract import check_exchange
from tests.helpers import served_sandbox


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
    stack = ExitStack()
    if request.param == "in-process":
        emulator = Emulator(SandboxState.load(path))
        recording = Recording(SandboxTransport(emulator))
        base = "http://sandbox.invalid"
    else:
        emulator = None
        base = stack.enter_context(served_sandbox(path))
        recording = Recording(httpx.HTTPTransport())
    og = opsgenie.OpsGenieConfig(base, Secret(OPSGENIE_KEY))
    sl = slack.SlackConfig(f"{base}/api", Secret(BOT_TOKEN), Secret(USER_TOKEN))
    clients = writers(og, sl, transport=recording, pacer=Pacer({}), **options)
    try:
        yield Sandbox(request.param, path, clients, recording, emulator)
    finally:
        clients.close()
        stack.close()
    problems = [p for req, resp in recording.exchanges for p in check_exchange(req, resp)]
    assert not problems, "contract violations:\n" + "\n".join(problems)
