"""The committed JSON Schema is the model's, and both accept and reject the same documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from reconciler.policy.json_schema import COMMITTED, policy_schema
from reconciler.policy.loader import LoadError, load_file
from reconciler.policy.structure import validate_structure

HERE = Path(__file__).parent
REPO = HERE.parents[1]


def _validator() -> Draft202012Validator:
    schema = json.loads(COMMITTED.read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


VALIDATOR = _validator()


def _model_accepts(data: Any) -> bool:
    from reconciler.policy.loader import Document

    policy, _ = validate_structure(Document("x.yaml", data))
    return policy is not None


def test_the_committed_schema_is_what_the_model_generates() -> None:
    committed = json.loads(COMMITTED.read_text("utf-8"))
    assert committed == policy_schema(), (
        "schemas/policy.schema.json is stale: run `reconcile schema > schemas/policy.schema.json`"
    )


def test_the_schema_is_draft_2020_12() -> None:
    assert policy_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _fixture_documents() -> list[tuple[str, Any]]:
    files = [
        *sorted((REPO / "tests" / "fixtures" / "policies").glob("*.yaml")),
        *sorted((HERE / "good").glob("*.yaml")),
        *sorted((HERE / "bad").glob("*.yaml")),
    ]
    docs = []
    for path in files:
        try:
            docs.append((path.name, load_file(path).data))
        except LoadError:
            continue  # not YAML a schema could even look at
    return docs


FIXTURES = _fixture_documents()


@pytest.mark.parametrize(("name", "data"), FIXTURES, ids=[n for n, _ in FIXTURES])
def test_schema_and_model_agree_on_each_fixture(name: str, data: Any) -> None:
    assert VALIDATOR.is_valid(data) == _model_accepts(data)


# Mutations of a valid policy: drop a key, retype a value, add a key. Values are drawn from
# strings that sit on the edges of the scalar types (a zero duration, a date that does not
# exist, an upper-case channel name, ...).
EDGE_VALUES = [
    "10m",
    "0m",
    "1 week",
    "24h",
    "1w",
    "90m",
    "monday",
    "Monday",
    "10:00",
    "25:00",
    "9:00",
    "2026-01-05",
    "2026-02-30",
    "20260105",
    "a@example.com",
    "A@Example.COM",
    "not-an-email",
    "delivery",
    "Delivery",
    "#delivery",
    "@handle",
    "America/Chicago",
    "",
    " ",
    "U0ABC123",
    "https://x.example.com/a",
    "ftp://x",
    "slack_channel:incidents",
    "nokind",
    "admin",
    "keep",
    "join_and_leave",
    "engineer_on_call",
    "team_admins",
    0,
    1,
    -1,
    10,
    101,
    1.5,
    True,
    False,
    None,
    [],
    {},
    ["a@example.com"],
    {"x": 1},
]


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, (*prefix, i))
    return found


def _mutate(data: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not path:
        return value if action == "replace" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last]["unexpected"] = value
    return data


BASES = [data for name, data in FIXTURES if _model_accepts(data)]


@settings(
    max_examples=400,
    derandomize=True,
    deadline=None,  # a loaded CI machine must not fail a correct example on time
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.data())
def test_schema_and_model_agree_on_mutated_policies(data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(BASES))
    path = data.draw(st.sampled_from(_paths(base)))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    value = data.draw(st.sampled_from(EDGE_VALUES))
    mutated = _mutate(base, path, action, value)
    assert VALIDATOR.is_valid(mutated) == _model_accepts(mutated), (path, action, value)


def test_every_property_and_section_teaches() -> None:
    """A title and a description for every property, an example for every value an editor
    completes, a description for every section: what an editor shows while typing."""
    schema = policy_schema()
    nodes = [("policy", schema), *schema["$defs"].items()]
    for name, node in nodes:
        assert node.get("description"), f"section {name} has no description"
        for key, prop in node.get("properties", {}).items():
            assert prop.get("title") and prop.get("description"), f"{name}.{key}"
            if "$ref" not in prop:
                assert prop.get("examples"), f"{name}.{key} has no example"


def test_optional_sections_are_not_typed_null() -> None:
    assert '"null"' not in json.dumps(policy_schema())


def _with(base: Any, path: tuple[Any, ...], value: Any) -> Any:
    return _mutate(base, path, "replace", value)


STRUCTURAL_RULES = {
    "a manager who is a person and a rotation": (
        ("on_call", "technical_manager"),
        lambda tm, eng: {"person": "pat@example.com", "rotation": eng},
    ),
    "a manager who is neither": (("on_call", "technical_manager"), lambda tm, eng: {}),
    "a weekly shift without a weekday": (
        ("on_call", "engineer", "handoff"),
        lambda tm, eng: {k: v for k, v in eng["handoff"].items() if k != "weekday"},
    ),
    "an empty optional key": (("slack",), lambda tm, eng: None),
}


@pytest.mark.parametrize("rule", sorted(STRUCTURAL_RULES))
def test_schema_and_model_agree_on_the_structural_rules(rule: str) -> None:
    base = load_file(HERE / "good" / "minimal.yaml").data
    path, make = STRUCTURAL_RULES[rule]
    broken = _with(
        base, path, make(base["on_call"]["technical_manager"], base["on_call"]["engineer"])
    )
    assert not VALIDATOR.is_valid(broken)
    assert not _model_accepts(broken)


@pytest.mark.parametrize("members", [[], ["pat@example.com"]])
def test_schema_and_model_agree_on_fallback_members(members: list[str]) -> None:
    base = load_file(HERE / "good" / "minimal.yaml").data
    group = {"handle": "oncall", "name": "On call", "when_nobody_on_call": "fallback"}
    if members:
        group["fallback_members"] = members
    doc = {**base, "slack": {"on_call_group": group}}
    assert VALIDATOR.is_valid(doc) == _model_accepts(doc) == bool(members)
