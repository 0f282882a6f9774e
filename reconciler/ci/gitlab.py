"""GitLab: keep one merge-request note with the plan, found by its marker, updated in place.

`python -m reconciler.ci.gitlab plan.md` in a merge-request pipeline. The note token
(GITLAB_NOTES_TOKEN: a project access token with the api scope) comes from the environment;
notes are read page by page (GitLab pages at most 100 a page), so a long discussion does not
hide the old note and make a second one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from reconciler.clients.secrets import Secret
from reconciler.render.markdown import MARKER


class GitLabNotes:
    def __init__(self, api: str, project: str, mr: str, token: str) -> None:
        self._secret = Secret(token)
        self._base = f"{api.rstrip('/')}/projects/{project}/merge_requests/{mr}/notes"
        self._client = httpx.Client(headers={"PRIVATE-TOKEN": self._secret.reveal()}, timeout=30.0)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GitLabNotes:
        return cls(
            env["CI_API_V4_URL"],
            env["CI_PROJECT_ID"],
            env["CI_MERGE_REQUEST_IID"],
            env["GITLAB_NOTES_TOKEN"],
        )

    def notes(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = "1"
        while page:
            answer = self._client.get(self._base, params={"per_page": 100, "page": page})
            answer.raise_for_status()
            found += answer.json()
            page = answer.headers.get("x-next-page", "")
        return found

    def upsert(self, body: str) -> str:
        for note in self.notes():
            if str(note.get("body") or "").startswith(MARKER):
                self._client.put(
                    f"{self._base}/{note['id']}", data={"body": body}
                ).raise_for_status()
                return "updated"
        self._client.post(self._base, data={"body": body}).raise_for_status()
        return "created"


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    env = os.environ if env is None else env
    if len(argv) != 1:
        print("usage: python -m reconciler.ci.gitlab PLAN.md", file=sys.stderr)
        return 1
    body = Path(argv[0]).read_text("utf-8")
    if not body.startswith(MARKER):  # the plan failed: say so, replacing any older plan
        body = f"{MARKER}\n## reconcile plan failed\n\n```\n{body[-60_000:]}\n```\n"
    print(f"plan note {GitLabNotes.from_env(env).upsert(body)}")
    return 0


if __name__ == "__main__":  # pragma: no cover - the pipeline's entry
    sys.exit(main())
