"""Vendor-truth scenarios run the CLI twice: in-process against the sandbox file, and against
`reconcile sandbox serve` over loopback TCP (the CLI then speaks real HTTP, credentials from the
environment, as against the vendors)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import seed_state
from tests.helpers import served_sandbox
from tests.plan.conftest import Run, delivery, write_policy


class Cli(Run):
    """The plan scenarios' runner, which can also reach the sandbox over TCP."""

    def __init__(
        self,
        mode: str,
        path: Path,
        policies: str,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        super().__init__(path, capsys)
        self.mode, self.policies, self.monkeypatch = mode, policies, monkeypatch
        self.address: str | None = None

    def __call__(self, *args: str) -> int:
        if self.mode != "tcp":
            return super().__call__(*args)
        self.capsys.readouterr()
        self.monkeypatch.setenv("RECONCILE_NOW", self.state().now().isoformat())
        code = main(list(args))
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        return code

    def plan_json(self, *args: str) -> dict[str, Any]:
        assert self("plan", self.policies, "--format", "json", *args) in (0, 1, 2), self.err
        return json.loads(self.out)

    def apply(self) -> int:
        return self("apply", "--policies", self.policies, "--auto-approve")

    def converged(self) -> bool:
        return self("plan", self.policies, "--detailed-exitcode") == 0

    def clock(self, when: str) -> None:
        assert main(["--sandbox", str(self.path), "sandbox", "clock", "set", when]) == 0

    def policy(self, text: str) -> None:
        Path(self.policies, "delivery.yaml").write_text(text)


@pytest.fixture(params=["in-process", "tcp"])
def cli(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Cli]:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    policies = write_policy(tmp_path, delivery())
    runner = Cli(request.param, state.path, policies, capsys, monkeypatch)
    with ExitStack() as stack:
        if request.param == "tcp":
            address = stack.enter_context(served_sandbox(state.path))
            data = state.data
            for name, value in {
                "OPSGENIE_API_URL": address,
                "OPSGENIE_API_KEY": data["opsgenie"]["api_key"],
                "SLACK_API_URL": f"{address}/api",
                "SLACK_BOT_TOKEN": data["slack"]["bot"]["token"],
                "SLACK_USER_TOKEN": data["slack"]["user_token"]["token"],
                "NO_COLOR": "1",
            }.items():
                monkeypatch.setenv(name, value)
            runner.address = address
        yield runner


from tests.sandbox.conftest import sandbox  # noqa: E402, F401  (a fixture: the clients, both modes)
