"""Tokens never appear in logs, error texts, or the repr of anything that holds them."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest
import respx

from reconciler.backends.opsgenie import client as opsgenie
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.backends.slack import client as slack
from reconciler.backends.slack.write import SlackWriter
from reconciler.clients.errors import ApiError, TransportError
from reconciler.clients.secrets import (
    ScrubbingFormatter,
    Secret,
    configure_logging,
    install_log_scrubbing,
    scrub,
)
from reconciler.errors import ReconcileError
from tests.clients.conftest import BOT_TOKEN, OG_KEY, OG_URL, SLACK_URL, USER_TOKEN, og_error

SECRETS = (OG_KEY, BOT_TOKEN, USER_TOKEN)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
        assert secret.split("-")[-2] not in text  # not even the distinctive middle part


def test_secret_shows_itself_as_stars() -> None:
    secret = Secret("xoxb-abc-123")
    assert repr(secret) == str(secret) == "Secret('***')"
    assert f"{secret}" == "Secret('***')"
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(secret)


def test_configs_and_clients_do_not_show_tokens(
    og_reader: OpsGenieReader, slack_writer: SlackWriter
) -> None:
    config = opsgenie.OpsGenieConfig(OG_URL, Secret(OG_KEY))
    sl_config = slack.SlackConfig(SLACK_URL, Secret(BOT_TOKEN), Secret(USER_TOKEN))
    for thing in (config, sl_config, og_reader, slack_writer, og_reader._http, vars(og_reader)):
        assert_clean(repr(thing))


def test_debug_logs_carry_no_token(
    api: respx.MockRouter, og_reader: OpsGenieReader, caplog: pytest.LogCaptureFixture
) -> None:
    install_log_scrubbing()
    api.get(f"{OG_URL}/v2/teams").respond(
        json={"data": [], "took": 0, "requestId": "r", "expandable": []}
    )
    with caplog.at_level(logging.DEBUG):
        og_reader.teams()
        logging.getLogger("reconciler.test").warning("a careless line with %s", OG_KEY)
    assert "GET https://og.test/v2/teams -> 200" in caplog.text
    assert_clean(caplog.text)
    assert "a careless line with ***" in caplog.text


def test_error_texts_carry_no_token(api: respx.MockRouter, og_reader: OpsGenieReader) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(401, json=og_error(f"bad key {OG_KEY}", 401))
    with pytest.raises(ApiError) as caught:
        og_reader.teams()
    assert_clean(str(caught.value))
    assert_clean(repr(caught.value))
    api.get(f"{OG_URL}/v2/escalations").mock(
        side_effect=httpx.ConnectError(f"cannot reach with {OG_KEY}")
    )
    with pytest.raises(TransportError) as caught2:
        og_reader.escalations()
    assert_clean(str(caught2.value))


def test_scrub_replaces_every_known_secret() -> None:
    Secret("xoxp-zzz-999")
    assert scrub("a xoxp-zzz-999 b") == "a *** b"


def test_the_region_picks_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSGENIE_API_KEY", "region-test-key-0001")
    assert opsgenie.OpsGenieConfig.from_env().base_url == "https://api.opsgenie.com"
    monkeypatch.setenv("OPSGENIE_REGION", "EU")
    assert opsgenie.OpsGenieConfig.from_env().base_url == "https://api.eu.opsgenie.com"
    monkeypatch.setenv("OPSGENIE_API_URL", "http://127.0.0.1:8484")
    assert opsgenie.OpsGenieConfig.from_env().base_url == "http://127.0.0.1:8484"
    monkeypatch.setenv("OPSGENIE_REGION", "mars")
    with pytest.raises(ReconcileError, match="'us' and 'eu'"):
        opsgenie.OpsGenieConfig.from_env()


def test_missing_credentials_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ReconcileError, match="OPSGENIE_API_KEY is not set"):
        opsgenie.OpsGenieConfig.from_env()
    with pytest.raises(ReconcileError, match="SLACK_BOT_TOKEN is not set"):
        slack.SlackConfig.from_env()


def test_a_child_loggers_record_reaches_a_later_handler_scrubbed() -> None:
    """A handler added after the clients were made, fed by a child logger, sees no token."""
    install_log_scrubbing()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logging.getLogger("reconciler.backends.slack.client.deep").warning("said %s", BOT_TOKEN)
    finally:
        root.removeHandler(handler)
    assert "said ***" in stream.getvalue()
    assert_clean(stream.getvalue())


def test_a_vendor_echoing_the_token_is_scrubbed_before_parsing(slack_writer: SlackWriter) -> None:
    """Slack's warning, response_metadata and error text, and a purpose, carrying the token.

    A hostile answer, outside the official spec's shapes, so the contract-checked router is not
    used here.
    """
    channel = {"id": "C0000000001", "name": "x", "purpose": {"value": f"p {BOT_TOKEN}"}}
    with respx.mock(assert_all_called=True) as hostile:
        hostile.get(f"{SLACK_URL}/conversations.info").respond(
            json={
                "ok": True,
                "warning": f"echo {BOT_TOKEN}",
                "channel": channel,
                "response_metadata": {"messages": [f"[WARN] {USER_TOKEN}"]},
            }
        )
        hostile.post(f"{SLACK_URL}/conversations.setPurpose").respond(
            json={"ok": False, "error": f"invalid_auth {BOT_TOKEN}", "needed": BOT_TOKEN}
        )
        found = slack_writer.channel("C0000000001")
        assert found is not None and found.purpose == "p ***"
        assert_clean(json.dumps(slack_writer.warnings))
        with pytest.raises(ApiError) as caught:
            slack_writer.set_purpose("C0000000001", "new")
    assert_clean(str(caught.value))


def test_configured_logging_scrubs_the_formatted_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("debug")
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h.formatter, ScrubbingFormatter)]
    try:
        try:
            raise RuntimeError(f"boom {OG_KEY}")
        except RuntimeError:
            logging.getLogger("elsewhere").exception("failed")
        err = capsys.readouterr().err
    finally:
        for handler in ours:
            root.removeHandler(handler)
        root.setLevel(logging.WARNING)
    assert "boom ***" in err
    assert_clean(err)
    with pytest.raises(ValueError, match="is not a level"):
        configure_logging("loud")
