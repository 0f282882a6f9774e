"""The emulator's request and response, shared by the in-process transport and the TCP server."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    def json(self) -> Any:
        if not self.body:
            return None
        return json.loads(self.body)

    def args(self) -> dict[str, str]:
        """Slack's arguments: query, then form or JSON body (Slack takes all three)."""
        args = dict(self.query)
        content_type = self.headers.get("content-type", "")
        if self.body and "json" in content_type:
            body = self.json()
            if isinstance(body, dict):
                for key, value in body.items():
                    if isinstance(value, bool):
                        value = "true" if value else "false"
                    elif isinstance(value, list):
                        value = ",".join(str(v) for v in value)
                    args[key] = str(value)
        elif self.body:
            args.update(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))
        return args


@dataclass
class Response:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)

    def content(self) -> bytes:
        return b"" if self.body is None else json.dumps(self.body).encode("utf-8")


Handler = Callable[..., Any]  # each vendor's module says what its handlers return


class Router:
    """Path patterns with {name} segments to handlers; the first match wins."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")

        def register(fn: Handler) -> Handler:
            self._routes.append((method, regex, fn))
            return fn

        return register

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | str | None:
        """The handler and path parameters; 'method' if the path exists under another method."""
        other_method = False
        for route_method, regex, fn in self._routes:
            found = regex.match(path)
            if found:
                if route_method == method:
                    return fn, found.groupdict()
                other_method = True
        return "method" if other_method else None
