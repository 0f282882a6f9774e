"""`reconcile init [DIR]`: a team's policy repository, ready to commit.

`policies/` with a starter policy (imported from OpsGenie with `--team`, when credentials or a
sandbox are there), the JSON Schema where the policy's modeline finds it, a pre-commit
configuration pinned to this release of reconcile, and the GitHub workflows. The repository it
makes passes its own hook, and plans against the sandbox.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from reconciler import __version__, exit_codes, output
from reconciler.errors import ReconcileError
from reconciler.files import write_output
from reconciler.policy.json_schema import policy_schema_text
from reconciler.settings import Settings

PROJECT = "https://github.com/your-org/reconcile"  # where the hook and the Action come from
WORKFLOWS = ("reconcile-plan.yml", "reconcile-apply.yml", "reconcile-schedule.yml")


def pre_commit_config() -> str:
    return (
        "# reconcile validate on every commit that touches a policy: pinned to a release.\n"
        "repos:\n"
        f"  - repo: {PROJECT}\n"
        f"    rev: v{__version__}\n"
        "    hooks:\n"
        "      - id: reconcile-validate\n"
    )


def run(settings: Settings, directory: Path, team: str | None, force: bool) -> int:
    policies = directory / "policies"
    if policies.exists() and any(policies.iterdir()) and not force:
        raise ReconcileError(f"{policies} already holds policies; add --force to add to it")
    files: dict[Path, str] = {
        directory / "schemas" / "policy.schema.json": policy_schema_text(),
        directory / ".pre-commit-config.yaml": pre_commit_config(),
        directory / ".gitignore": ".venv/\n.sandbox/\n*.plan.json\n",
    }
    templates = resources.files("reconciler.templates")
    for name in WORKFLOWS:
        text = templates.joinpath("github", name).read_text("utf-8")
        files[directory / ".github" / "workflows" / name] = text
    if team is not None:
        from reconciler.commands.import_ import imported_policy

        files[policies / f"{team.lower()}.yaml"] = imported_policy(settings, team)
    else:
        files[policies / "team.yaml"] = templates.joinpath("policy.yaml").read_text("utf-8")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_output(path, text, force=force, option="init")
        output.write_line(f"wrote {path}")
    output.write_line("")
    output.write_line(f"next: cd {directory} && git init && pre-commit install, then edit")
    output.write_line("      policies/ and run: reconcile validate && reconcile plan")
    return exit_codes.OK


@click.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--team", help="Import this OpsGenie team as the starter policy.")
@click.option("--force", is_flag=True, help="Replace files that exist.")
@click.pass_obj
def command(settings: Settings, directory: str, team: str | None, force: bool) -> int:
    """Make a team's policy repository: policies/, the schema, pre-commit, the workflows."""
    return run(settings or Settings(), Path(directory), team, force)
