"""Checking a loaded document against the model, with messages that say where and what."""

from __future__ import annotations

import copy
import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from reconciler.policy.loader import Document
from reconciler.policy.model import Policy
from reconciler.policy.problems import Problem

_TYPE_NAMES = {
    str: "a string",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (null)",
}
_EXPECTED = {
    "string_type": "a string",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def validate_structure(doc: Document) -> tuple[Policy | None, list[Problem]]:
    try:
        return Policy.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A misspelt required key shows up twice: as unknown and as missing. Say it once.
        suggested = {
            (*err["loc"][:-1], hint)
            for err in errors
            if err["type"] == "extra_forbidden"
            for hint in _suggestions(tuple(err["loc"]))
        }
        problems = [
            _problem(doc, dict(err))
            for err in errors
            if not (err["type"] == "missing" and tuple(err["loc"]) in suggested)
        ]
        return None, sorted(set(problems))


def _suggestions(loc: tuple[Any, ...]) -> list[str]:
    return difflib.get_close_matches(str(loc[-1]), _known_keys(loc[:-1]), n=1, cutoff=0.6)


def dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def _problem(doc: Document, err: dict[str, Any]) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = dotted(loc)
    if kind == "extra_forbidden":
        line, column = doc.position(loc, of_key=True)
        known = _known_keys(loc[:-1])
        message = f"{where}: unknown key {loc[-1]!r}"
        close = _suggestions(loc)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        elif known:
            message += f"; expected one of: {', '.join(known)}"
        return Problem(doc.file, line, column, message)
    if kind == "missing":
        line, column = doc.position(loc[:-1], of_key=True)
        parent = dotted(loc[:-1])
        return Problem(doc.file, line, column, f"{parent}: missing required key {loc[-1]!r}")
    line, column = doc.position(loc)
    value = err.get("input")
    if kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {_describe(value)}"
    elif kind == "literal_error":
        expected = err["ctx"]["expected"]
        message = f"{value!r} is not one of {expected}"
        options = [o.strip().strip("'") for o in expected.replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
        if close:
            message += f" (did you mean {close[0]!r}?)"
    elif kind == "too_short":
        message = f"needs at least {err['ctx']['min_length']} item(s)"
    elif kind == "string_too_long":
        message = f"is {len(str(value))} characters; at most {err['ctx']['max_length']} allowed"
    elif kind == "string_too_short":
        message = "must not be empty"
    elif kind in _BOUNDS:
        bound = next(iter(err.get("ctx", {}).values()), "?")
        message = f"{_BOUNDS[kind]} {bound}, not {value!r}"
    else:  # a kind without words of our own yet: pydantic's, lower-cased, without its jargon
        text = str(err["msg"])
        message = text[:1].lower() + text[1:].replace("Input should be", "should be")
    return Problem(doc.file, line, column, f"{where}: {message}")


_BOUNDS = {
    "greater_than_equal": "must be at least",
    "greater_than": "must be more than",
    "less_than_equal": "must be at most",
    "less_than": "must be less than",
}


def repaired(data: Any, locations: list[tuple[Any, ...]]) -> Any:
    """`data` without the values at `locations` (their fields then take their defaults), so that
    the meaning checks can still run on the rest of a file with structural problems."""
    data = copy.deepcopy(data)
    for loc in locations:
        parent = data
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        if isinstance(parent, dict):
            parent.pop(loc[-1], None)
    return data


def _describe(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, (list, dict)) or value is None:
        return name
    return f"{name} ({value!r})"


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc`, for did-you-mean suggestions."""
    models = _models_at(Policy, loc)
    return sorted({name for model in models for name in model.model_fields})


def _models_at(annotation: Any, loc: tuple[Any, ...]) -> list[type[BaseModel]]:
    candidates = _unwrap(annotation)
    if not loc:
        return [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
    head, rest = loc[0], loc[1:]
    found: list[type[BaseModel]] = []
    for candidate in candidates:
        origin = typing.get_origin(candidate)
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            field = candidate.model_fields.get(str(head))
            if field is not None:
                found += _models_at(field.annotation, rest)
        elif origin in (list, tuple) and isinstance(head, int):
            found += _models_at(typing.get_args(candidate)[0], rest)
        elif origin is dict:
            found += _models_at(typing.get_args(candidate)[1], rest)
    return found


def _unwrap(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _unwrap(arg)]
    return [annotation]
