"""The GitLab merge-request note: found by its marker across pages, updated in place."""

from __future__ import annotations

from pathlib import Path

import respx

from reconciler.ci import gitlab
from reconciler.render.markdown import MARKER

ENV = {
    "CI_API_V4_URL": "https://gitlab.test/api/v4",
    "CI_PROJECT_ID": "12",
    "CI_MERGE_REQUEST_IID": "3",
    "GITLAB_NOTES_TOKEN": "glpat-testtoken-0123456789",
}
NOTES = "https://gitlab.test/api/v4/projects/12/merge_requests/3/notes"


def test_the_note_on_a_second_page_is_updated(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(f"{MARKER}\nPlan: 1 to add")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(NOTES, params={"page": "1"}).respond(
            json=[{"id": 1, "body": "hi"}], headers={"x-next-page": "2"}
        )
        mock.get(NOTES, params={"page": "2"}).respond(json=[{"id": 9, "body": f"{MARKER} old"}])
        put = mock.put(f"{NOTES}/9").respond(json={})
        assert gitlab.main([str(plan)], ENV) == 0
    assert b"Plan%3A+1+to+add" in put.calls[0].request.content


def test_a_failed_plan_becomes_the_note(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text("error: 1 problem(s) in the policy files")
    with respx.mock(assert_all_called=True) as mock:
        mock.get(NOTES).respond(json=[])
        post = mock.post(NOTES).respond(json={})
        assert gitlab.main([str(plan)], ENV) == 0
    assert b"reconcile+plan+failed" in post.calls[0].request.content
