"""The backend conformance suite: what every on-call backend must do, run against each.

OpsGenie and JSM Operations run on the sandbox; the in-memory backend
(tests/conformance/memory_backend.py) registers through the registry like any new backend
would. The same engine, commands and policy drive all three: create a team from nothing and
converge, re-anchor a rotation without changing who is on call now, refuse to touch what it does
not own, hand off at 10:00 local across a daylight saving change, and survive a failed write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from reconciler import connect, live
from reconciler.backends import registry
from reconciler.backends.base import OnCallWriter
from reconciler.cli import main
from reconciler.sandbox.seed import seed_state
from reconciler.sandbox.state import SandboxState
from reconciler.settings import Settings
from tests.conformance import memory_backend
from tests.helpers import served_env, served_sandbox
from tests.plan.conftest import PAYMENTS, write_policy

POLICY = PAYMENTS
NOW = "2027-03-10T18:00:00+00:00"  # a Wednesday, five days before the March change


@dataclass
class Subject:
    name: str
    sandbox: Path
    policies: str
    capsys: pytest.CaptureFixture[str]
    fail_next_write: Callable[[str], None]
    out: str = ""
    served: bool = False  # over TCP: the environment names the served sandbox
    opened: list[OnCallWriter] = field(default_factory=list)

    def __call__(self, *args: str) -> int:
        self.capsys.readouterr()
        code = main([*([] if self.served else ["--sandbox", str(self.sandbox)]), *args])
        self.out = self.capsys.readouterr().out
        return code

    def apply(self) -> int:
        return self("apply", "--policies", self.policies, "--auto-approve", "--no-timeline-check")

    def plan_is_empty(self) -> bool:
        return self("plan", self.policies, "--no-readiness", "--detailed-exitcode") == 0

    def writer(self) -> OnCallWriter:
        settings = Settings(None if self.served else self.sandbox)
        writer = registry.on_call_backend().writer(connect.connection(settings))
        self.opened.append(writer)
        return writer

    def close(self) -> None:
        for writer in self.opened:
            writer.close()

    def on_call(self, at: datetime) -> list[str]:
        backend = self.writer()
        schedule = next(s for s in backend.schedules() if s.name == "Payments_eoc_schedule")
        return backend.on_call(schedule.id, at)


@pytest.fixture(params=["opsgenie", "jsm", "jsm-tcp", "memory"])
def subject(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Subject]:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    monkeypatch.setenv("RECONCILE_NOW", NOW)
    policies = write_policy(tmp_path, POLICY, "payments.yaml")
    if request.param == "memory":
        memory_backend.register()
        memory_backend.STORE.__init__()  # a fresh world for each test
        monkeypatch.setenv("RECONCILE_ONCALL_BACKEND", "memory")

        def fail(method: str) -> None:
            memory_backend.STORE.fail_once.add(method)
    else:
        if request.param.startswith("jsm"):
            monkeypatch.setenv("RECONCILE_ONCALL_BACKEND", "jsm")

        def fail(method: str) -> None:
            paths = {
                "create_escalation": "POST /v2/escalations$"
                if request.param == "opsgenie"
                else "POST /jsm/ops/api/[^/]+/v1/teams/[^/]+/escalations$"
            }
            sandbox = SandboxState.load(state.path)
            sandbox.data["faults"] = {
                "seed": 1,
                "rules": [{"match": paths[method], "kind": "5xx", "times": 1}],
            }
            sandbox.save()

    if request.param != "jsm-tcp":
        subject = Subject(request.param, state.path, policies, capsys, fail)
        yield subject
        subject.close()
        return
    with served_sandbox(state.path) as address:
        for name, value in served_env(address).items():
            monkeypatch.setenv(name, value)
        subject = Subject(request.param, state.path, policies, capsys, fail, served=True)
        yield subject
        subject.close()


def test_create_a_team_from_nothing_and_converge(subject: Subject) -> None:
    assert subject("plan", subject.policies, "--no-readiness") == 0
    assert "+ team Payments" in subject.out
    assert subject.apply() == 0, subject.out
    assert subject.plan_is_empty(), subject.out


def test_re_anchor_a_rotation_without_changing_who_is_on_call_now(subject: Subject) -> None:
    assert subject.apply() == 0
    now = datetime.fromisoformat(NOW)
    before = subject.on_call(now)
    Path(subject.policies, "payments.yaml").write_text(
        POLICY.replace(
            "participants: [parker.eng@example.com, sage.eng@example.com, logan.eng@example.com]",
            "participants: [parker.eng@example.com, logan.eng@example.com, sage.eng@example.com]",
        )
    )
    assert subject("plan", subject.policies, "--no-readiness") == 0
    assert "~ rotation Payments_eoc_schedule/engineer-on-call" in subject.out
    assert "(unchanged)" in subject.out
    assert subject.apply() == 0, subject.out
    assert subject.on_call(now) == before
    assert subject.plan_is_empty()


def test_refuse_what_it_does_not_own(subject: Subject) -> None:
    subject.writer().create_team(
        "Payments", "made by hand", [live.TeamMember("parker.eng@example.com", "admin")]
    )
    assert subject("plan", subject.policies, "--no-readiness") == 0
    assert "does not carry reconcile's ownership marker" in subject.out
    subject.apply()
    [team] = [t for t in subject.writer().teams() if t.name == "Payments"]
    assert team.description == "made by hand"


def test_who_is_on_call_hands_off_at_ten_local_across_daylight_saving(subject: Subject) -> None:
    assert subject.apply() == 0
    cst = subject.on_call(datetime.fromisoformat("2027-03-08T15:30:00+00:00"))  # 09:30 CST
    cst_after = subject.on_call(datetime.fromisoformat("2027-03-08T16:30:00+00:00"))  # 10:30
    cdt = subject.on_call(datetime.fromisoformat("2027-03-15T14:30:00+00:00"))  # 09:30 CDT
    cdt_after = subject.on_call(datetime.fromisoformat("2027-03-15T15:30:00+00:00"))  # 10:30
    assert cst != cst_after and cst_after == cdt and cdt != cdt_after
    assert subject("plan", subject.policies, "--no-readiness") == 0
    assert "mismatch" not in subject.out  # the vendor's timeline agrees with the model


def test_survive_a_failed_write(subject: Subject) -> None:
    subject.fail_next_write("create_escalation")
    assert subject.apply() == 1
    assert "FAILED" in subject.out
    assert subject.apply() == 0, subject.out
    assert subject.plan_is_empty()
    names = [t.name for t in subject.writer().teams()] + [
        e.name for e in subject.writer().escalations()
    ]
    assert names.count("Payments") == 1 and names.count("Payments_oncall_escalation") == 1
