"""The sandbox over TCP: both APIs on one port (OpsGenie under /v2/, Slack under /api/)."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from reconciler.sandbox.emulator import Dropped, Emulator, TimedOut
from reconciler.sandbox.http import Request


def make_server(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "reconcile-sandbox"

        def log_message(self, format: str, *args: object) -> None:  # quiet by default
            pass

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            incoming = Request(
                method=self.command,
                path=unquote(parts.path),  # as httpx's in-process path is
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            try:
                answer = emulator.handle(incoming)
            except Dropped:
                self.close_connection = True
                return
            except TimedOut as exc:
                time.sleep(exc.ms / 1000)
                self.close_connection = True
                return
            content = answer.content()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(content)))
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def serve_in_thread(emulator: Emulator, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, str]:
    server = make_server(emulator, host)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://{host}:{server.server_address[1]}"
    return server, address
