"""Suite-wide guards: no test reaches the internet, and no real credential leaks in."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
SECRET_ENV = (
    "OPSGENIE_API_KEY",
    "SLACK_BOT_TOKEN",
    "SLACK_USER_TOKEN",
    "ATLASSIAN_API_TOKEN",
    "ATLASSIAN_EMAIL",
)


def _is_loopback(address: object) -> bool:
    if isinstance(address, tuple):
        host = address[0]
    else:  # unix sockets and the like are local by nature
        return True
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        if not _is_loopback(address):
            raise AssertionError(f"a test tried to reach {address!r}: tests stay on loopback")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _no_real_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        *SECRET_ENV,
        "OPSGENIE_API_URL",
        "OPSGENIE_REGION",
        "SLACK_API_URL",
        "JSM_SITE",
        "JSM_CLOUD_ID",
        "JSM_API_URL",
        "ATLASSIAN_ORG_ID",
        "RECONCILE_ONCALL_BACKEND",
        "RECONCILE_JSM_POLL_SECONDS",
        "RECONCILE_SANDBOX",
        "RECONCILE_NOW",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _jsm_exchanges_keep_the_contract(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Every JSM request and answer that passes through the sandbox in this process (in-process
    or over TCP), in any test, is held to the contract written from the reference
    (tests/contract_jsm.py). A test that sends wrong requests on purpose (marked
    `sends_off_contract`) has only the answers checked."""
    from reconciler.sandbox.transport import SandboxTransport
    from tests.contract_jsm import contract, is_jsm

    seen: list[tuple[httpx.Request, httpx.Response]] = []

    def recorded(transport: type[httpx.BaseTransport]) -> None:
        real = transport.handle_request

        def recording(self: httpx.BaseTransport, sent: httpx.Request) -> httpx.Response:
            response = real(self, sent)  # type: ignore[arg-type]
            if is_jsm(sent):
                response.read()
                seen.append((sent, response))
            return response

        monkeypatch.setattr(transport, "handle_request", recording)

    recorded(SandboxTransport)  # in-process
    recorded(httpx.HTTPTransport)  # over loopback TCP, to a served sandbox
    yield
    checker = contract()
    on_purpose = request.node.get_closest_marker("sends_off_contract") is not None
    problems = []
    for sent, answer in seen:
        if on_purpose:
            if checker.knows(sent):
                problems += checker.check_response(sent, answer)
            continue
        problems += checker.check_request(sent) + checker.check_response(sent, answer)
    assert not problems, "JSM contract violations:\n" + "\n".join(sorted(set(problems)))


@pytest.fixture
def repo() -> Path:
    return REPO


FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def _workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder like a policy repository's: `policies/` holds the suite's own copy of the
    Delivery policy, so adding or changing a policy in this repository's `policies/` never
    changes what the tests see."""
    folder = tmp_path_factory.mktemp("workdir")
    shutil.copytree(FIXTURES / "policies", folder / "policies")
    return folder


@pytest.fixture(autouse=True)
def _run_from_a_policy_repository(monkeypatch: pytest.MonkeyPatch, _workdir: Path) -> None:
    """Commands default to `policies/`, relative to where they run, as in CI."""
    monkeypatch.chdir(_workdir)
