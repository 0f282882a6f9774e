"""The hardening tests share the plan tests' in-process sandbox runner."""

from tests.plan.conftest import run  # noqa: F401  (a fixture)
