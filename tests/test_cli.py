"""The command line is thin: it dispatches, maps outcomes to exit codes, and never tracebacks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reconciler import cli
from reconciler.cli import main


def test_help_lists_every_command_without_importing_them() -> None:
    code = (
        "import sys\n"
        "from reconciler.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "finally:\n"
        "    heavy = [m for m in ('pydantic', 'ruamel.yaml', 'httpx') if m in sys.modules]\n"
        "    print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stdout
    for name in cli.COMMANDS:
        assert f"  {name} " in result.stdout


def test_every_listed_command_exists() -> None:
    for name in cli.COMMANDS:
        command = cli.cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.name == name


def test_a_usage_error_exits_1_not_2(capsys: pytest.CaptureFixture[str]) -> None:
    # 2 means "there are changes" for plan --detailed-exitcode; usage errors must not say that.
    assert main(["no-such-command"]) == 1
    assert "No such command" in capsys.readouterr().err


def test_an_unexpected_exception_is_reported_as_a_bug_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from reconciler.commands import validate

    def boom(*_: object) -> int:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(validate, "run", boom)
    assert main(["validate"]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err
    assert "Traceback" not in err


def test_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reconciler", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("reconcile, version ")
