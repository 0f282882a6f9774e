"""Contract checks against the vendors' official API descriptions (tests/specs/).

Every request our clients send and every response they are fed, or the emulator returns, is
checked against the matching operation: method, path, query, body, and the response schema for
its status. Slack's description admits it is not always right; where its docs say otherwise the
docs win, so Slack error codes are not held to the description's short lists, and the token may
travel in the Authorization header (Slack's own advice) instead of a query parameter.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from jsonschema import Draft4Validator

from tests.contract_jsm import JsmContract, is_jsm
from tests.contract_jsm import contract as jsm_contract

REPO = Path(__file__).resolve().parents[1]
SPECS = Path(os.environ.get("RECONCILE_SPECS", REPO / "tests" / "specs"))
# Parameters the vendor documents that its (2021) description predates, with the source. Only
# these are let through; anything else the description lacks is still a violation.
NEWER_THAN_SPEC: dict[tuple[str, str], dict[str, str]] = {
    # docs.slack.dev/reference/methods/conversations.history (message metadata, 2022)
    ("get", "/conversations.history"): {"include_all_metadata": "boolean"},
    # docs.slack.dev/reference/methods/chat.postMessage: `metadata`, a JSON object string
    ("post", "/chat.postMessage"): {"metadata": "string"},
}
# docs.slack.dev, "Using message metadata": history answers it with include_all_metadata.
MESSAGE_METADATA = {
    "metadata": {
        "type": "object",
        "required": ["event_type", "event_payload"],
        "properties": {"event_type": {"type": "string"}, "event_payload": {"type": "object"}},
    }
}
# Answer keys likewise: conversations.history pages by cursor (its method page, "Pagination"),
# so its answer carries response_metadata.next_cursor, which the 2021 description lacks.
NEWER_ANSWER_KEYS: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/conversations.history"): {
        "response_metadata": {
            "type": "object",
            "properties": {"next_cursor": {"type": "string"}},
        }
    },
}


@dataclass(frozen=True)
class Operation:
    template: str
    method: str
    spec: dict[str, Any]
    root: dict[str, Any]

    def parameters(self) -> list[dict[str, Any]]:
        resolved = []
        for p in self.spec.get("parameters", []):
            if "$ref" in p:
                p = self.root["parameters"][p["$ref"].rsplit("/", 1)[-1]]
            resolved.append(p)
        where = "query" if self.method == "get" else "formData"
        for name, kind in NEWER_THAN_SPEC.get((self.method, self.template), {}).items():
            resolved.append({"name": name, "in": where, "type": kind})
        return resolved


class Spec:
    def __init__(self, path: Path, prefix: str, vendor: str) -> None:
        self.root = json.loads(path.read_text("utf-8"))
        self.prefix = prefix  # the part of our URL path before the spec's paths
        self.vendor = vendor
        templates = sorted(self.root["paths"], key=lambda t: (t.count("{"), -len(t)))
        self._routes = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$"), t)
            for t in templates
        ]

    def operation(self, method: str, path: str) -> Operation:
        if not path.startswith(self.prefix):
            raise AssertionError(f"{self.vendor}: {path} is outside {self.prefix}")
        local = path[len(self.prefix) :] or "/"
        for regex, template in self._routes:
            if regex.match(local):
                ops = self.root["paths"][template]
                if method.lower() not in ops:
                    raise AssertionError(f"{self.vendor}: {method} {template} is not in the spec")
                return Operation(template, method.lower(), ops[method.lower()], self.root)
        raise AssertionError(f"{self.vendor}: no operation matches {method} {path}")

    def validator(self, schema: dict[str, Any]) -> Draft4Validator:
        return Draft4Validator({**schema, "definitions": self.root["definitions"]})

    # -- requests ----------------------------------------------------------------------------

    def check_request(self, request: httpx.Request) -> list[str]:
        op = self.operation(request.method, request.url.path)
        where = f"{request.method} {op.template}"
        problems: list[str] = []
        params = op.parameters()
        has_bearer = request.headers.get("Authorization", "").startswith(("Bearer ", "GenieKey "))
        query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        declared_query = {p["name"]: p for p in params if p["in"] == "query"}
        for name, value in query.items():
            if name not in declared_query:
                problems.append(f"{where}: query parameter {name!r} is not in the spec")
            else:
                problems += _check_value(where, declared_query[name], value)
        form: dict[str, str] = {}
        body_param = next((p for p in params if p["in"] == "body"), None)
        content_type = request.headers.get("Content-Type", "")
        if request.content:
            if "application/json" in content_type:
                data = json.loads(request.content)
                if body_param is None:
                    problems.append(f"{where}: sends a JSON body the spec does not take")
                else:
                    for error in self.validator(body_param["schema"]).iter_errors(data):
                        problems.append(f"{where}: body: {error.message} at {list(error.path)}")
            elif "x-www-form-urlencoded" in content_type:
                form = dict(parse_qsl(request.content.decode(), keep_blank_values=True))
                declared_form = {p["name"]: p for p in params if p["in"] == "formData"}
                for name, value in form.items():
                    if name not in declared_form:
                        problems.append(f"{where}: form field {name!r} is not in the spec")
                    else:
                        problems += _check_value(where, declared_form[name], value)
        elif body_param is not None and body_param.get("required"):
            problems.append(f"{where}: the spec requires a body")
        present = set(query) | set(form)
        for p in params:
            if not p.get("required") or p["in"] in ("path", "body"):
                continue
            if p["name"] == "token" and has_bearer:
                continue
            if p["in"] in ("query", "formData") and p["name"] not in present:
                problems.append(f"{where}: required parameter {p['name']!r} missing")
        return problems

    # -- responses ---------------------------------------------------------------------------

    def check_response(self, request: httpx.Request, response: httpx.Response) -> list[str]:
        op = self.operation(request.method, request.url.path)
        where = f"{request.method} {op.template} -> {response.status_code}"
        answers = op.spec.get("responses", {})
        answer = answers.get(str(response.status_code)) or answers.get("default")
        if answer is None:
            return [f"{where}: status {response.status_code} is not in the spec"]
        if "$ref" in answer:
            answer = self.root["responses"][answer["$ref"].rsplit("/", 1)[-1]]
        schema = answer.get("schema")
        if schema is None or not response.content:
            return []
        if "json" not in response.headers.get("content-type", ""):
            # A proxy's HTML or text 5xx page: not the API speaking, nothing to hold to the spec.
            if response.status_code >= 500:
                return []
            return [f"{where}: the answer is not JSON"]
        body = response.json()
        if self.vendor == "Slack" and isinstance(body, dict) and body.get("ok") is False:
            schema = _without_error_enum(answers.get("default", {}).get("schema", schema))
        elif self.vendor == "Slack":
            # Slack answers empty lists (no messages yet, nobody in a channel) where its
            # description says at least one item: the docs win.
            schema = _without_min_items(schema)
            extra = NEWER_ANSWER_KEYS.get((op.method, op.template))
            if extra:
                schema = copy.deepcopy(schema)
                schema.setdefault("properties", {}).update(extra)
                messages = schema["properties"].get("messages")
                if isinstance(messages, dict) and "$ref" in messages.get("items", {}):
                    name = messages["items"]["$ref"].rsplit("/", 1)[-1]
                    item = copy.deepcopy(self.root["definitions"][name])
                    item.setdefault("properties", {}).update(MESSAGE_METADATA)
                    messages["items"] = item
        return [
            f"{where}: {error.message} at {list(error.path)}"
            for error in self.validator(schema).iter_errors(body)
        ]


def _without_error_enum(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    error = schema.get("properties", {}).get("error")
    if isinstance(error, dict):
        error.pop("enum", None)
    return schema


def _without_min_items(schema: dict[str, Any]) -> dict[str, Any]:
    schema = copy.deepcopy(schema)
    for prop in schema.get("properties", {}).values():
        if isinstance(prop, dict) and prop.get("type") == "array":
            prop.pop("minItems", None)
    return schema


def _check_value(where: str, param: dict[str, Any], value: str) -> list[str]:
    kind = param.get("type")
    name = param["name"]
    if "enum" in param and value not in [str(v).lower() for v in param["enum"]] + [
        str(v) for v in param["enum"]
    ]:
        return [f"{where}: {name}={value!r} is not one of {param['enum']}"]
    if kind == "integer" and not re.fullmatch(r"-?\d+", value):
        return [f"{where}: {name}={value!r} is not an integer"]
    if kind == "boolean" and value not in ("true", "false", "1", "0"):
        return [f"{where}: {name}={value!r} is not a boolean"]
    return []


@functools.cache
def opsgenie() -> Spec:
    return Spec(_spec("opsgenie/swagger.json"), "", "OpsGenie")


@functools.cache
def slack() -> Spec:
    return Spec(_spec("slack/slack_web_openapi_v2.json"), "/api", "Slack")


def _spec(relative: str) -> Path:
    path = SPECS / relative
    if not path.exists():
        raise AssertionError(f"the vendor specs are missing: {path}")
    return path


def spec_for(request: httpx.Request) -> Spec | JsmContract:
    if is_jsm(request):
        return jsm_contract()
    return slack() if request.url.path.startswith("/api/") else opsgenie()


def check_exchange(request: httpx.Request, response: httpx.Response | None) -> list[str]:
    spec = spec_for(request)
    problems = spec.check_request(request)
    if response is not None:
        problems += spec.check_response(request, response)
    return problems
