"""A sentinel credential, echoed back by a hostile vendor in every text field, appears nowhere.

The served sandbox answers with the caller's Authorization header appended to every free-text
field (Slack's warning, error, needed, response_metadata, purposes, topics, message text; OpsGenie's
message, errors, descriptions). Every command runs against it over TCP with debug logging on, and
the sentinels must not appear in stdout, stderr, the logs, plan files, JSON output, written
policies, or anything reconcile wrote to the vendors (posts, descriptions, purposes).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.sandbox.seed import SEED_NOW, seed_state
from reconciler.sandbox.state import SandboxState
from tests.helpers import served_sandbox
from tests.plan.conftest import delivery, write_policy

pytestmark = pytest.mark.e2e
SENTINELS = {
    "OPSGENIE_API_KEY": "og-SENTINEL-5e3b9a17c2d4",
    "SLACK_BOT_TOKEN": "xoxb-SENTINEL-bot-88f1c0de",
    "SLACK_USER_TOKEN": "xoxp-SENTINEL-user-4a6b2e90",
}


class Session:
    def __init__(self, env: dict[str, str], state: Path, cwd: Path) -> None:
        self.env, self.state, self.cwd = env, state, cwd
        self.seen: list[str] = []

    def __call__(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the CLI; `env`: this run's environment instead of the session's."""
        done = subprocess.run(
            [sys.executable, "-m", "reconciler", *args],
            capture_output=True,
            text=True,
            env=env or self.env,
            cwd=self.cwd,
            timeout=120,
        )
        self.seen += [done.stdout, done.stderr]
        return done


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.data["opsgenie"]["api_key"] = SENTINELS["OPSGENIE_API_KEY"]
    state.data["slack"]["bot"]["token"] = SENTINELS["SLACK_BOT_TOKEN"]
    state.data["slack"]["user_token"]["token"] = SENTINELS["SLACK_USER_TOKEN"]
    state.data["echo_credentials"] = True
    state.save()
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSGENIE_", "SLACK_", "RECONCILE_"))
    }
    with served_sandbox(state.path, base) as address:
        env = {
            **base,
            **SENTINELS,
            "OPSGENIE_API_URL": address,
            "SLACK_API_URL": f"{address}/api",
            "RECONCILE_NOW": SEED_NOW,
            "RECONCILE_LOG": "debug",
            "NO_COLOR": "1",
        }
        yield Session(env, state.path, tmp_path)


def _leaks(text: str) -> list[str]:
    return [name for name, value in SENTINELS.items() if value in text]


def test_the_hostile_sandbox_does_echo_the_credentials(session: Session) -> None:
    import httpx

    answer = httpx.post(
        f"{session.env['SLACK_API_URL']}/conversations.list",
        headers={"Authorization": f"Bearer {SENTINELS['SLACK_BOT_TOKEN']}"},
    )
    assert SENTINELS["SLACK_BOT_TOKEN"] in answer.text  # else this test proves nothing


