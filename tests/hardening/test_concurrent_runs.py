"""Runs that overlap: a scheduled sync and a manual one, two applies on two machines.

Each trial starts two real `reconcile` processes together against one served sandbox over TCP.
The tool keeps no local state, so nothing but the vendors can serialise them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.sandbox.seed import SEED_NOW, seed_state
from reconciler.sandbox.state import SandboxState
from tests.helpers import served_sandbox
from tests.plan.conftest import PAYMENTS, delivery, write_policy

pytestmark = pytest.mark.e2e
HANDOFF = "2026-12-07T16:05:00+00:00"  # Monday 10:05 CST, five minutes after a handoff


def _env(address: str, now: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSGENIE_", "SLACK_", "RECONCILE_"))
    }
    state = seed_state().data
    return {
        **base,
        "OPSGENIE_API_URL": address,
        "OPSGENIE_API_KEY": state["opsgenie"]["api_key"],
        "SLACK_API_URL": f"{address}/api",
        "SLACK_BOT_TOKEN": state["slack"]["bot"]["token"],
        "SLACK_USER_TOKEN": state["slack"]["user_token"]["token"],
        "RECONCILE_NOW": now,
        "NO_COLOR": "1",
    }


def _together(env: dict[str, str], *args: str) -> list[subprocess.CompletedProcess[str]]:
    """Two processes of `reconcile ARGS`, started back to back, run to the end."""
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "reconciler", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    done = []
    for process in started:
        out, err = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return done


@pytest.mark.parametrize("trial", range(5))
def test_two_syncs_at_a_handoff_post_once_and_do_the_duty_once(
    tmp_path: Path, trial: int, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = write_policy(tmp_path, delivery())
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    sandbox = ["--sandbox", str(state.path)]
    assert main([*sandbox, "apply", "--policies", policies, "--auto-approve"]) == 0
    assert main([*sandbox, "sandbox", "clock", "set", HANDOFF]) == 0
    before = SandboxState.load(state.path).data["slack"]
    posts_before = len(before["messages"])
    audit_before = len(before.get("audit", []))
    capsys.readouterr()

    with served_sandbox(state.path) as address:
        runs = _together(_env(address, HANDOFF), "sync", policies)
    for run in runs:
        assert run.returncode == 0, run.stdout + run.stderr
        assert "Traceback" not in run.stderr

    slack = SandboxState.load(state.path).data["slack"]
    new_posts = slack["messages"][posts_before:]
    assert len(new_posts) == 1, [m["text"][:60] for m in new_posts]
    assert new_posts[0]["metadata"]["event_type"] == "reconcile_handoff"
    effects = [(e["event"], e["channel"], e["user"]) for e in slack["audit"][audit_before:]]
    assert effects, "the handoff's channel duty was not done"
    assert len(effects) == len(set(effects)), effects  # each invite and removal once
    channels = {c["id"]: c["name"] for c in slack["channels"]}
    assert ("removed", "incidents") in {(event, channels[c]) for event, c, _ in effects}


def test_two_applies_at_once_fail_cleanly_and_leave_no_duplicates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policies = write_policy(tmp_path, PAYMENTS, "payments.yaml")
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    with served_sandbox(state.path) as address:
        env = _env(address, SEED_NOW)
        runs = _together(env, "apply", "--policies", policies, "--auto-approve")
        codes = sorted(r.returncode for r in runs)
        for run in runs:
            assert "Traceback" not in run.stderr and "internal error" not in run.stderr
            if run.returncode:
                assert "Apply stopped at the first error" in run.stdout, run.stdout + run.stderr
        assert codes in ([0, 0], [0, 1]), [r.stdout + r.stderr for r in runs]

        def reconcile(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "reconciler", *args],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )

        again = reconcile("plan", policies, "--detailed-exitcode", "--format", "json")
        if again.returncode == 2:
            # Rotations and routing rules have no unique names at the vendor: two applies that
            # both read "missing" both make one. The next plan deletes the second copy, and
            # nothing else; one more apply converges.
            import json

            left = [c for c in json.loads(again.stdout)["changes"] if c["action"] != "no-op"]
            assert left and all(
                c["action"] == "delete" and c["name"].endswith("(a second copy)") for c in left
            ), left
            assert reconcile("apply", "--policies", policies, "--auto-approve").returncode == 0
            again = reconcile("plan", policies, "--detailed-exitcode")
    assert again.returncode == 0, again.stdout + again.stderr
    og = SandboxState.load(state.path).data["opsgenie"]
    names = [t["name"] for t in og["teams"]] + [s["name"] for s in og["schedules"]]
    names += [e["name"] for e in og["escalations"]]
    assert names.count("Payments") == 1
    assert len(names) == len(set(names)), names
