"""What the global options say, passed from the CLI group to each command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_SANDBOX = Path(".sandbox/state.json")


@dataclass(frozen=True)
class Settings:
    sandbox: Path | None = None  # run against the emulator in-process, state in this file
    oncall_backend: str | None = None  # the policies' on_call.backend, else the environment's
