"""The base every policy model shares."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError


class Strict(BaseModel):
    """Unknown keys are errors, and nothing is coerced: `10` is not the string `"10"`. An optional
    key written but left empty (`slack:` with nothing after it) is refused rather than read as
    "not there", so the schema an editor uses needs no null types."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_empty_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None and key in cls.model_fields:
                    raise PydanticCustomError(
                        "empty_key",
                        "'{key}' is empty: give it a value, or leave the key out",
                        {"key": key},
                    )
        return data
