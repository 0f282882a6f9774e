"""The core speaks only to the backends' protocols: no vendor module in its imports.

The engine, the plan (desired state, diff, safety, lifecycle, readiness, the timeline check), apply,
the renderers, the commands, the policy and the time rules may import `reconciler.backends.base`
and `reconciler.backends.registry`, never a vendor package (`reconciler.backends.opsgenie`, ...).
Imports made inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "reconciler"
CORE = ["engine.py", "connect.py", "planfile.py", "plan", "apply", "render", "commands", "policy"]
CORE += ["timing"]
ALLOWED = {"reconciler.backends", "reconciler.backends.base", "reconciler.backends.registry"}


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names if node.module == "reconciler"}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        path = PACKAGE / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def vendor_imports(path: Path) -> list[str]:
    return sorted(
        m for m in imports_of(path) if m.startswith("reconciler.backends") and m not in ALLOWED
    )


def test_the_core_imports_no_vendor_module() -> None:
    files = core_files()
    assert len(files) > 40
    found = {str(p.relative_to(PACKAGE)): vendor_imports(p) for p in files}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_check_sees_a_vendor_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text(
        "from reconciler.backends.opsgenie.client import OpsGenieReader\n"
        "def f():\n    import reconciler.backends.slack.write\n"
        "from reconciler.backends.base import Readers\n"
    )
    assert vendor_imports(sample) == [
        "reconciler.backends.opsgenie.client",
        "reconciler.backends.slack.write",
    ]
