"""What travels with the distribution, and one version everywhere. (Building and installing the
wheel clean is `./dev smoke`, run by CI: it needs the package index.)"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from reconciler import __version__
from reconciler.cli import main
from reconciler.policy.json_schema import policy_schema_text

REPO = Path(__file__).resolve().parents[1]


def test_the_packaged_schema_is_the_generated_one_and_the_committed_one() -> None:
    generated = policy_schema_text()
    assert (REPO / "reconciler" / "policy" / "policy.schema.json").read_text() == generated
    assert (REPO / "schemas" / "policy.schema.json").read_text() == generated


def test_the_distribution_has_a_name_of_its_own_and_one_version_source() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["name"] == "reconcile-oncall"  # `reconcile` on the index is someone else's
    assert project["dynamic"] == ["version"] and "version" not in project
    assert project["scripts"] == {"reconcile": "reconciler.cli:main"}
    assert {"Homepage", "Changelog", "Issues"} <= set(project["urls"])
    assert (REPO / "LICENSE").read_text().startswith(
        "\n                                 Apache License"
    ) or ("Apache License" in (REPO / "LICENSE").read_text()[:200])
    assert f"## {__version__} " in (REPO / "CHANGELOG.md").read_text()


def test_reconcile_version_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"reconcile, version {__version__}"
