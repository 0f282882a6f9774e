"""The suite is the user's too: it never reads this repository's policies/ (a team adding its
own policy must not break `./dev test`), and every vendor spec it checks against is in the clone."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, REPO
from tests.contract import SPECS


def test_tests_run_in_a_policy_repository_of_their_own() -> None:
    assert Path.cwd().resolve() != REPO.resolve()
    ours = sorted(p.name for p in Path("policies").iterdir())
    assert ours == sorted(p.name for p in (FIXTURES / "policies").iterdir())


def test_the_vendor_specs_are_in_the_clone() -> None:
    assert SPECS.resolve().is_relative_to(REPO.resolve())
    assert (SPECS / "opsgenie" / "swagger.json").is_file()
    assert (SPECS / "slack" / "slack_web_openapi_v2.json").is_file()
