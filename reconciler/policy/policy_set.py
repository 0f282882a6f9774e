"""From paths on the command line to checked policies, with every problem of every file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from reconciler.policy.checks import Across, check_policy
from reconciler.policy.loader import Document, LoadError, load_file
from reconciler.policy.model import Policy
from reconciler.policy.problems import Problem
from reconciler.policy.structure import repaired, validate_structure

SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedPolicy:
    document: Document
    policy: Policy

    @property
    def file(self) -> str:
        return self.document.file


@dataclass
class PolicySet:
    policies: list[LoadedPolicy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files_read: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


def policy_files(paths: list[str]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        if not raw.strip():
            problems.append(Problem("''", 1, 1, "an empty path: name a policy file or folder"))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                problems.append(Problem(raw, 1, 1, "no policy files (*.yaml, *.yml) here"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(raw, 1, 1, "no such file or directory"))
    return list(dict.fromkeys(files)), problems


def _meaning_despite(doc: Document, structural: list[Problem]) -> list[Problem]:
    """Every problem in one pass: with the values that broke the structure left out (their
    fields take defaults), the meaning checks run on the rest, and report what is not at a place
    already reported."""
    try:
        Policy.model_validate(doc.data)
    except ValidationError as exc:
        locations = [tuple(e["loc"]) for e in exc.errors(include_url=False) if e["loc"]]
    else:  # pragma: no cover - structural problems came from a failed validation
        return []
    try:
        policy = Policy.model_validate(repaired(doc.data, locations))
    except ValidationError:
        return []  # a required value is what is missing: nothing more can be said
    seen = {(p.line, p.column) for p in structural}
    return [p for p in check_policy(doc, policy) if (p.line, p.column) not in seen]


def load_policies(paths: list[str], *, keep: bool = True) -> PolicySet:
    """Every file's problems, and (with `keep`) the policies. Files are read one at a time and
    checked across files as they come, so without `keep` (validate) memory stays flat however
    many files there are."""
    files, problems = policy_files(paths)
    result = PolicySet(problems=problems, files_read=len(files))
    across = Across()
    for path in files:
        try:
            doc = load_file(path)
        except LoadError as exc:
            result.problems.append(Problem(str(path), exc.line, exc.column, exc.message))
            continue
        policy, structural = validate_structure(doc)
        result.problems.extend(structural)
        if policy is not None:
            result.problems.extend(check_policy(doc, policy))
            result.problems.extend(across.add(doc, policy))
            if keep:
                result.policies.append(LoadedPolicy(doc, policy))
        else:
            result.problems.extend(_meaning_despite(doc, structural))
    result.problems.sort(key=lambda p: (p.file, p.line, p.column, p.message))
    return result
