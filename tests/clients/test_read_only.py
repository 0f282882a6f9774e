"""plan and drift get clients that cannot write: not by a flag, by having no way to."""

from __future__ import annotations

import inspect

import httpx
import pytest
import respx

from reconciler.backends.jsm.client import JsmConfig, make_http, read_only
from reconciler.backends.jsm.reader import JsmReader
from reconciler.backends.jsm.write import JsmWriter
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.backends.slack.client import READ_METHODS, TIERS, SlackReader
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.errors import WriteNotAllowed
from reconciler.clients.http import ReadOnlyHttp
from reconciler.clients.secrets import Secret

JSM_CONFIG = JsmConfig(
    "https://api.atlassian.com/jsm/ops/api/c1",
    "https://example-corp.atlassian.net",
    "bot@example.com",
    Secret("a-test-api-token"),
    "o1",
)


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
    for reader in (OpsGenieReader, SlackReader, JsmReader):
        writes = {m for m in public_methods(reader) if m.split("_")[0] in WRITE_VERBS}
        assert writes == set(), f"{reader.__name__} has write methods: {writes}"
    # The writers do: the check above would see them if they moved into a reader.
    assert {"create_team", "delete_schedule", "update_escalation"} <= public_methods(OpsGenieWriter)
    assert {"invite", "kick", "set_group_members", "post_message"} <= public_methods(SlackWriter)
    assert {"create_team", "order_routing_rule"} <= public_methods(JsmWriter)


def test_the_read_only_transport_can_only_get() -> None:
    assert public_methods(ReadOnlyHttp) == {"get", "read_post", "parallel", "close"}


def test_a_read_by_post_goes_only_to_the_paths_the_reader_named() -> None:
    """The Teams API lists members by POST: the JSM reader's client allows that one path."""
    ops, site = read_only(*make_http(JSM_CONFIG, transport=httpx.MockTransport(_members_answer)))
    members = "/gateway/api/public/teams/v1/org/o1/teams/t1/members"
    assert site.read_post(members, {"first": 50}).status_code == 200
    for path in (
        f"{members}/add",
        f"{members}/remove",
        "/gateway/api/public/teams/v1/org/o1/teams/",
    ):
        with pytest.raises(WriteNotAllowed):
            site.read_post(path, {})
    with pytest.raises(WriteNotAllowed):
        ops.read_post("/v1/schedules", {})


def _members_answer(request: httpx.Request) -> httpx.Response:
    assert request.url.path.endswith("/members")
    return httpx.Response(200, json={"results": [], "pageInfo": {"hasNextPage": False}})


def test_the_jsm_reader_holds_only_read_only_transports() -> None:
    reader = JsmReader(*read_only(*make_http(JSM_CONFIG)), "o1", "me@example.com")
    held = [v for v in vars(reader).values() if hasattr(v, "read_post") or hasattr(v, "send")]
    assert [type(v) for v in held] == [ReadOnlyHttp, ReadOnlyHttp]


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
