"""The three renderers on the seeded sandbox, against golden files.

Regenerate after an intended change with: UPDATE_GOLDEN=1 ./dev test tests/plan/test_golden.py
(and read the diff before committing it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.plan.conftest import Run

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1"
    assert text == path.read_text()


@pytest.mark.parametrize(
    ("fmt", "name"), [("text", "plan.txt"), ("markdown", "plan.md"), ("json", "plan.json")]
)
def test_plan_renders_as_its_golden_file(run: Run, fmt: str, name: str) -> None:
    assert run("plan", "--format", fmt) == 0
    check(name, run.out)


def test_an_empty_plan_says_no_changes_in_every_format(run: Run) -> None:
    assert run("apply", "--auto-approve") == 0
    assert run("plan") == 0
    assert run.out.rstrip().endswith("No changes. OpsGenie and Slack match the policy.")
    assert run("plan", "--format", "markdown") == 0
    assert "**No changes. OpsGenie and Slack match the policy.**" in run.out
    summary = run.json("plan")["summary"]
    assert summary == {"add": 0, "change": 0, "destroy": 0, "adopt": 0, "blocked": 0}


def test_colour_only_on_a_terminal_and_never_with_no_color(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reconciler import output

    with monkeypatch.context() as patch:  # undoing all of monkeypatch would undo the chdir
        patch.setattr(output, "use_colour", lambda stream=None: True)
        assert run("plan") == 0
        assert "\033[33m  ~ team Delivery\033[0m" in run.out
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("plan") == 0
    assert "\033[" not in run.out


def test_markdown_is_cut_to_fit_a_comment(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.render import markdown

    monkeypatch.setattr(markdown, "LIMIT", 1500)
    assert run("plan", "--format", "markdown") == 0
    assert len(run.out) < 1500 + 500
    assert "The plan was cut here to fit a comment: 1 more team(s)." in run.out
