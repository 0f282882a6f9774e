"""The served sandbox against malformed requests: the vendor's error shape, never a dropped
connection or a traceback; credentials before the body; bounded threads."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import BOT_TOKEN, OPSGENIE_KEY, seed_state
from reconciler.sandbox.server import MAX_BODY, MAX_THREADS, make_server

OG_AUTH = f"Authorization: GenieKey {OPSGENIE_KEY}\r\n"
SLACK_AUTH = f"Authorization: Bearer {BOT_TOKEN}\r\n"


@pytest.fixture
def address(capfd: pytest.CaptureFixture[str]) -> Iterator[tuple[str, int]]:
    server = make_server(Emulator(seed_state()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in capfd.readouterr().err


def exchange(address: tuple[str, int], raw: str, body: bytes = b"") -> tuple[int, Any]:
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(raw.encode() + body)
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, json.loads(answer.read() or b"null")


def _og_envelope(body: Any) -> None:
    assert set(body) >= {"message", "took", "requestId"}, body


def test_invalid_json_gets_opsgenies_400(address: tuple[str, int]) -> None:
    body = b"{not json"
    raw = (
        f"POST /v2/teams HTTP/1.1\r\nHost: x\r\n{OG_AUTH}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    status, answer = exchange(address, raw, body)
    assert status == 400
    _og_envelope(answer)


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", ""])
def test_a_bad_content_length_is_answered_not_dropped(
    address: tuple[str, int], length: str
) -> None:
    raw = f"POST /v2/teams HTTP/1.1\r\nHost: x\r\n{OG_AUTH}Content-Length: {length}\r\n\r\n"
    status, answer = exchange(address, raw)
    if length == "":
        assert status in (400, 422)  # no body: not a team
    else:
        assert status == 400 and "Content-Length" in answer["message"]
    _og_envelope(answer)


def test_a_body_over_the_limit_is_refused_unread(address: tuple[str, int]) -> None:
    raw = f"POST /v2/teams HTTP/1.1\r\nHost: x\r\n{OG_AUTH}Content-Length: {MAX_BODY + 1}\r\n\r\n"
    started = time.monotonic()
    status, answer = exchange(address, raw)  # no body sent: it must not wait for one
    assert status == 413
    _og_envelope(answer)
    assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    ("path", "auth", "expected"),
    [
        ("/v2/teams", "Authorization: GenieKey wrong\r\n", 401),
        ("/v2/teams", "", 401),
        ("/api/chat.postMessage", "Authorization: Bearer wrong\r\n", 200),
    ],
)
def test_credentials_are_checked_before_the_body_is_read(
    address: tuple[str, int], path: str, auth: str, expected: int
) -> None:
    raw = f"POST {path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 5000\r\n\r\n"
    status, answer = exchange(address, raw)  # the 5,000 bytes never come
    assert status == expected
    if path.startswith("/api/"):
        assert answer == {"ok": False, "error": "invalid_auth"}
    else:
        _og_envelope(answer)


def test_a_field_of_the_wrong_type_gets_a_422(address: tuple[str, int]) -> None:
    rule = {"condition": "if-not-acked", "notifyType": "default", "delay": {"timeAmount": 0}}
    body = json.dumps(
        {"name": "x", "ownerTeam": {"name": "Delivery"}, "rules": [{**rule, "recipient": 5}]}
    ).encode()
    raw = (
        f"POST /v2/escalations HTTP/1.1\r\nHost: x\r\n{OG_AUTH}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    status, answer = exchange(address, raw, body)
    assert status == 422
    _og_envelope(answer)


@pytest.mark.parametrize(
    ("content_type", "body", "error"),
    [
        ("application/json", b"{nope", "invalid_json"),
        ("application/x-www-form-urlencoded", b"channel=\xff\xfe", "invalid_form_data"),
        ("application/json", b'{"channel": {"id": 1}, "users": 5}', None),
    ],
)
def test_slack_answers_unreadable_arguments_in_its_envelope(
    address: tuple[str, int], content_type: str, body: bytes, error: str | None
) -> None:
    raw = (
        f"POST /api/conversations.invite HTTP/1.1\r\nHost: x\r\n{SLACK_AUTH}"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    status, answer = exchange(address, raw, body)
    assert status == 200 and answer["ok"] is False
    if error:
        assert answer["error"] == error


def test_threads_are_bounded(address: tuple[str, int]) -> None:
    before = threading.active_count()
    idle = [socket.create_connection(address, timeout=5) for _ in range(MAX_THREADS + 10)]
    try:
        time.sleep(0.5)
        assert threading.active_count() - before <= MAX_THREADS
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10
    while threading.active_count() - before > 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    status, _ = exchange(address, f"GET /v2/teams HTTP/1.1\r\nHost: x\r\n{OG_AUTH}\r\n")
    assert status == 200
