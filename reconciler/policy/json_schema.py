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
    def dict_schema(self, schema: Any) -> dict[str, Any]:
        # pydantic says what keys look like with patternProperties but leaves other keys
        # allowed, while the model refuses them; close the gap so the two agree.
        result = super().dict_schema(schema)
        if "patternProperties" in result:
            result["additionalProperties"] = False
        return result


def policy_schema() -> dict[str, Any]:
    schema = Policy.model_json_schema(mode="validation", schema_generator=_Generator)
    return {"$schema": DRAFT, **schema}


def policy_schema_text() -> str:
    return json.dumps(policy_schema(), indent=2, ensure_ascii=False) + "\n"
