"""plan and drift get clients that cannot write: not by a flag, by having no way to."""

from __future__ import annotations

import inspect

import pytest
import respx

from reconciler.clients.errors import WriteNotAllowed
from reconciler.clients.http import ReadOnlyHttp
from reconciler.clients.opsgenie import OpsGenieReader
from reconciler.clients.opsgenie_write import OpsGenieWriter
from reconciler.clients.slack import READ_METHODS, TIERS, SlackReader
from reconciler.clients.slack_write import SlackWriter
from tests.clients.conftest import SLACK_URL


def public_methods(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


def test_the_readers_have_no_write_methods() -> None:
    writes = public_methods(OpsGenieWriter) - public_methods(OpsGenieReader)
    assert {"create_team", "delete_schedule", "update_escalation"} <= writes
    assert not writes & public_methods(OpsGenieReader)
    slack_writes = public_methods(SlackWriter) - public_methods(SlackReader)
    assert {"invite", "kick", "set_group_members", "post_message"} <= slack_writes


def test_the_read_only_transport_can_only_get() -> None:
    assert public_methods(ReadOnlyHttp) == {"get", "parallel", "close"}


def test_the_opsgenie_reader_holds_only_a_read_only_transport(og_reader: OpsGenieReader) -> None:
    held = [v for v in vars(og_reader).values() if hasattr(v, "get") or hasattr(v, "send")]
    assert [type(v) for v in held] == [ReadOnlyHttp]


@pytest.mark.parametrize("method", sorted(set(TIERS) - READ_METHODS))
def test_the_slack_reader_refuses_every_write_method_before_sending(
    method: str, slack_reader: SlackReader
) -> None:
    with respx.mock(assert_all_called=False) as router:
        with pytest.raises(WriteNotAllowed):
            slack_reader._http.get(f"/{method}", {"channel": "C0X"})
        assert not router.calls
    assert f"{SLACK_URL}" not in str(method)
