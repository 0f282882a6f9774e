"""The sandbox in-process: an httpx transport, no socket. Same clients, same emulator."""

from __future__ import annotations

import httpx

from reconciler.sandbox.emulator import Dropped, Emulator, TimedOut
from reconciler.sandbox.wire import Request


class SandboxTransport(httpx.BaseTransport):
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        incoming = Request(
            method=request.method,
            path=request.url.path,
            query={k: v for k, v in request.url.params.multi_items()},
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.read(),
        )
        try:
            answer = self.emulator.handle(incoming)
        except Dropped:
            raise httpx.RemoteProtocolError(
                "the sandbox dropped the connection", request=request
            ) from None
        except TimedOut:
            raise httpx.ReadTimeout("the sandbox did not answer in time", request=request) from None
        headers = {"Content-Type": "application/json; charset=utf-8", **answer.headers}
        return httpx.Response(answer.status, headers=headers, content=answer.content())
