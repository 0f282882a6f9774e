"""The Action's script run locally against the sandbox, with GitHub's API replaced by a fake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reconciler.ci import github
from reconciler.render.markdown import MARKER
from reconciler.sandbox.seed import seed_state
from tests.plan.conftest import delivery, write_policy


class FakeGitHub:
    def __init__(self) -> None:
        self.store: dict[int, str] = {1: "an unrelated comment"}
        self.calls: list[str] = []

    def comments(self, number: int) -> list[dict[str, Any]]:
        self.calls.append(f"list {number}")
        return [{"id": i, "body": b} for i, b in self.store.items()]

    def create_comment(self, number: int, body: str) -> None:
        self.calls.append(f"create {number}")
        self.store[max(self.store) + 1] = body

    def update_comment(self, comment_id: int, body: str) -> None:
        self.calls.append(f"update {comment_id}")
        self.store[comment_id] = body


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    state = seed_state()
    state.path = tmp_path / "sandbox.json"
    state.save()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 42}}))
    (tmp_path / "summary.md").write_text("")
    (tmp_path / "output").write_text("")
    return {
        "PATH": "/usr/bin:/bin",
        "RECONCILE_SANDBOX": str(state.path),
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_REPOSITORY": "example/policies",
        "INPUT_PATHS": write_policy(tmp_path, delivery()),
        "INPUT_PLAN_FILE": str(tmp_path / "x.plan"),
    }


def test_plan_comments_once_and_updates_in_place(env: dict[str, str], tmp_path: Path) -> None:
    api = FakeGitHub()
    assert github.main({**env, "INPUT_COMMAND": "plan"}, api) == 0
    [ours] = [b for b in api.store.values() if b.startswith(MARKER)]
    assert "Plan: 0 to add, 8 to change" in ours
    assert "exitcode=2\nchanges=true" in (tmp_path / "output").read_text()
    assert "Plan: 0 to add, 8 to change" in (tmp_path / "summary.md").read_text()
    assert github.main({**env, "INPUT_COMMAND": "plan"}, api) == 0
    assert api.calls.count("create 42") == 1 and api.calls.count("update 2") == 1
    assert len(api.store) == 2


def test_a_failed_plan_replaces_the_comment_with_the_error(env: dict[str, str]) -> None:
    api = FakeGitHub()
    assert github.main({**env, "INPUT_COMMAND": "plan"}, api) == 0
    Path(env["INPUT_PATHS"], "delivery.yaml").write_text("team: [unclosed\n")
    assert github.main({**env, "INPUT_COMMAND": "plan"}, api) == 1
    [ours] = [b for b in api.store.values() if b.startswith(MARKER)]
    assert "## reconcile plan failed" in ours and "YAML syntax error" in ours


def test_no_comment_when_asked_or_outside_a_pull_request(env: dict[str, str]) -> None:
    api = FakeGitHub()
    assert github.main({**env, "INPUT_COMMAND": "plan", "INPUT_COMMENT": "false"}, api) == 0
    no_pr = {k: v for k, v in env.items() if k != "GITHUB_EVENT_PATH"}
    assert github.main({**no_pr, "INPUT_COMMAND": "plan"}, api) == 0
    assert api.calls == []


def test_apply_then_drift_then_sync(env: dict[str, str], tmp_path: Path) -> None:
    api = FakeGitHub()
    assert github.main({**env, "INPUT_COMMAND": "apply"}, api) in (0, 1)
    assert github.main({**env, "INPUT_COMMAND": "drift"}, api) in (0, 2)
    summary = (tmp_path / "summary.md").read_text()
    assert "reconcile drift report" in summary
    assert github.main({**env, "INPUT_COMMAND": "sync"}, api) == 0
    assert api.calls == []  # only plan comments


def test_the_migrate_check_runs_and_fails_on_what_blocks_the_move(
    env: dict[str, str], tmp_path: Path
) -> None:
    api = FakeGitHub()
    # The seeded JSM site is half-migrated: a duplicated team blocks the move, so exit 1.
    assert github.main({**env, "INPUT_COMMAND": "migrate"}, api) == 1
    summary = (tmp_path / "summary.md").read_text()
    assert "### reconcile migrate" in summary and "duplicated team" in summary
    assert api.calls == []


def test_an_unknown_command_is_refused(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert github.main({**env, "INPUT_COMMAND": "destroy"}, FakeGitHub()) == 1
    assert "::error::command must be one of plan, apply, drift, sync" in capsys.readouterr().out


def test_the_http_client_pages_comments(monkeypatch: pytest.MonkeyPatch) -> None:
    import respx

    with respx.mock(base_url="https://api.github.test") as mock:
        mock.get("/repos/o/r/issues/7/comments", params={"page": "1"}).respond(
            json=[{"id": i, "body": "x"} for i in range(100)]
        )
        mock.get("/repos/o/r/issues/7/comments", params={"page": "2"}).respond(
            json=[{"id": 100, "body": f"{MARKER} old"}]
        )
        patched = mock.patch("/repos/o/r/issues/comments/100").respond(json={})
        api = github.HttpGitHub("https://api.github.test", "o/r", "ghs_testtoken_0123456789")
        assert github.upsert_comment(api, 7, "new") == "updated"
        assert patched.called
