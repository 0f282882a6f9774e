"""The policy's JSON Schema (draft 2020-12), generated from the model: one source of truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from reconciler.policy.model import Policy

DRAFT = "https://json-schema.org/draft/2020-12/schema"
COMMITTED = Path(__file__).resolve().parents[2] / "schemas" / "policy.schema.json"


class _Generator(GenerateJsonSchema):
    def nullable_schema(self, schema: Any) -> dict[str, Any]:
        # An optional key is left out, never written empty (the model refuses an empty one), so
        # the schema says what it is, not "X or null": editors then do not say "is not of type
        # 'null'" about a good value.
        return super().generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> dict[str, Any]:
        result = super().default_schema(schema)
        if result.get("default", 0) is None:
            result.pop("default")
        return result

    def dict_schema(self, schema: Any) -> dict[str, Any]:
        # pydantic says what keys look like with patternProperties but leaves other keys
        # allowed, while the model refuses them; close the gap so the two agree.
        result = super().dict_schema(schema)
        if "patternProperties" in result:
            result["additionalProperties"] = False
        return result


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(mode="validation", schema_generator=_Generator)
    _teach(schema, schema.get("$defs", {}))
    return {"$schema": DRAFT, **schema}


def _teach(schema: dict[str, Any], defs: dict[str, Any]) -> None:
    """Every property an editor shows gets a title, and a section its description."""
    for node in [schema, *defs.values()]:
        for key, prop in node.get("properties", {}).items():
            prop.setdefault("title", key.replace("_", " ").capitalize())
            ref = prop.get("$ref", "")
            if ref and "description" not in prop:
                target = defs.get(ref.rsplit("/", 1)[-1], {})
                if "description" in target:
                    prop["description"] = target["description"]


def policy_schema_text() -> str:
    return json.dumps(policy_schema(), indent=2, ensure_ascii=False) + "\n"
