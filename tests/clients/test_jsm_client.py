"""The JSM Operations client against respx: paging, envelopes, limits, names to ids, secrets.

Every exchange is held to the contract written from the reference (tests/contract_jsm.py).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from reconciler.backends.jsm import client as jsm
from reconciler.backends.jsm.reader import JsmReader
from reconciler.backends.jsm.write import JsmWriter
from reconciler.clients.errors import AuthError, IncompleteRead, NotFound, StillReferenced
from reconciler.clients.http import RetryPolicy
from reconciler.clients.secrets import Secret
from reconciler.errors import ReconcileError
from tests.clients.conftest import Sleeps

API = "https://api.atlassian.com/jsm/ops/api/c0ffee00-0000-4000-8000-000000000001"
SITE = "https://example-corp.atlassian.net"
TOKEN = "jsm-api-token-0123456789-SECRET"
ALEX = "712020:0000-alex"


def _config() -> jsm.JsmConfig:
    return jsm.JsmConfig(API, SITE, "bot@example.com", Secret(TOKEN), "org-1")


def _http(sleeps: Sleeps) -> tuple[jsm.Http, jsm.Http]:
    return jsm.make_http(
        _config(),
        sleep=sleeps,
        rng=random.Random(7),
        retry=RetryPolicy(attempts=3, rate_limit_attempts=3),
    )


@pytest.fixture
def reader(sleeps: Sleeps) -> JsmReader:
    return JsmReader(*jsm.read_only(*_http(sleeps)), "org-1", "bot@example.com")


@pytest.fixture
def writer(sleeps: Sleeps) -> JsmWriter:
    return JsmWriter(*_http(sleeps), "org-1", "bot@example.com", poll_wait=0, sleep=sleeps)


def _schedule(i: int) -> dict[str, Any]:
    return {"id": f"s{i}", "name": f"S{i}", "timezone": "America/Chicago", "teamId": "t1"}


def _rotation() -> dict[str, Any]:
    return {
        "id": "r1",
        "name": "engineer-on-call",
        "type": "weekly",
        "length": 1,
        "startDate": "2027-01-04T10:00:00.000-06:00",
        "participants": [{"type": "user", "id": ALEX}, {"type": "noone"}],
    }


def test_lists_are_followed_through_links_next(api: respx.MockRouter, reader: JsmReader) -> None:
    first = api.get(f"{API}/v1/schedules", params={"offset": "2"}).respond(
        json={"values": [{**_schedule(2), "rotations": [_rotation()]}], "links": {}}
    )
    api.get(f"{API}/v1/schedules").respond(
        json={
            "values": [_schedule(0), _schedule(1)],
            "links": {"next": "/v1/schedules?expand=rotation&offset=2&size=2"},
        }
    )
    api.get(f"{API}/v1/teams").respond(json={"platformTeams": [{"teamId": "t1", "teamName": "T"}]})
    api.get(f"{SITE}/rest/api/3/user").respond(
        json={"accountId": ALEX, "emailAddress": "Alex.Rivera@example.com"}
    )
    schedules = reader.schedules()
    assert [s.name for s in schedules] == ["S0", "S1", "S2"] and first.called
    rotation = schedules[2].rotations[0]
    assert rotation.start == datetime(2027, 1, 4, 16, tzinfo=UTC)  # an instant, not the text
    assert [p.name for p in rotation.participants] == ["alex.rivera@example.com", None]
    assert schedules[2].owner_team == "T"


def test_a_page_that_links_to_itself_is_an_error(api: respx.MockRouter, reader: JsmReader) -> None:
    api.get(f"{API}/v1/schedules").respond(
        json={"values": [], "links": {"next": "/v1/schedules?offset=0&size=100"}}
    )
    with pytest.raises(IncompleteRead, match="repeats"):
        reader.schedules()


def test_teams_come_in_either_shape(api: respx.MockRouter, reader: JsmReader) -> None:
    api.get(f"{API}/v1/teams").mock(
        side_effect=[
            httpx.Response(200, json={"platformTeams": [{"teamId": "t1", "teamName": "A"}]}),
            httpx.Response(200, json=[{"teamId": "t1", "teamName": "A"}]),
        ]
    )
    assert reader.ops_teams() == reader.ops_teams() == [{"id": "t1", "name": "A"}]


def test_only_the_teams_asked_for_have_their_members_read(
    api: respx.MockRouter, reader: JsmReader
) -> None:
    api.get(f"{API}/v1/teams").respond(
        json={
            "platformTeams": [{"teamId": "t1", "teamName": "A"}, {"teamId": "t2", "teamName": "B"}]
        }
    )
    teams = f"{SITE}/gateway/api/public/teams/v1/org/org-1/teams"
    api.get(f"{teams}/t1").respond(json={"teamId": "t1", "displayName": "A", "description": "a"})
    api.get(f"{teams}/t2").respond(json={"teamId": "t2", "displayName": "B", "description": "b"})
    api.post(f"{teams}/t1/members").respond(
        json={"results": [], "pageInfo": {"hasNextPage": False}}
    )
    # t2's members are not mocked: reading them would fail the test
    found = reader.teams(detailed=["a"])
    assert [(t.name, t.description) for t in found] == [("A", "a"), ("B", "b")]


def test_errors_read_both_envelopes_and_never_show_the_token(
    api: respx.MockRouter, reader: JsmReader
) -> None:
    api.get(f"{API}/v1/teams").respond(
        401, json={"code": 401, "message": f"Unauthorized for {TOKEN}"}
    )
    with pytest.raises(AuthError) as caught:
        reader.ops_teams()
    assert "HTTP 401" in str(caught.value) and TOKEN not in str(caught.value)
    api.get(f"{API}/v1/schedules/s1/on-calls").respond(
        404, json={"errors": [{"title": "Schedule not found", "code": "NOT_FOUND"}]}
    )
    with pytest.raises(NotFound, match="Schedule not found"):
        reader.on_call("s1", datetime(2027, 1, 4, tzinfo=UTC))


def test_a_throttle_is_waited_out_as_told(
    api: respx.MockRouter, reader: JsmReader, sleeps: Sleeps
) -> None:
    api.get(f"{API}/v1/schedules/s1/on-calls").mock(
        side_effect=[
            httpx.Response(
                429,
                headers={"Retry-After": "3"},
                json={"errors": [{"title": "Too many requests", "code": "TOO_MANY"}]},
            ),
            httpx.Response(200, json={"onCallUsers": []}),
        ]
    )
    assert reader.on_call("s1") == []
    assert 3 <= sleeps[0] < 3.5


def test_people_are_found_by_exact_email(api: respx.MockRouter, reader: JsmReader) -> None:
    api.get(f"{SITE}/rest/api/3/user/search").respond(
        json=[
            {"accountId": "712020:other", "emailAddress": "alex.rivera@example.com.au"},
            {"accountId": ALEX, "emailAddress": "alex.rivera@example.com"},
        ]
    )
    assert reader.account_of("Alex.Rivera@example.com") == ALEX
    assert reader.account_of("alex.rivera@example.com") == ALEX  # cached: one search
    assert len(api.calls) == 1


def test_readiness_sees_only_what_one_token_can(api: respx.MockRouter, reader: JsmReader) -> None:
    api.get(f"{SITE}/rest/api/3/user/search").respond(
        json=[{"accountId": ALEX, "emailAddress": "alex.rivera@example.com"}]
    )
    api.get(f"{SITE}/rest/api/3/user").respond(
        json={"accountId": ALEX, "active": False, "applicationRoles": {"size": 0, "items": []}}
    )
    found = reader.user_and_contacts("alex.rivera@example.com")
    assert found is not None
    user, contacts = found
    assert user.blocked and not user.responder and contacts is None  # unread, not "none"


def test_the_cloud_id_is_found_from_the_site() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert "authorization" not in request.headers  # tenant_info needs no credentials
        return httpx.Response(200, json={"cloudId": "c0ffee00-0000-4000-8000-000000000001"})

    found = jsm.discover_cloud_id(SITE, httpx.MockTransport(answer))
    assert found == "c0ffee00-0000-4000-8000-000000000001"
    broken = httpx.MockTransport(lambda _r: httpx.Response(200, text="<html>"))
    with pytest.raises(ReconcileError, match="JSM_CLOUD_ID"):
        jsm.discover_cloud_id(SITE, broken)


def test_a_new_team_waits_for_operations_then_polls(
    api: respx.MockRouter, writer: JsmWriter, sleeps: Sleeps
) -> None:
    from reconciler import live

    api.get(f"{SITE}/rest/api/3/user/search").respond(
        json=[{"accountId": ALEX, "emailAddress": "alex.rivera@example.com"}]
    )
    teams = f"{SITE}/gateway/api/public/teams/v1/org/org-1/teams"
    api.post(f"{teams}/").respond(json={"teamId": "t9", "displayName": "P"})
    api.post(f"{teams}/t9/members").respond(
        json={"results": [{"accountId": "712020:bot"}], "pageInfo": {"hasNextPage": False}}
    )
    add = api.post(f"{teams}/t9/members/add").respond(json={"members": [], "errors": []})
    remove = api.post(f"{teams}/t9/members/remove").respond(json={"errors": []})
    api.post(f"{API}/v1/teams/t9/enable-ops").mock(
        side_effect=[
            httpx.Response(404, json={"errors": [{"title": "Team not found"}]}),
            httpx.Response(202, json={"requestId": "q1"}),
        ]
    )
    api.get(f"{API}/v1/teams/t9/requests/q1").mock(
        side_effect=[
            httpx.Response(200, json={"status": {"value": "IN_PROGRESS"}}),
            httpx.Response(200, json={"status": {"value": "SUCCESSFUL"}}),
        ]
    )
    made = writer.create_team("P", "d", [live.TeamMember("alex.rivera@example.com", "admin")])
    assert made == "t9"
    assert b'"712020:0000-alex"' in add.calls[0].request.content
    assert b'"712020:bot"' in remove.calls[0].request.content  # the creator, not declared


def test_a_referenced_delete_says_so(api: respx.MockRouter, writer: JsmWriter) -> None:
    api.delete(f"{API}/v1/schedules/s1").respond(
        409, json={"errors": [{"title": "The schedule is used by escalation E", "code": "X"}]}
    )
    with pytest.raises(StillReferenced):
        writer.delete_schedule("s1")
