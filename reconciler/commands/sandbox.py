"""`reconcile sandbox`: create, reset and serve the local OpsGenie + Slack, and move its clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from reconciler import dates, exit_codes, output
from reconciler.errors import ReconcileError
from reconciler.settings import DEFAULT_SANDBOX, Settings

if TYPE_CHECKING:
    from reconciler.sandbox.state import SandboxState

UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _path(ctx: click.Context, given: str | None) -> Path:
    settings: Settings = ctx.obj or Settings()
    return Path(given) if given else (settings.sandbox or DEFAULT_SANDBOX)


@click.group("sandbox")
def command() -> None:
    """A faithful local OpsGenie + Slack to rehearse changes on."""


@command.command("init")
@click.argument("file", required=False)
@click.option("--force", is_flag=True, help="Replace an existing sandbox.")
@click.option(
    "--jsm-site",
    type=click.Choice(["migrated", "new"]),
    default="migrated",
    show_default=True,
    help="The JSM Operations site: half-way through the move off OpsGenie, or new (no teams).",
)
@click.pass_context
def init(ctx: click.Context, file: str | None, force: bool, jsm_site: str = "migrated") -> int:
    """Create a sandbox seeded with Example Corp (default .sandbox/state.json)."""
    from reconciler.sandbox.seed import seed_state
    from reconciler.sandbox.seed_jsm import jsm_site as seed_jsm_site

    path = _path(ctx, file)
    if path.exists() and not force:
        raise ReconcileError(f"{path} exists; use `reconcile sandbox reset` to start over")
    state = seed_state()
    if jsm_site == "new":
        seed_jsm_site(state, migrated=False)
    state.path = path
    state.save()
    output.write_line(f"sandbox seeded at {path} (clock {state.now().isoformat()})")
    output.write_line(f"rehearse with: reconcile --sandbox {path} validate|schedule|plan ...")
    return exit_codes.OK


@command.command("reset")
@click.argument("file", required=False)
@click.pass_context
def reset(ctx: click.Context, file: str | None) -> int:
    """Put the sandbox back to its seed."""
    return int(ctx.invoke(init, file=file, force=True))


@command.command("serve")
@click.option("--port", type=int, default=8484, show_default=True, help="0 picks a free port.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> int:
    """Answer the APIs on one port: OpsGenie under /v2/, Slack under /api/, JSM Operations."""
    from reconciler.sandbox.emulator import Emulator
    from reconciler.sandbox.server import make_server
    from reconciler.sandbox.state import SandboxState

    path = _path(ctx, None)
    state = SandboxState.load(path)
    server = make_server(Emulator(state), host, port)
    address = f"http://{host}:{server.server_address[1]}"
    og, sl = state.data["opsgenie"], state.data["slack"]
    output.write_line(f"sandbox {path} serving on {address}")
    output.write_line(f"  export OPSGENIE_API_URL={address} OPSGENIE_API_KEY={og['api_key']}")
    output.write_line(f"  export SLACK_API_URL={address}/api SLACK_BOT_TOKEN={sl['bot']['token']}")
    user_token = (sl.get("user_token") or {}).get("token")
    if user_token:
        output.write_line(f"  export SLACK_USER_TOKEN={user_token}")
    site = state.data.get("jsm")
    if site:  # the sandbox's own credentials: printed so a rehearsal can use them
        cred = site["credentials"][0]
        output.write_line(
            f"  export JSM_SITE={address} JSM_API_URL={address} ATLASSIAN_ORG_ID={site['org_id']}"
        )
        output.write_line(
            f"  export ATLASSIAN_EMAIL={cred['email']} ATLASSIAN_API_TOKEN={cred['token']}"
            " RECONCILE_JSM_POLL_SECONDS=0.01"
        )
    if state.data["meta"].get("now"):
        output.write_line(f"  export RECONCILE_NOW={state.now().isoformat()}")
    import sys

    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return exit_codes.OK


@command.group("clock", invoke_without_command=True)
@click.pass_context
def clock(ctx: click.Context) -> int | None:
    """Show, set or advance the sandbox's clock (handoffs, DST changes, shift ends)."""
    if ctx.invoked_subcommand is None:  # `sandbox clock` alone shows the time
        output.write_line(_load(ctx).now().isoformat())
        return exit_codes.OK
    return None


def _load(ctx: click.Context) -> SandboxState:
    from reconciler.sandbox.state import SandboxState

    return SandboxState.load(_path(ctx, None))


@clock.command("show")
@click.pass_context
def clock_show(ctx: click.Context) -> int:
    output.write_line(_load(ctx).now().isoformat())
    return exit_codes.OK


@clock.command("set")
@click.argument("when")
@click.pass_context
def clock_set(ctx: click.Context, when: str) -> int:
    """Set the clock to WHEN (ISO 8601; no offset means UTC), or `real` for the real time."""
    state = _load(ctx)
    if when == "real":
        state.set_now(None)
    else:
        try:
            instant = datetime.fromisoformat(when)
        except ValueError:
            raise ReconcileError(f"{when!r} is not an ISO 8601 date and time") from None
        instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
        problem = dates.out_of_range(instant, "the clock")
        if problem:
            raise ReconcileError(problem)
        state.set_now(instant)
    state.save()
    output.write_line(state.now().isoformat())
    return exit_codes.OK


@clock.command("advance")
@click.argument("by")
@click.pass_context
def clock_advance(ctx: click.Context, by: str) -> int:
    """Move the clock forward by BY: 30m, 6h, 1d, 1w."""
    found = re.fullmatch(r"([1-9][0-9]*)([mhdw])", by)
    if not found:
        raise ReconcileError(f"{by!r} is not a span such as 30m, 6h, 1d or 1w")
    state = _load(ctx)
    try:
        moved = state.now() + timedelta(**{UNITS[found[2]]: int(found[1])})
    except OverflowError:
        moved = datetime.max.replace(tzinfo=UTC)
    problem = dates.out_of_range(moved, "the clock would be")
    if problem:
        raise ReconcileError(problem)
    state.set_now(moved)
    state.save()
    output.write_line(moved.isoformat())
    return exit_codes.OK
