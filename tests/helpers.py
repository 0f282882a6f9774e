"""Helpers shared by test packages."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVERS: dict[str, subprocess.Popen[str]] = {}  # address -> its process, for tests that kill it


@contextmanager
def served_sandbox(path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """`reconcile sandbox serve --port 0` on `path` as its own process; yields its address."""
    env = {**(env if env is not None else os.environ), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "reconciler",
        "--sandbox",
        str(path),
        "sandbox",
        "serve",
        "--port",
        "0",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "serving on" not in line:
            process.kill()
            _, err = process.communicate(timeout=10)
            raise AssertionError(f"sandbox serve did not start: {line}{err}")
        address = line.strip().rsplit(" ", 1)[-1]
        assert address.startswith("http://127.0.0.1:"), address
        SERVERS[address] = process
        yield address
        SERVERS.pop(address, None)
    finally:
        if process.poll() is None:
            process.terminate()
        process.communicate(timeout=10)  # also closes the pipes


def served_env(address: str) -> dict[str, str]:
    """The environment that points every client at a served sandbox, with its credentials:
    OpsGenie, Slack, and the JSM site (its cloud id found through tenant_info, as in life)."""
    from reconciler.sandbox.seed import BOT_TOKEN, OPSGENIE_KEY, USER_TOKEN
    from reconciler.sandbox.seed_jsm import JSM_EMAIL, JSM_TOKEN, ORG_ID

    return {
        "OPSGENIE_API_URL": address,
        "OPSGENIE_API_KEY": OPSGENIE_KEY,
        "SLACK_API_URL": f"{address}/api",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_USER_TOKEN": USER_TOKEN,
        "JSM_SITE": address,
        "JSM_API_URL": address,
        "ATLASSIAN_EMAIL": JSM_EMAIL,
        "ATLASSIAN_API_TOKEN": JSM_TOKEN,
        "ATLASSIAN_ORG_ID": ORG_ID,
        "RECONCILE_JSM_POLL_SECONDS": "0.01",
    }
