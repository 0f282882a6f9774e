"""The `reconcile` command line: thin by design.

Each command lives in its own module under `reconciler.commands`, imported only when it runs, so
`reconcile --help` stays fast. Commands return an exit code; expected failures are
ReconcileError, printed as one line; anything else is a bug and said to be one.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from reconciler import __version__, exit_codes, output
from reconciler.clients.secrets import configure_logging, scrub
from reconciler.errors import ReconcileError

# name -> (module, one-line help); the order is the order `--help` lists them in.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "reconciler.commands.validate",
        "Check policy files offline (the pre-commit hook).",
    ),
    "schedule": ("reconciler.commands.schedule", "Print the coming handoffs: who is on call when."),
    "plan": ("reconciler.commands.plan", "Show what apply would change on call and in Slack."),
    "apply": ("reconciler.commands.apply", "Make the on-call backend and Slack match the policy."),
    "drift": ("reconciler.commands.drift", "Report what changed behind the policy's back."),
    "sync": (
        "reconciler.commands.sync",
        "Keep the on-call group, channel duty and hand-off post in step (for a scheduler).",
    ),
    "import": ("reconciler.commands.import_", "Write a policy from what OpsGenie and Slack hold."),
    "init": (
        "reconciler.commands.init",
        "Make a team's policy repository: policies/, schema, pre-commit, workflows.",
    ),
    "migrate": (
        "reconciler.commands.migrate",
        "Map, apply and verify the move from OpsGenie to JSM Operations.",
    ),
    "schema": ("reconciler.commands.schema", "Print the policy JSON Schema."),
    "sandbox": (
        "reconciler.commands.sandbox",
        "The local OpsGenie + Slack: init, reset, serve, clock.",
    ),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name][0])
        return module.command  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconcile")
@click.option(
    "--sandbox",
    type=click.Path(dir_okay=False),
    envvar="RECONCILE_SANDBOX",
    help="Run against the sandbox in this file, in-process, instead of the real vendors.",
)
@click.option("--no-color", "no_color", is_flag=True, help="No colour, even on a terminal.")
@click.pass_context
def cli(ctx: click.Context, sandbox: str | None, no_color: bool) -> None:
    """On-call rotations as code: validate, plan, apply and drift-check OpsGenie and Slack."""
    from pathlib import Path

    from reconciler.settings import Settings

    if no_color:
        os.environ["NO_COLOR"] = "1"

    ctx.obj = Settings(sandbox=Path(sandbox) if sandbox else None)


def main(argv: list[str] | None = None) -> int:
    try:
        configure_logging(os.environ.get("RECONCILE_LOG"))
    except ValueError as exc:
        output.error_line(f"error: {exc}")
        return exit_codes.ERROR
    try:
        result: Any = cli.main(args=argv, prog_name="reconcile", standalone_mode=False)
    except ReconcileError as exc:
        output.error_line(f"error: {exc}")
        return exit_codes.ERROR
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()  # usage errors too: 2 is reserved for "there are changes"
        return exit_codes.ERROR
    except click.exceptions.Abort:
        output.error_line("aborted")
        return exit_codes.INTERRUPTED
    except KeyboardInterrupt:
        output.error_line("interrupted")
        return exit_codes.INTERRUPTED
    except Exception as exc:  # a bug: say so, briefly, unless asked for the traceback
        if os.environ.get("RECONCILE_DEBUG"):
            raise
        output.error_line(
            f"internal error: {type(exc).__name__}: {scrub(str(exc))}\n"
            "This is a bug in reconcile; set RECONCILE_DEBUG=1 for the traceback."
        )
        return exit_codes.BUG
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
