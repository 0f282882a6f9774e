"""plan and drift get clients that cannot write: not by a flag, by having no way to."""

from __future__ import annotations

import inspect

import pytest
import respx

from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack.client import READ_METHODS, TIERS, SlackReader
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.errors import WriteNotAllowed
from reconciler.clients.http import ReadOnlyHttp


def public_methods(cls: type) -> set[str]:
    return {n for n, _ in inspect.getmembers(cls, inspect.isfunction) if not n.startswith("_")}


WRITE_VERBS = (
    "create",
    "update",
    "delete",
    "add",
    "remove",
    "set",
    "post",
    "invite",
    "kick",
    "join",
    "archive",
    "unarchive",
    "enable",
    "disable",
    "order",
)


def test_the_readers_have_no_write_methods() -> None:
    for reader in (OpsGenieReader, SlackReader):
        writes = {m for m in public_methods(reader) if m.split("_")[0] in WRITE_VERBS}
        assert writes == set(), f"{reader.__name__} has write methods: {writes}"
    # The writers do: the check above would see them if they moved into a reader.
    assert {"create_team", "delete_schedule", "update_escalation"} <= public_methods(OpsGenieWriter)
    assert {"invite", "kick", "set_group_members", "post_message"} <= public_methods(SlackWriter)


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
        with pytest.raises(WriteNotAllowed, match=method):
            slack_reader._http.get(f"/{method}", {"channel": "C0X"})
        assert not router.calls
