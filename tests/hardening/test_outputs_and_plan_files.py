"""Outputs never overwrite inputs; a broken plan file is a user error (exit 1), never a bug."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.plan.conftest import Run, delivery, write_policy


@pytest.fixture
def policies(tmp_path: Path) -> str:
    return write_policy(tmp_path, delivery())


def test_plan_out_refuses_to_overwrite_a_policy(run: Run, policies: str) -> None:
    target = Path(policies) / "delivery.yaml"
    before = target.read_text()
    for extra in ([], ["--force"]):
        assert run("plan", policies, "--out", str(target), *extra) == 1
        assert "that is an input of this command" in run.err
    assert target.read_text() == before


def test_plan_out_refuses_to_overwrite_the_sandbox(run: Run, policies: str) -> None:
    assert run("plan", policies, "--out", str(run.path), "--force") == 1
    assert "that is an input of this command" in run.err


def test_plan_out_replaces_an_older_plan_but_not_another_file(
    run: Run, policies: str, tmp_path: Path
) -> None:
    out = tmp_path / "x.plan"
    assert run("plan", policies, "--out", str(out)) == 0
    assert run("plan", policies, "--out", str(out)) == 0
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    assert run("plan", policies, "--out", str(notes)) == 1
    assert "the file exists; refusing to replace it (add --force" in run.err
    assert notes.read_text() == "mine"
    assert run("plan", policies, "--out", str(notes), "--force") == 0
    assert json.loads(notes.read_text())["kind"] == "reconcile-plan"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_import_out_refuses_to_overwrite_a_policy(run: Run, policies: str) -> None:
    target = Path(policies) / "delivery.yaml"
    before = target.read_text()
    assert run("import", "--team", "Delivery", "--out", str(target)) == 1
    assert "the file exists; refusing to replace it" in run.err
    assert target.read_text() == before
    assert run("import", "--team", "Delivery", "--out", str(target), "--force") == 0
    assert target.read_text() != before


@pytest.mark.parametrize(
    ("out", "message"),
    [("nodir/x.plan", "cannot write the file: No such file or directory"), ("/dev/full", "")],
)
def test_unwritable_out_is_a_user_error(
    run: Run, policies: str, tmp_path: Path, out: str, message: str
) -> None:
    path = out if out.startswith("/") else str(tmp_path / out)
    for extra in ([], ["--force"]):
        assert run("plan", policies, "--out", path, *extra) == 1, run.err
        assert "internal error" not in run.err
        assert run.err.strip().startswith(f"error: --out {path}:")
        assert message in run.err


def _saved(run: Run, policies: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "x.plan"
    assert run("plan", policies, "--out", str(out)) == 0
    return out, json.loads(out.read_text())


BROKEN = {
    "plan is a list": lambda d: d.__setitem__("plan", []),
    "plan is a string": lambda d: d.__setitem__("plan", "x"),
    "no paths": lambda d: d.pop("paths"),
    "no inputs": lambda d: d["plan"].pop("inputs"),
    "changes not a list": lambda d: d["plan"].__setitem__("changes", {}),
    "a change without a kind": lambda d: d["plan"]["changes"][0].pop("kind"),
    "paths edited": lambda d: d.__setitem__("paths", ["/etc"]),
    "target edited": lambda d: d.__setitem__("target", "Payments"),
    "not an object": lambda d: d.clear(),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plan_file_is_a_user_error(
    run: Run, policies: str, tmp_path: Path, case: str
) -> None:
    path, data = _saved(run, policies, tmp_path)
    BROKEN[case](data)
    path.write_text(json.dumps(data))
    assert run("apply", str(path)) == 1
    assert "internal error" not in run.err
    assert len(run.err.strip().splitlines()) == 1, run.err
    assert str(path) in run.err


def test_paths_and_target_are_covered_by_the_checksum(
    run: Run, policies: str, tmp_path: Path
) -> None:
    path, data = _saved(run, policies, tmp_path)
    data["target"] = "Delivery"
    path.write_text(json.dumps(data))
    assert run("apply", str(path)) == 1
    assert "was modified after it was made" in run.err


@pytest.mark.parametrize(
    "text", ["[" * 100_000 + "]" * 100_000, "not json", "", '{"kind": "reconcile-plan"}']
)
def test_a_plan_file_that_is_not_one_is_a_user_error(run: Run, tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.plan"
    path.write_text(text)
    assert run("apply", str(path)) == 1
    assert "internal error" not in run.err
    assert str(path) in run.err
