"""End to end: the real CLI, as separate processes, against `reconcile sandbox serve` over TCP.

plan shows the seeded drift; apply makes it so; plan says "No changes."; drift agrees.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sandbox.seed import BOT_TOKEN, OPSGENIE_KEY, SEED_NOW, USER_TOKEN
from tests.helpers import served_sandbox

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[2]


def reconcile(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path.cwd(),  # the suite's policy repository (tests/conftest.py)
        timeout=120,
    )


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    path = tmp_path / "sandbox.json"
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSGENIE_", "SLACK_", "RECONCILE_"))
    }
    assert reconcile("sandbox", "init", str(path), env=base_env).returncode == 0
    with served_sandbox(path, base_env) as address:
        env = {
            **base_env,
            "OPSGENIE_API_URL": address,
            "OPSGENIE_API_KEY": OPSGENIE_KEY,
            "SLACK_API_URL": f"{address}/api",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_USER_TOKEN": USER_TOKEN,
            "RECONCILE_NOW": SEED_NOW,
            "NO_COLOR": "1",
        }
        yield env


def test_plan_apply_plan_converges_over_tcp(served: dict[str, str]) -> None:
    first = reconcile("plan", "--detailed-exitcode", env=served)
    assert first.returncode == 2, first.stderr
    for line in (
        "~ team Delivery",
        "~ rotation Delivery_eoc_schedule/engineer-on-call",
        "- at 15m if-not-acked notify default user taylor.manager@example.com",
        "+ at 10m if-not-acked notify default user taylor.manager@example.com",
        "on call now: blair.chen@example.com (unchanged)",
        "Plan: 0 to add, 8 to change, 0 to destroy.",
    ):
        assert line in first.stdout
    applied = reconcile("apply", "--auto-approve", env=served)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete! Resources: 0 added, 8 changed, 0 destroyed." in applied.stdout
    second = reconcile("plan", "--detailed-exitcode", env=served)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "No changes. OpsGenie and Slack match the policy." in second.stdout
    drift = reconcile("drift", "--exit-code", env=served)
    assert drift.returncode == 0 and "Drift fingerprint: none" in drift.stdout


def test_credentials_never_reach_the_output(served: dict[str, str]) -> None:
    result = reconcile("plan", "--format", "json", env={**served, "RECONCILE_DEBUG": "1"})
    for secret in (OPSGENIE_KEY, BOT_TOKEN, USER_TOKEN):
        assert secret not in result.stdout + result.stderr


def test_a_wrong_key_is_a_clear_error(served: dict[str, str]) -> None:
    result = reconcile("plan", env={**served, "OPSGENIE_API_KEY": "wrong"})
    assert result.returncode == 1
    assert "OpsGenie: GET /v2/teams failed: HTTP 401" in result.stderr
    assert "Traceback" not in result.stderr
