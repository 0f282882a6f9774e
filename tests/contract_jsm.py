"""Contract checks for JSM Operations, the Teams API and the site endpoints reconcile uses.

Against tests/specs/jsm/contract.json: reconcile's own description, written from the documented
shapes in the reference (../shared/reference/jsm-ops.md), since Atlassian's OpenAPI document has
no known licence and is not copied. Every request's method, path, query and body, and every
answer's body for its status (the errors envelopes for 4xx and 5xx) are held to it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
from jsonschema import Draft202012Validator

CONTRACT = Path(__file__).resolve().parent / "specs" / "jsm" / "contract.json"
PREFIXES = ("/jsm/ops/api/", "/gateway/api/public/teams/", "/rest/api/3/", "/_edge/")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


def is_jsm(request: httpx.Request) -> bool:
    return request.url.path.startswith(PREFIXES)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    regex: re.Pattern[str]
    spec: dict[str, Any]


class JsmContract:
    vendor = "JSM Operations"

    def __init__(self, path: Path = CONTRACT) -> None:
        self.root = json.loads(path.read_text("utf-8"))
        self.operations = [
            Operation(
                op["method"],
                op["path"],
                re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(op["path"])) + "$"),
                op,
            )
            for op in self.root["operations"]
        ]

    def _schema(self, schema: dict[str, Any]) -> Draft202012Validator:
        return Draft202012Validator({**schema, "$defs": self.root["$defs"]})

    def operation(self, method: str, path: str) -> Operation:
        for op in self.operations:
            if op.method == method and op.regex.match(path):
                return op
        raise AssertionError(f"{self.vendor}: {method} {path} is not in the contract")

    def knows(self, request: httpx.Request) -> bool:
        return any(
            op.method == request.method and op.regex.match(request.url.path)
            for op in self.operations
        )

    def check_request(self, request: httpx.Request) -> list[str]:
        op = self.operation(request.method, request.url.path)
        where = f"{request.method} {op.path}"
        problems = []
        declared = op.spec.get("query", {})
        query = dict(parse_qsl(request.url.query.decode(), keep_blank_values=True))
        for name, value in query.items():
            kind = declared.get(name)
            if kind is None:
                problems.append(f"{where}: query parameter {name!r} is not in the contract")
            elif kind == "integer" and not value.isdigit():
                problems.append(f"{where}: {name}={value!r} is not an integer")
            elif kind == "boolean" and value not in ("true", "false"):
                problems.append(f"{where}: {name}={value!r} is not a boolean")
            elif kind == "date-time" and not DATE_TIME.match(value):
                problems.append(f"{where}: {name}={value!r} is not an RFC 3339 date-time")
        for name in op.spec.get("required", []):
            if name not in query:
                problems.append(f"{where}: required parameter {name!r} missing")
        body = op.spec.get("body")
        if request.content:
            if body is None:
                problems.append(f"{where}: sends a body the contract does not take")
            else:
                data = json.loads(request.content)
                problems += [
                    f"{where}: body: {e.message} at {list(e.path)}"
                    for e in self._schema(body).iter_errors(data)
                ]
        elif body is not None:
            problems.append(f"{where}: the contract requires a body")
        return problems

    def check_response(self, request: httpx.Request, response: httpx.Response) -> list[str]:
        op = self.operation(request.method, request.url.path)
        status = response.status_code
        where = f"{request.method} {op.path} -> {status}"
        json_answer = "json" in response.headers.get("content-type", "")
        if status == 429 or (status >= 500 and not json_answer):
            return []  # a proxy's page, or a throttle: not the API's shapes
        if status >= 400:
            schema = self.root["errors"].get(str(status)) or self.root["errors"]["default"]
        else:
            schema = op.spec["answers"].get(str(status))
            if schema is None:
                return [f"{where}: status {status} is not in the contract"]
        if not response.content:
            return [] if status in (200, 204) and not schema else [f"{where}: no body"]
        return [
            f"{where}: {e.message} at {list(e.path)}"
            for e in self._schema(schema).iter_errors(response.json())
        ]


@functools.cache
def contract() -> JsmContract:
    return JsmContract()
