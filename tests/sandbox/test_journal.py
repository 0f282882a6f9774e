"""The sandbox saves in batches: each write is journaled (appended) at once, the whole file is
written every 50 writes or second, and a process killed in between loses nothing."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx

from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import OPSGENIE_KEY, seed_state
from reconciler.sandbox.state import BATCH, SandboxState
from reconciler.sandbox.transport import SandboxTransport
from tests.helpers import SERVERS, served_sandbox

HEADERS = {"Authorization": f"GenieKey {OPSGENIE_KEY}"}


def _sandbox(tmp_path: Path) -> Path:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    return state.path


def _team(client: httpx.Client, name: str) -> None:
    made = client.post("/v2/teams", json={"name": name, "description": "d"}, headers=HEADERS)
    assert made.status_code == 201, made.text


def test_writes_are_journaled_not_each_a_whole_file(tmp_path: Path) -> None:
    path = _sandbox(tmp_path)
    before = path.stat().st_mtime_ns
    state = SandboxState.load(path)
    with httpx.Client(transport=SandboxTransport(Emulator(state)), base_url="http://s") as c:
        for i in range(5):
            _team(c, f"Journal{i}")
    assert path.stat().st_mtime_ns == before  # the file was not rewritten
    lines = Path(f"{path}.journal").read_text().splitlines()
    assert len(lines) == 5
    assert OPSGENIE_KEY not in "".join(lines)  # which credential, never the credential
    fresh = SandboxState.load(path)  # another process: the journal is replayed
    names = {t["name"] for t in fresh.data["opsgenie"]["teams"]}
    assert {f"Journal{i}" for i in range(5)} <= names
    ids = {t["name"]: t["id"] for t in state.data["opsgenie"]["teams"]}
    assert {t["name"]: t["id"] for t in fresh.data["opsgenie"]["teams"]} == ids  # same ids


def test_a_batch_is_saved_whole_and_the_journal_emptied(tmp_path: Path) -> None:
    path = _sandbox(tmp_path)
    state = SandboxState.load(path)
    with httpx.Client(transport=SandboxTransport(Emulator(state)), base_url="http://s") as c:
        for i in range(BATCH):
            _team(c, f"Batch{i}")
    assert not Path(f"{path}.journal").exists()
    saved = {t["name"] for t in json.loads(path.read_text())["opsgenie"]["teams"]}
    assert f"Batch{BATCH - 1}" in saved


def test_a_killed_server_loses_no_write(tmp_path: Path) -> None:
    path = _sandbox(tmp_path)
    with served_sandbox(path) as address:
        with httpx.Client(base_url=address) as client:
            for i in range(3):
                _team(client, f"Killed{i}")
        SERVERS[address].send_signal(signal.SIGKILL)  # no chance to save anything
        SERVERS[address].wait(timeout=10)
    names = {t["name"] for t in SandboxState.load(path).data["opsgenie"]["teams"]}
    assert {"Killed0", "Killed1", "Killed2"} <= names
