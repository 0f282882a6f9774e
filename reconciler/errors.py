"""The one expected-error type, and its few specialisations.

A ReconcileError means "we know what is wrong and have said so": the CLI prints its message and
exits 1. Anything else escaping a command is a bug and is reported as one.
"""

from __future__ import annotations

from typing import Any


class ReconcileError(Exception):
    """An expected failure with a message fit to show a user as-is."""


class PolicyError(ReconcileError):
    """One or more policy files are invalid; `problems` holds every one of them."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the policy files")
