"""OpsGenie reads: typed, normalised, paged to the end, and never 'absent' on failure."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
import respx

from reconciler import live
from reconciler.backends.opsgenie.client import OpsGenieReader
from reconciler.clients.errors import (
    AuthError,
    IncompleteRead,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
)
from tests.clients.conftest import OG_URL, Sleeps, og, og_error

ALICE = {
    "id": "u-1",
    "username": "Alice@Example.com",
    "fullName": "Alice",
    "timeZone": "US/Central",
}
BOB = {"id": "u-2", "username": "bob@example.com", "fullName": "Bob"}


def users_page(users: list[dict], offset: int, total: int, more: bool) -> dict:
    paging = {"first": f"{OG_URL}/v2/users?offset=0"}
    if more:
        paging["next"] = f"{OG_URL}/v2/users?offset={offset + len(users)}"
    return og(users, totalCount=total, paging=paging)


def test_teams_come_with_members_and_roles(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(
        json=og([{"id": "t-1", "name": "Delivery"}], expandable=["member"])
    )
    api.get(f"{OG_URL}/v2/teams/t-1", params={"identifierType": "id"}).respond(
        json=og(
            {
                "id": "t-1",
                "name": "Delivery",
                "description": "d",
                "members": [
                    {"user": {"id": "u-1", "username": "Alice@Example.com"}, "role": "admin"},
                    {"user": {"id": "u-2", "username": "bob@example.com"}},
                ],
            }
        )
    )
    [team] = og_reader.teams()
    assert team == live.Team(
        "t-1",
        "Delivery",
        "d",
        frozenset(
            {
                live.TeamMember("alice@example.com", "admin"),
                live.TeamMember("bob@example.com", "user"),
            }
        ),
    )


def test_only_the_teams_asked_for_are_read_in_detail(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(
        json=og(
            [
                {"id": "t-1", "name": "Delivery", "description": "d"},
                {"id": "t-2", "name": "Platform", "description": "p"},
            ],
            expandable=["member"],
        )
    )
    api.get(f"{OG_URL}/v2/teams/t-1", params={"identifierType": "id"}).respond(
        json=og({"id": "t-1", "name": "Delivery", "description": "d", "members": []})
    )  # t-2 is not mocked: reading its details would fail the test
    teams = og_reader.teams(detailed=["DELIVERY"])
    assert [(t.name, t.description) for t in teams] == [("Delivery", "d"), ("Platform", "p")]


def test_a_missing_named_team_is_absent(api: respx.MockRouter, og_reader: OpsGenieReader) -> None:
    api.get(f"{OG_URL}/v2/teams/Nope").respond(404, json=og_error("Team not found", 404))
    assert og_reader.team("Nope") is None


def test_a_listing_that_fails_is_an_error_never_absent(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(
        json=og([{"id": "t-1", "name": "Delivery"}], expandable=["member"])
    )
    api.get(f"{OG_URL}/v2/teams/t-1").respond(404, json=og_error("gone", 404))
    with pytest.raises(NotFound):
        og_reader.teams()


def test_users_are_paged_to_the_end(api: respx.MockRouter, og_reader: OpsGenieReader) -> None:
    route = api.get(f"{OG_URL}/v2/users")
    route.side_effect = [
        httpx.Response(200, json=users_page([ALICE], 0, 2, more=True)),
        httpx.Response(200, json=users_page([BOB], 1, 2, more=False)),
    ]
    users = og_reader.users()
    assert [u.username for u in users] == ["alice@example.com", "bob@example.com"]
    assert users[0].time_zone == "America/Chicago"  # the alias, canonicalised
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "1"]


def test_a_short_count_of_users_is_refused(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/users").respond(json=users_page([ALICE], 0, 5, more=False))
    with pytest.raises(IncompleteRead, match="read 1 users but OpsGenie counts 5"):
        og_reader.users()


def test_429_waits_as_long_as_opsgenie_says_then_succeeds(
    api: respx.MockRouter, og_reader: OpsGenieReader, sleeps: Sleeps
) -> None:
    throttled = httpx.Response(
        429,
        json=og_error("You are making too many requests!", 429),
        headers={"X-RateLimit-State": "THROTTLED", "X-RateLimit-Period-In-Sec": "60"},
    )
    api.get(f"{OG_URL}/v2/users").side_effect = [
        throttled,
        httpx.Response(200, json=users_page([ALICE], 0, 1, more=False)),
    ]
    assert len(og_reader.users()) == 1
    assert len(sleeps) == 1 and 60 <= sleeps[0] <= 60.25


def test_429_until_patience_runs_out(
    api: respx.MockRouter, og_reader: OpsGenieReader, sleeps: Sleeps
) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(
        429, json=og_error("slow down", 429), headers={"X-RateLimit-Period-In-Sec": "1"}
    )
    with pytest.raises(RateLimited, match="still rate limited"):
        og_reader.teams()
    assert len(sleeps) == 3


def test_5xx_then_success_is_retried_with_backoff(
    api: respx.MockRouter, og_reader: OpsGenieReader, sleeps: Sleeps
) -> None:
    api.get(f"{OG_URL}/v2/escalations").side_effect = [
        httpx.Response(503, json=og_error("unavailable", 503)),
        httpx.Response(200, json=og([])),
    ]
    assert og_reader.escalations() == []
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 1.0


def test_5xx_until_retries_run_out(
    api: respx.MockRouter, og_reader: OpsGenieReader, sleeps: Sleeps
) -> None:
    route = api.get(f"{OG_URL}/v2/escalations").respond(500, json=og_error("boom", 500))
    with pytest.raises(
        ServerError, match=r"HTTP 500: boom \(after retries\) \[request id req-500\]"
    ):
        og_reader.escalations()
    assert route.call_count == 3


def test_connection_errors_are_retried_then_reported(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    route = api.get(f"{OG_URL}/v2/teams").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TransportError, match="after 3 attempt"):
        og_reader.teams()
    assert route.call_count == 3


def test_a_bad_key_is_named_as_such(api: respx.MockRouter, og_reader: OpsGenieReader) -> None:
    api.get(f"{OG_URL}/v2/teams").respond(401, json=og_error("Could not authenticate", 401))
    with pytest.raises(AuthError, match="wrong, expired or its integration disabled"):
        og_reader.teams()


def test_schedules_with_rotations_are_normalised(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/schedules", params={"expand": "rotation"}).respond(
        json=og(
            [
                {
                    "id": "s-1",
                    "name": "Delivery_eoc_schedule",
                    "description": "x [managed by reconcile]",
                    "timezone": "US/Central",
                    "enabled": True,
                    "ownerTeam": {"id": "t-1", "name": "Delivery"},
                    "rotations": [
                        {
                            "id": "r-1",
                            "name": "engineer-on-call",
                            "startDate": "2026-01-05T16:00:00Z",
                            "type": "weekly",
                            "length": 1,
                            "participants": [
                                {"type": "user", "id": "u-1", "username": "Alice@Example.com"},
                                {"type": "none"},
                            ],
                        }
                    ],
                }
            ],
            expandable=["rotation"],
        )
    )
    [schedule] = og_reader.schedules()
    assert schedule.time_zone == "America/Chicago"
    [rotation] = schedule.rotations
    assert rotation.start == datetime(2026, 1, 5, 16, tzinfo=UTC)
    assert rotation.participants == (
        live.Participant("user", "alice@example.com"),
        live.Participant("none", None),
    )


def test_escalation_rules_come_back_ordered_by_delay_with_names(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    def rule(delay: int, recipient: dict) -> dict:
        return {
            "condition": "if-not-acked",
            "notifyType": "default",
            "delay": {"timeAmount": delay, "timeUnit": "minutes"},
            "recipient": recipient,
        }

    api.get(f"{OG_URL}/v2/escalations").respond(
        json=og(
            [
                {
                    "id": "e-1",
                    "name": "Delivery_oncall_escalation",
                    "ownerTeam": {"id": "t-1", "name": "Delivery"},
                    "rules": [
                        rule(10, {"type": "user", "id": "u-2"}),
                        rule(0, {"type": "schedule", "id": "s-1", "name": "Delivery_eoc_schedule"}),
                    ],
                }
            ]
        )
    )
    api.get(f"{OG_URL}/v2/users").respond(json=users_page([ALICE, BOB], 0, 2, more=False))
    api.get(f"{OG_URL}/v2/teams").respond(
        json=og([{"id": "t-1", "name": "Delivery"}], expandable=["member"])
    )
    api.get(f"{OG_URL}/v2/schedules").respond(
        json=og([{"id": "s-1", "name": "Delivery_eoc_schedule"}], expandable=["rotation"])
    )
    [escalation] = og_reader.escalations()
    assert [(r.delay_minutes, r.recipient.type, r.recipient.name) for r in escalation.rules] == [
        (0, "schedule", "Delivery_eoc_schedule"),
        (10, "user", "bob@example.com"),
    ]


def test_routing_rules_in_order(api: respx.MockRouter, og_reader: OpsGenieReader) -> None:
    api.get(f"{OG_URL}/v2/teams/t-1/routing-rules", params={"teamIdentifierType": "id"}).respond(
        json=og(
            [
                {
                    "id": "rr-2",
                    "name": "Delivery on-call",
                    "order": 1,
                    "isDefault": False,
                    "criteria": {"type": "match-all"},
                    "timezone": "America/Chicago",
                    "notify": {
                        "type": "escalation",
                        "id": "e-1",
                        "name": "Delivery_oncall_escalation",
                    },
                },
                {
                    "id": "rr-1",
                    "name": "Default Routing Rule",
                    "order": 0,
                    "isDefault": True,
                    "criteria": {"type": "match-all"},
                    "notify": {"type": "escalation", "id": "e-0", "name": "Delivery_escalation"},
                },
            ]
        )
    )
    rules = og_reader.routing_rules("t-1")
    assert [(r.name, r.is_default, r.notify_name) for r in rules] == [
        ("Default Routing Rule", True, "Delivery_escalation"),
        ("Delivery on-call", False, "Delivery_oncall_escalation"),
    ]


def test_who_is_on_call_at_an_instant_sends_the_offset_encoded(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    route = api.get(f"{OG_URL}/v2/schedules/s-1/on-calls").respond(
        json=og(
            {
                "_parent": {"id": "s-1", "name": "x", "enabled": True},
                "onCallRecipients": ["Bob@example.com"],
            }
        )
    )
    at = datetime(2026, 3, 9, 10, tzinfo=UTC)
    assert og_reader.on_call("s-1", at) == ["bob@example.com"]
    url = str(route.calls.last.request.url)
    assert "date=2026-03-09T10%3A00%3A00%2B00%3A00" in url
    assert "flat=true" in url and "scheduleIdentifierType=id" in url


def test_overrides_contacts_and_notification_rules(
    api: respx.MockRouter, og_reader: OpsGenieReader
) -> None:
    api.get(f"{OG_URL}/v2/schedules/s-1/overrides").respond(
        json=og(
            [
                {
                    "alias": "o-1",
                    "user": {"type": "user", "id": "u-2", "username": "bob@example.com"},
                    "startDate": "2026-03-10T00:00:00Z",
                    "endDate": "2026-03-11T00:00:00Z",
                    "rotations": [],
                }
            ]
        )
    )
    api.get(f"{OG_URL}/v2/users/bob%40example.com/contacts").respond(
        json=og([{"id": "c-1", "method": "sms", "to": "1-555", "status": {"enabled": True}}])
    )
    api.get(f"{OG_URL}/v2/users/bob%40example.com/notification-rules").respond(
        json=og(
            [
                {
                    "id": "n-1",
                    "name": "New alert",
                    "actionType": "create-alert",
                    "order": 0,
                    "enabled": True,
                },
                {
                    "id": "n-2",
                    "name": "Closed",
                    "actionType": "closed-alert",
                    "order": 1,
                    "enabled": True,
                },
            ]
        )
    )
    api.get(f"{OG_URL}/v2/users/bob%40example.com/notification-rules/n-1").respond(
        json=og(
            {
                "id": "n-1",
                "name": "New alert",
                "actionType": "create-alert",
                "enabled": True,
                "steps": [
                    {
                        "id": "st-1",
                        "contact": {"method": "sms", "to": "1-555"},
                        "sendAfter": {"timeAmount": 0},
                        "enabled": True,
                    }
                ],
            }
        )
    )
    [override] = og_reader.overrides("s-1")
    assert override.username == "bob@example.com"
    assert og_reader.contacts("bob@example.com") == [live.Contact("sms", "1-555", True)]
    rules = og_reader.notification_rules("bob@example.com")
    assert [(r.action_type, r.steps) for r in rules] == [
        ("create-alert", (live.NotificationStep("sms", "1-555", True),)),
        ("closed-alert", ()),
    ]