def test_no_command_leaks_an_echoed_credential(session: Session, tmp_path: Path) -> None:
    policies = write_policy(tmp_path, delivery())
    plan_file = tmp_path / "out.plan"
    run = session
    assert run("validate", policies).returncode == 0
    run("schedule", policies, "--weeks", "2")
    run("plan", policies)
    run("plan", policies, "--format", "markdown")
    run("plan", policies, "--format", "json", "--out", str(plan_file))
    run("drift", policies, "--format", "json")
    run("drift", policies, "--post-to", "delivery")
    run("apply", str(plan_file))
    run("apply", "--policies", policies, "--auto-approve")
    run("sync", policies)
    run("sync", policies, "--dry-run")
    run("import", "--team", "Delivery", "--channel", "delivery", "--out", str(tmp_path / "i.yaml"))
    run("import", "--team", "Nobody")  # an error path: the vendor's refusal in our message
    run("plan", policies, "--target", "Nobody")
    failing = {**run.env, "OPSGENIE_API_KEY": "og-SENTINEL-wrong-key-0000"}
    refused = run("plan", policies, env=failing)
    assert refused.returncode == 1 and "HTTP 401" in refused.stderr
    assert "og-SENTINEL-wrong-key-0000" not in refused.stdout + refused.stderr
    # Debug logging was on: there were log lines to leak into.
    assert any("DEBUG reconciler.http" in text for text in run.seen)
    for text in run.seen:
        assert not _leaks(text), text[-2000:]
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != session.state:
            assert not _leaks(path.read_text(errors="replace")), path
    written = SandboxState.load(session.state).data
    assert plan_file.exists() and (tmp_path / "i.yaml").exists()
    posts = [m["text"] for m in written["slack"]["messages"]]
    assert any("drift report" in p.lower() for p in posts)
    for post in posts:
        assert not _leaks(post), post
    descriptions = [
        json.dumps(o.get("description"))
        for kind in ("teams", "schedules", "escalations")
        for o in written["opsgenie"][kind]
    ]
    purposes = [json.dumps(c.get("purpose")) for c in written["slack"]["channels"]]
    for text in descriptions + purposes:
        assert not _leaks(text), text


JSM_SENTINEL = "atl-SENTINEL-token-7d2c5b19"


def test_no_jsm_command_leaks_an_echoed_credential(tmp_path: Path) -> None:
    """The same hostile vendor as JSM Operations: Basic auth's header, and the email:token
    pair inside it, echoed in every text field; plan, apply, import and migrate keep none."""
    from reconciler.sandbox.seed_jsm import JSM_EMAIL, jsm_site
    from tests.helpers import served_env

    state = seed_state()
    jsm_site(state, migrated=False)
    state.path = tmp_path / "sandbox.json"
    state.data["jsm"]["credentials"][0]["token"] = JSM_SENTINEL
    state.data["echo_credentials"] = True
    state.save()
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPSGENIE_", "SLACK_", "RECONCILE_", "JSM_", "ATLASSIAN_"))
    }
    with served_sandbox(state.path, base) as address:
        env = {
            **base,
            **served_env(address),
            "ATLASSIAN_API_TOKEN": JSM_SENTINEL,
            "ATLASSIAN_EMAIL": JSM_EMAIL,
            "RECONCILE_ONCALL_BACKEND": "jsm",
            "RECONCILE_NOW": SEED_NOW,
            "RECONCILE_LOG": "debug",
        }
        run = Session(env, state.path, tmp_path)
        import httpx

        echoed = httpx.get(
            f"{address}/jsm/ops/api/{state.data['jsm']['cloud_id']}/v1/teams",
            auth=(JSM_EMAIL, JSM_SENTINEL),
        )
        assert JSM_SENTINEL in echoed.text  # else this test proves nothing
        policies = write_policy(tmp_path, delivery())
        run("plan", policies)
        applied = run("apply", "--policies", policies, "--auto-approve")
        # JSM's writes go through (Slack's group refuses this echoing sandbox's token).
        assert "+ team Delivery: created" in applied.stdout, applied.stdout + applied.stderr
        run("import", "--team", "Delivery", "--out", str(tmp_path / "p.yaml"))
        run("migrate", policies)
        wrong = {**env, "ATLASSIAN_API_TOKEN": "atl-SENTINEL-wrong-0000"}
        run("plan", policies, env=wrong)
    assert any("DEBUG reconciler.http" in text for text in run.seen)
    assert (tmp_path / "p.yaml").exists()
    for text in run.seen:
        assert JSM_SENTINEL not in text and "atl-SENTINEL-wrong" not in text, text[-2000:]
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != state.path:
            assert JSM_SENTINEL not in path.read_text(errors="replace"), path
    written = SandboxState.load(state.path).data["jsm"]
    for team in written["teams"]:
        assert JSM_SENTINEL not in json.dumps(team.get("description")), team
