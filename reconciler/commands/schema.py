"""`reconcile schema`: the JSON Schema editors and check-jsonschema use."""

from __future__ import annotations

import click

from reconciler import exit_codes, output
from reconciler.policy.json_schema import policy_schema_text


@click.command("schema")
def command() -> int:
    """Print the policy JSON Schema (draft 2020-12)."""
    output.write_line(policy_schema_text().rstrip("\n"))
    return exit_codes.OK
