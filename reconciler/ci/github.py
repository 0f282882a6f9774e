"""The GitHub Action's one step: run reconcile, keep one pull-request comment, write the summary.

`plan` writes the Markdown plan to the job summary and, on a pull request, to one comment found
by the plan's marker and updated in place; when the plan fails, the error is the comment, so a
pull request never shows a stale plan as if it were current. `apply`, `drift` and `sync` run as
they would by hand, their output in the job log and the summary. Inputs come as the Action's
environment (INPUT_*); GitHub's API sits behind `GitHubApi`, which the tests replace.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from reconciler.render.markdown import MARKER

COMMANDS = ("plan", "apply", "drift", "sync", "migrate")


class GitHub(Protocol):
    def comments(self, number: int) -> list[dict[str, Any]]: ...
    def create_comment(self, number: int, body: str) -> None: ...
    def update_comment(self, comment_id: int, body: str) -> None: ...


@dataclass
class Ran:
    code: int
    out: str
    err: str


Runner = Callable[[list[str], Mapping[str, str]], Ran]


def run_reconcile(args: list[str], env: Mapping[str, str]) -> Ran:
    done = subprocess.run(
        [sys.executable, "-m", "reconciler", *args],
        capture_output=True,
        text=True,
        env=dict(env),
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def arguments(command: str, paths: list[str], plan_file: str) -> list[str]:
    if command == "plan":
        return ["plan", *paths, "--format", "markdown", "--out", plan_file, "--detailed-exitcode"]
    if command == "apply":
        return ["apply", *_policies(paths), "--auto-approve"]
    if command == "drift":
        return ["drift", *paths, "--format", "markdown", "--exit-code"]
    if command == "migrate":  # a check only: applying the move stays a person's decision
        return ["migrate", *paths, "--handoffs", "12"]
    return ["sync", *paths]


def _policies(paths: list[str]) -> list[str]:
    return [word for p in paths for word in ("--policies", p)]


def pull_request_number(env: Mapping[str, str]) -> int | None:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return None
    event = json.loads(Path(path).read_text("utf-8"))
    number = (event.get("pull_request") or {}).get("number")
    return int(number) if number else None


def comment_body(command: str, ran: Ran) -> str:
    if command == "plan" and ran.code in (0, 2):
        return ran.out
    error = ran.err.strip() or ran.out.strip() or f"exit {ran.code}"
    return (
        f"{MARKER}\n## reconcile {command} failed\n\n"
        f"The {command} could not be made (exit {ran.code}); this replaces any earlier plan.\n\n"
        f"```\n{error[-60_000:]}\n```\n"
    )


def upsert_comment(api: GitHub, number: int, body: str) -> str:
    for comment in api.comments(number):
        if str(comment.get("body") or "").startswith(MARKER):
            api.update_comment(int(comment["id"]), body)
            return "updated"
    api.create_comment(number, body)
    return "created"


def main(
    env: Mapping[str, str] | None = None,
    api: GitHub | None = None,
    runner: Runner = run_reconcile,
) -> int:
    env = dict(os.environ if env is None else env)
    command = env.get("INPUT_COMMAND", "plan").strip()
    if command not in COMMANDS:
        print(f"::error::command must be one of {', '.join(COMMANDS)}, not {command!r}")
        return 1
    paths = shlex.split(env.get("INPUT_PATHS") or "policies/")
    plan_file = env.get("INPUT_PLAN-FILE") or env.get("INPUT_PLAN_FILE") or "reconcile.plan.json"
    ran = runner(arguments(command, paths, plan_file), {**env, "NO_COLOR": "1"})
    sys.stdout.write(ran.out)
    sys.stderr.write(ran.err)
    body = comment_body(command, ran) if command in ("plan", "drift") else None
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write((body or f"### reconcile {command}\n\n```\n{ran.out[-60_000:]}\n```\n") + "\n")
    outputs = env.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as fh:
            fh.write(f"exitcode={ran.code}\nchanges={'true' if ran.code == 2 else 'false'}\n")
    number = pull_request_number(env)
    wants_comment = env.get("INPUT_COMMENT", "true").strip().lower() == "true"
    if command == "plan" and wants_comment and number is not None and body is not None:
        github = api or HttpGitHub.from_env(env)
        print(f"plan comment {upsert_comment(github, number, body)} on #{number}")
    if command == "plan":
        return 0 if ran.code in (0, 2) else 1
    return ran.code


class HttpGitHub:
    """GitHub's REST API for issue comments (pull requests are issues there), token from env."""

    def __init__(self, base: str, repository: str, token: str) -> None:
        import httpx

        from reconciler.clients.secrets import Secret

        self._secret = Secret(token)  # scrubbed from anything we print
        self._repo = repository
        self._client = httpx.Client(
            base_url=base.rstrip("/"),
            headers={
                "Authorization": f"Bearer {self._secret.reveal()}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
            timeout=30.0,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> HttpGitHub:
        return cls(
            env.get("GITHUB_API_URL", "https://api.github.com"),
            env["GITHUB_REPOSITORY"],
            env.get("INPUT_GITHUB-TOKEN") or env.get("GITHUB_TOKEN", ""),
        )

    def comments(self, number: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = 1
        while True:  # paged: 100 a page, until a short page
            answer = self._client.get(
                f"/repos/{self._repo}/issues/{number}/comments",
                params={"per_page": 100, "page": page},
            )
            answer.raise_for_status()
            batch = answer.json()
            found += batch
            if len(batch) < 100:
                return found
            page += 1

    def create_comment(self, number: int, body: str) -> None:
        path = f"/repos/{self._repo}/issues/{number}/comments"
        self._client.post(path, json={"body": body}).raise_for_status()

    def update_comment(self, comment_id: int, body: str) -> None:
        path = f"/repos/{self._repo}/issues/comments/{comment_id}"
        self._client.patch(path, json={"body": body}).raise_for_status()


if __name__ == "__main__":  # pragma: no cover - the Action's entry
    sys.exit(main())
