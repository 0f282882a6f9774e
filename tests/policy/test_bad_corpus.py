"""Every file in the bad corpus fails validate with exactly the expected file:line:col message."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli import main

BAD = Path(__file__).parent / "bad"


def _cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in (BAD / "expected.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            name, position, message = line.split("\t")
            rows.append((name, position, message))
    return rows


CASES = _cases()


def test_the_corpus_is_large_and_fully_described() -> None:
    assert len(CASES) >= 30
    described = {name for name, _, _ in CASES}
    assert described == {p.name for p in BAD.glob("*.yaml")}


@pytest.mark.parametrize(("name", "position", "message"), CASES, ids=[c[0] for c in CASES])
def test_bad_policy_is_reported_where_it_is(
    name: str, position: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BAD / name
    code = main(["validate", str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"{path}:{position}: {message}" in out.splitlines()
    assert "Traceback" not in out + err


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("team:\n  description: " + "x" * 300_000 + "\n")
    assert main(["validate", str(big)]) == 1
    assert f"{big}:1:1: the policy file is 300,022 bytes; policy files are limited to 262,144" in (
        capsys.readouterr().out
    )


def test_all_problems_of_all_files_come_in_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(BAD / n) for n in ("bad-email.yaml", "duplicate-key.yaml", "empty.yaml")]
    assert main(["validate", *files]) == 1
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines()] == sorted(files)
