"""The sandbox over TCP: both APIs on one port (OpsGenie under /v2/, Slack under /api/).

What users rehearse on must not fall over on what a careless client sends: credentials are
checked before a body is read; a missing, non-numeric, negative or too large Content-Length, or
a chunked body, gets the vendor's error shape (never a dropped connection and a traceback); a
handler that meets a field of the wrong type answers as the vendor would. Threads are bounded,
and an idle or slow connection times out.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from reconciler.sandbox.emulator import Dropped, Emulator, TimedOut
from reconciler.sandbox.wire import Request, Response

MAX_BODY = 1024 * 1024  # the largest request reconcile sends is a few KB
MAX_THREADS = 128  # each client process keeps up to ~48 pooled connections
IDLE_SECONDS = 30.0  # a connection that sends nothing for this long is closed


class BoundedServer(ThreadingHTTPServer):
    """A thread per connection, at most MAX_THREADS at once; more wait to be accepted."""

    daemon_threads = True
    request_queue_size = 64  # connections the kernel holds while every thread is busy

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_THREADS)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: socket | tuple[bytes, socket], client_address: Any) -> None:
        # A client that hangs up mid-answer is not news; anything else is a sandbox bug: say so
        # in one line, not a traceback per connection.
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            print(f"sandbox: error serving {client_address}: {error!r}", file=sys.stderr)


def make_server(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> BoundedServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "reconcile-sandbox"
        timeout = IDLE_SECONDS
        # Headers and body go out in two writes; with Nagle's algorithm on, the second waits
        # for the client's delayed ACK: 40 ms a request on Linux loopback.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            incoming = Request(
                method=self.command,
                path=unquote(parts.path),  # as httpx's in-process path is
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            refused = emulator.refuse_before_reading(incoming)
            if refused is not None:
                self._answer(refused, close=self._has_body())
                return
            body = self._body(incoming)
            if isinstance(body, Response):
                self._answer(body, close=True)
                return
            incoming.body = body
            try:
                answer = emulator.handle(incoming)
            except Dropped:
                self.close_connection = True
                return
            except TimedOut as exc:
                time.sleep(exc.ms / 1000)
                self.close_connection = True
                return
            self._answer(answer)

        def _has_body(self) -> bool:
            return bool(self.headers.get("Content-Length") or self.headers.get("Transfer-Encoding"))

        def _body(self, incoming: Request) -> bytes | Response:
            if self.headers.get("Transfer-Encoding"):
                return emulator.unreadable(incoming, 411, "Send the body with a Content-Length")
            text = (self.headers.get("Content-Length") or "0").strip()
            if not text.isdigit():
                return emulator.unreadable(incoming, 400, f"Invalid Content-Length [{text}]")
            length = int(text)
            if length > MAX_BODY:
                return emulator.unreadable(
                    incoming, 413, f"Request body is larger than {MAX_BODY} bytes"
                )
            body = self.rfile.read(length) if length else b""
            if len(body) < length:
                return emulator.unreadable(incoming, 400, "The request body ended early")
            return body

        def _answer(self, answer: Response, *, close: bool = False) -> None:
            content = answer.content()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if close:  # the unread body would be taken for the next request
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return BoundedServer((host, port), Handler)
