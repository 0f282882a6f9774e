"""End to end on JSM Operations: the real CLI, as separate processes, against the served sandbox's
JSM site over TCP, the cloud id found through tenant_info as against a real site.

A new site (no teams): plan creates the Delivery team from policies/delivery.yaml, apply makes
it (Teams API, then the asynchronous enable-ops), and plan says "No changes.".
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sandbox.seed import SEED_NOW
from reconciler.sandbox.seed_jsm import JSM_TOKEN
from tests.e2e.test_sandbox_tcp import reconcile
from tests.helpers import served_env, served_sandbox

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(tmp_path: Path) -> Iterator[dict[str, str]]:
    path = tmp_path / "sandbox.json"
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSGENIE_", "SLACK_", "RECONCILE_", "JSM_", "ATLASSIAN_"))
    }
    made = reconcile("sandbox", "init", str(path), "--jsm-site", "new", env=base_env)
    assert made.returncode == 0, made.stderr
    with served_sandbox(path, base_env) as address:
        yield {
            **base_env,
            **served_env(address),
            "RECONCILE_ONCALL_BACKEND": "jsm",
            "RECONCILE_NOW": SEED_NOW,
            "NO_COLOR": "1",
        }


def test_plan_apply_plan_on_jsm_over_tcp(served: dict[str, str]) -> None:
    first = reconcile("plan", "--detailed-exitcode", env=served)
    assert first.returncode == 2, first.stdout + first.stderr
    for line in (
        "# JSM Operations team Delivery will be created: declared, not in JSM Operations",
        "+ team Delivery",
        "+ rotation Delivery_eoc_schedule/engineer-on-call",
        "+ escalation Delivery_oncall_escalation",
    ):
        assert line in first.stdout, first.stdout
    applied = reconcile("apply", "--auto-approve", env=served)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    second = reconcile("plan", "--detailed-exitcode", env=served)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "No changes. JSM Operations and Slack match the policy." in second.stdout
    for result in (first, applied, second):
        assert JSM_TOKEN not in result.stdout + result.stderr


def test_a_wrong_token_is_a_clear_error(served: dict[str, str]) -> None:
    result = reconcile("plan", env={**served, "ATLASSIAN_API_TOKEN": "not-the-token"})
    assert result.returncode == 1
    assert "JSM Operations: GET /v1/teams failed: HTTP 401" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_policy_can_name_the_backend(served: dict[str, str], tmp_path: Path) -> None:
    policy = (Path.cwd() / "policies" / "delivery.yaml").read_text()
    (tmp_path / "delivery.yaml").write_text(
        policy.replace("on_call:\n", "on_call:\n  backend: jsm\n", 1)
    )
    env = {k: v for k, v in served.items() if k != "RECONCILE_ONCALL_BACKEND"}
    result = reconcile("plan", str(tmp_path), env=env)
    assert "+ team Delivery" in result.stdout and "JSM Operations team" in result.stdout
