"""OpsGenie writes: the bodies the spec asks for, refusals made clear, no blind retries."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
import respx

from reconciler import live
from reconciler.backends.opsgenie.write import OpsGenieWriter
from reconciler.clients.errors import (
    AuthError,
    Conflict,
    ServerError,
    StillReferenced,
    Unprocessable,
)
from tests.clients.conftest import OG_URL, og, og_error

CREATED = {"result": "Created", "took": 0.1, "requestId": "req-201"}


def sent(route: respx.Route) -> dict:
    return json.loads(route.calls.last.request.content)


def test_create_team_with_members_and_roles(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = api.post(f"{OG_URL}/v2/teams").respond(
        201, json={**CREATED, "data": {"id": "t-1", "name": "Delivery"}}
    )
    members = [live.TeamMember("b@example.com", "user"), live.TeamMember("a@example.com", "admin")]
    assert og_writer.create_team("Delivery", "d [managed by reconcile]", members) == "t-1"
    assert sent(route) == {
        "name": "Delivery",
        "description": "d [managed by reconcile]",
        "members": [
            {"user": {"username": "a@example.com"}, "role": "admin"},
            {"user": {"username": "b@example.com"}, "role": "user"},
        ],
    }


def test_update_team_replaces_the_member_list(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = api.patch(f"{OG_URL}/v2/teams/t-1").respond(json={**CREATED, "result": "Updated"})
    og_writer.update_team("t-1", members=[live.TeamMember("a@example.com", "admin")])
    assert sent(route) == {"members": [{"user": {"username": "a@example.com"}, "role": "admin"}]}


def test_team_member_add_and_remove_use_team_identifier_type(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    add = api.post(f"{OG_URL}/v2/teams/t-1/members").respond(json=og({"id": "t-1"}))
    remove = api.delete(f"{OG_URL}/v2/teams/t-1/members/a%40example.com").respond(
        json={**CREATED, "result": "Deleted"}
    )
    og_writer.add_team_member("t-1", live.TeamMember("a@example.com", "admin"))
    og_writer.remove_team_member("t-1", "a@example.com")
    assert add.calls.last.request.url.params["teamIdentifierType"] == "id"
    assert remove.calls.last.request.url.params["teamIdentifierType"] == "id"


def test_schedule_and_rotation_lifecycle(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    create = api.post(f"{OG_URL}/v2/schedules").respond(
        201, json={**CREATED, "data": {"id": "s-1", "name": "x", "enabled": True}}
    )
    update = api.patch(f"{OG_URL}/v2/schedules/s-1").respond(json={**CREATED, "result": "Updated"})
    rot_create = api.post(f"{OG_URL}/v2/schedules/s-1/rotations").respond(
        201, json={**CREATED, "data": {"id": "r-1", "name": "engineer-on-call"}}
    )
    rot_update = api.patch(f"{OG_URL}/v2/schedules/s-1/rotations/r-1").respond(
        json={**CREATED, "result": "Updated"}
    )
    rot_delete = api.delete(f"{OG_URL}/v2/schedules/s-1/rotations/r-1").respond(
        json={**CREATED, "result": "Deleted"}
    )
    delete = api.delete(f"{OG_URL}/v2/schedules/s-1").respond(json={**CREATED, "result": "Deleted"})

    assert og_writer.create_schedule("x", "d", "America/Chicago", "t-1") == "s-1"
    assert sent(create)["enabled"] is True and sent(create)["ownerTeam"] == {"id": "t-1"}
    og_writer.update_schedule("s-1", time_zone="America/Chicago")
    assert sent(update) == {"timezone": "America/Chicago"}
    rotation = live.ScheduleRotation(
        id="r-1",
        name="engineer-on-call",
        type="weekly",
        length=1,
        start=datetime(2026, 1, 5, 16, tzinfo=UTC),
        end=None,
        participants=(live.Participant("user", "a@example.com"),),
    )
    assert og_writer.create_rotation("s-1", rotation) == "r-1"
    assert sent(rot_create) == {
        "name": "engineer-on-call",
        "type": "weekly",
        "length": 1,
        "startDate": "2026-01-05T16:00:00+00:00",
        "participants": [{"type": "user", "username": "a@example.com"}],
    }
    og_writer.update_rotation("s-1", rotation)
    og_writer.delete_rotation("s-1", "r-1")
    og_writer.delete_schedule("s-1")
    for route in (update, rot_update, rot_delete, delete):
        assert route.called


def test_a_rotation_without_participants_is_never_sent(og_writer: OpsGenieWriter) -> None:
    empty = live.ScheduleRotation("r", "n", "weekly", 1, datetime(2026, 1, 5, tzinfo=UTC), None, ())
    with pytest.raises(ValueError, match="at least one participant"):
        og_writer.create_rotation("s-1", empty)


def test_escalation_rules_are_offsets_in_minutes(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    route = api.post(f"{OG_URL}/v2/escalations").respond(
        201, json={**CREATED, "data": {"id": "e-1", "name": "x"}}
    )
    rules = [
        live.EscalationRule(
            0, "if-not-acked", "default", live.Recipient("schedule", "x_eoc", "s-1")
        ),
        live.EscalationRule(
            10, "if-not-acked", "default", live.Recipient("user", "tm@example.com")
        ),
    ]
    assert og_writer.create_escalation("x", "d", "t-1", rules) == "e-1"
    assert [r["delay"] for r in sent(route)["rules"]] == [
        {"timeAmount": 0, "timeUnit": "minutes"},
        {"timeAmount": 10, "timeUnit": "minutes"},
    ]
    assert sent(route)["rules"][1]["recipient"] == {"type": "user", "username": "tm@example.com"}


def test_escalation_update_and_delete(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    update = api.patch(f"{OG_URL}/v2/escalations/e-1").respond(
        json={**CREATED, "result": "Updated"}
    )
    api.delete(f"{OG_URL}/v2/escalations/e-1").respond(json={**CREATED, "result": "Deleted"})
    og_writer.update_escalation("e-1", description="new")
    og_writer.delete_escalation("e-1")
    assert update.calls.last.request.url.params["identifierType"] == "id"
    with pytest.raises(ValueError):
        og_writer.update_escalation("e-1", rules=[])


def test_routing_rule_lifecycle(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    create = api.post(f"{OG_URL}/v2/teams/t-1/routing-rules").respond(
        201, json={**CREATED, "data": {"id": "rr-1", "name": "x"}}
    )
    update = api.patch(f"{OG_URL}/v2/teams/t-1/routing-rules/rr-1").respond(
        json={**CREATED, "result": "Updated"}
    )
    api.delete(f"{OG_URL}/v2/teams/t-1/routing-rules/rr-1").respond(json={**CREATED})
    rule = live.RoutingRule(
        "rr-1",
        "Delivery on-call",
        0,
        False,
        "match-all",
        "escalation",
        "x",
        "e-1",
        "America/Chicago",
    )
    assert og_writer.create_routing_rule("t-1", rule) == "rr-1"
    assert sent(create)["order"] == 0 and sent(create)["notify"] == {
        "type": "escalation",
        "id": "e-1",
    }
    og_writer.update_routing_rule("t-1", rule)
    assert "order" not in sent(update)  # PATCH cannot change order; change-order does
    og_writer.delete_routing_rule("t-1", "rr-1")


def test_a_name_clash_is_a_conflict(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    api.post(f"{OG_URL}/v2/schedules").respond(
        409, json=og_error("There is already one Team with same name", 409)
    )
    with pytest.raises(Conflict, match="already one Team with same name"):
        og_writer.create_schedule("Delivery", "d", "UTC", "t-1")


def test_deleting_something_still_referenced_says_so(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    api.delete(f"{OG_URL}/v2/schedules/s-1").respond(
        428, json=og_error("Entity is used by another entity [escalation x]", 428)
    )
    with pytest.raises(StillReferenced, match=r"escalation x.*still used by another object"):
        og_writer.delete_schedule("s-1")


def test_a_refused_body_carries_opsgenies_field_errors(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    api.post(f"{OG_URL}/v2/escalations").respond(
        422,
        json=og_error(
            "Request body is not processable.", 422, errors={"rules#recipient": "Invalid recipient"}
        ),
    )
    rule = live.EscalationRule(
        0, "if-not-acked", "default", live.Recipient("user", "x@example.com")
    )
    with pytest.raises(Unprocessable, match="rules#recipient: Invalid recipient"):
        og_writer.create_escalation("x", "d", "t-1", [rule])


def test_a_key_without_write_rights_names_the_right(
    api: respx.MockRouter, og_writer: OpsGenieWriter
) -> None:
    api.post(f"{OG_URL}/v2/teams").respond(
        403, json=og_error("You are not authorized", 403, code=40301)
    )
    with pytest.raises(AuthError, match="needs the 'Create and Update' right"):
        og_writer.create_team("x", "d", [])


def test_writes_are_not_retried_on_5xx(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    route = api.post(f"{OG_URL}/v2/teams").respond(502, json=og_error("bad gateway", 502))
    with pytest.raises(ServerError):
        og_writer.create_team("x", "d", [])
    assert route.call_count == 1  # it may have happened: apply re-reads before anything else


def test_deletes_are_retried_on_5xx(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    route = api.delete(f"{OG_URL}/v2/teams/t-1")
    route.side_effect = [
        httpx.Response(503, json=og_error("unavailable", 503)),
        httpx.Response(200, json={**CREATED, "result": "Deleted"}),
    ]
    og_writer.delete_team("t-1")
    assert route.call_count == 2


def test_a_write_waits_out_a_429(api: respx.MockRouter, og_writer: OpsGenieWriter) -> None:
    route = api.post(f"{OG_URL}/v2/teams")
    route.side_effect = [
        httpx.Response(
            429, json=og_error("too many", 429), headers={"X-RateLimit-Period-In-Sec": "1"}
        ),
        httpx.Response(201, json={**CREATED, "data": {"id": "t-9", "name": "x"}}),
    ]
    assert og_writer.create_team("x", "d", []) == "t-9"
