"""`reconcile validate`: exit 0 valid, 1 invalid; text for people, JSON for tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconciler.cli import main

HERE = Path(__file__).parents[1] / "policy"


def test_the_repository_policies_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0  # default path: policies/
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "0 error(s), 0 warning(s)" in captured.err


def test_warnings_alone_do_not_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.yaml"
    path.write_text((HERE / "good/minimal.yaml").read_text().replace("Europe/Berlin", "US/Central"))
    assert main(["validate", str(path)]) == 0
    assert ": warning: time zone 'US/Central' is an alias" in capsys.readouterr().out


def test_json_output_lists_every_problem_with_its_place(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = HERE / "bad/bad-email.yaml"
    assert main(["validate", "--format", "json", str(bad)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["format_version"] == 1
    assert report["valid"] is False
    assert report["problems"] == [
        {
            "file": str(bad),
            "line": 6,
            "column": 14,
            "severity": "error",
            "message": "team.members[1].email: 'sam-at-example.com' is not an email address: "
            "ASCII only, at most 64 characters before the @ and 254 in all",
        }
    ]


def test_validate_needs_no_credentials_and_no_network(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("validate opened a socket")

    monkeypatch.setattr(socket, "socket", refuse)
    assert main(["validate", str(HERE / "good")]) == 0
