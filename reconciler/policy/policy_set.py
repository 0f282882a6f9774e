"""From paths on the command line to checked policies, with every problem of every file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reconciler.policy.checks import check_across, check_policy
from reconciler.policy.loader import Document, LoadError, load_file
from reconciler.policy.model import Policy
from reconciler.policy.problems import Problem
from reconciler.policy.structure import validate_structure

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


def load_policies(paths: list[str]) -> PolicySet:
    files, problems = policy_files(paths)
    result = PolicySet(problems=problems, files_read=len(files))
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
            result.policies.append(LoadedPolicy(doc, policy))
    pairs = [(lp.document, lp.policy) for lp in result.policies]
    result.problems.extend(check_across(pairs))
    result.problems.sort(key=lambda p: (p.file, p.line, p.column, p.message))
    return result
