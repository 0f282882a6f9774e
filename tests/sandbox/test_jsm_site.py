"""The sandbox's JSM Operations site keeps the traps the reference documents (jsm-ops.md).

Each test fails on a naive emulator: one that takes names in paths, answers dates as sent,
enables operations at once, lets the default rule go, or takes OpsGenie's shapes.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest

from reconciler.sandbox.emulator import Emulator
from reconciler.sandbox.seed import seed_state
from reconciler.sandbox.seed_jsm import CLOUD_ID, JSM_EMAIL, JSM_TOKEN, ORG_ID, account_id, jsm_site
from reconciler.sandbox.transport import SandboxTransport

OPS = f"/jsm/ops/api/{CLOUD_ID}/v1"
TEAMS = f"/gateway/api/public/teams/v1/org/{ORG_ID}/teams"


@pytest.fixture
def site() -> Iterator[httpx.Client]:
    state = seed_state()
    jsm_site(state, migrated=False)
    basic = base64.b64encode(f"{JSM_EMAIL}:{JSM_TOKEN}".encode()).decode()
    with httpx.Client(
        transport=SandboxTransport(Emulator(state)),
        base_url="http://sandbox.invalid",
        headers={"Authorization": f"Basic {basic}"},
    ) as client:
        yield client


def _team(site: httpx.Client, name: str = "Payments") -> str:
    made = site.post(f"{TEAMS}/", json={"displayName": name, "teamType": "MEMBER_INVITE"})
    assert made.status_code == 200
    team_id = str(made.json()["teamId"])
    assert site.post(f"{OPS}/teams/{team_id}/enable-ops", json={}).status_code == 404  # unseen
    request_id = site.post(f"{OPS}/teams/{team_id}/enable-ops", json={}).json()["requestId"]
    poll = f"{OPS}/teams/{team_id}/requests/{request_id}"
    assert site.get(poll).json() == {"status": {"value": "IN_PROGRESS"}}
    assert team_id not in str(site.get(f"{OPS}/teams").json())  # not an ops team yet
    assert site.get(poll).json() == {"status": {"value": "SUCCESSFUL"}}
    return team_id


@pytest.mark.sends_off_contract
def test_errors_come_in_their_envelopes(site: httpx.Client) -> None:
    wrong = site.get(f"{OPS}/schedules", headers={"Authorization": "Basic bm8tb25lOm5vdGhpbmc="})
    assert wrong.status_code == 401 and set(wrong.json()) == {"code", "message"}
    missing = site.get(f"{OPS}/schedules/no-such-id")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "NOT_FOUND"
    by_name = site.get(f"{OPS}/schedules/Delivery_eoc_schedule")  # ids only: a name is no id
    assert by_name.status_code == 404


def test_enabling_operations_is_asynchronous_and_makes_default_objects(
    site: httpx.Client,
) -> None:
    team_id = _team(site)
    assert {"teamId": team_id, "teamName": "Payments"} in site.get(f"{OPS}/teams").json()[
        "platformTeams"
    ]
    [rule] = site.get(f"{OPS}/teams/{team_id}/routing-rules").json()["values"]
    assert rule["isDefault"] is True
    [escalation] = site.get(f"{OPS}/teams/{team_id}/escalations").json()["values"]
    assert escalation["name"] == "Payments_escalation"
    refused = site.delete(f"{OPS}/teams/{team_id}/routing-rules/{rule['id']}")
    assert refused.status_code == 400  # the default rule is edited, never deleted
    edited = site.patch(
        f"{OPS}/teams/{team_id}/routing-rules/{rule['id']}", json={"notify": {"type": "none"}}
    )
    assert edited.json()["notify"] == {"type": "none"}


def test_the_creator_joins_a_new_team_and_names_may_repeat(site: httpx.Client) -> None:
    first = _team(site, "Delivery")
    second = _team(site, "Delivery")  # the Teams API does not refuse a name in use
    assert first != second
    members = site.post(f"{TEAMS}/{first}/members", json={"first": 50}).json()
    assert members["results"] == [{"accountId": account_id("reconcile.bot")}]


@pytest.mark.sends_off_contract
def test_people_are_account_ids_found_by_a_prefix_search(site: httpx.Client) -> None:
    found = site.get("/rest/api/3/user/search", params={"query": "alex"}).json()
    assert [u["emailAddress"] for u in found] == ["alex.rivera@example.com"]
    schedule = site.post(
        f"{OPS}/schedules", json={"name": "S", "timezone": "America/Chicago"}
    ).json()
    rotation = {
        "type": "weekly",
        "startDate": "2027-01-04T16:00:00Z",
        "participants": [{"type": "user", "id": "alex.rivera@example.com"}],
    }
    refused = site.post(f"{OPS}/schedules/{schedule['id']}/rotations", json=rotation)
    assert refused.status_code == 404 and "USER_NOT_FOUND" in refused.text


def test_dates_come_back_in_another_format_for_the_same_instant(site: httpx.Client) -> None:
    schedule = site.post(
        f"{OPS}/schedules", json={"name": "S", "timezone": "America/Chicago"}
    ).json()
    rotation = {
        "type": "weekly",
        "startDate": "2027-01-04T16:00:00Z",
        "participants": [{"type": "user", "id": account_id("alex.rivera")}],
    }
    made = site.post(f"{OPS}/schedules/{schedule['id']}/rotations", json=rotation).json()
    assert made["startDate"] != rotation["startDate"]
    assert made["startDate"] == "2027-01-04T10:00:00.000-06:00"
    assert datetime.fromisoformat(made["startDate"]) == datetime.fromisoformat(
        "2027-01-04T16:00:00+00:00"
    )


def test_schedules_default_to_new_york_and_lists_page_by_links_next(site: httpx.Client) -> None:
    for i in range(25):
        made = site.post(f"{OPS}/schedules", json={"name": f"S{i:02d}"}).json()
        assert made["timezone"] == "America/New_York"
    first = site.get(f"{OPS}/schedules").json()
    assert len(first["values"]) == 20
    following = first["links"]["next"]
    assert following.startswith("/v1/schedules?")
    rest = site.get(f"/jsm/ops/api/{CLOUD_ID}{following}").json()
    assert len(rest["values"]) == 5 and "next" not in rest["links"]


def _escalation(team: str, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": f"{team}-esc", "rules": rules}


@pytest.mark.sends_off_contract
def test_escalations_belong_to_a_team_and_delays_are_minutes(site: httpx.Client) -> None:
    team_id = _team(site)
    schedule = site.get(f"{OPS}/schedules").json()["values"][0]["id"]
    opsgenie_shape = {
        "condition": "if-not-acked",
        "notifyType": "default",
        "delay": {"timeAmount": 0, "timeUnit": "minutes"},
        "recipient": {"type": "schedule", "id": schedule},
    }
    path = f"{OPS}/teams/{team_id}/escalations"
    assert site.post(path, json=_escalation("P", [opsgenie_shape])).status_code == 400
    made = site.post(path, json=_escalation("P", [{**opsgenie_shape, "delay": 0}]))
    assert made.status_code == 201
    assert site.post(f"{OPS}/escalations", json={}).status_code == 404  # no global ones
    in_use = site.delete(f"{OPS}/schedules/{schedule}")
    assert in_use.status_code == 409 and "used by" in in_use.text


def test_contacts_are_the_callers_own(site: httpx.Client) -> None:
    [contact] = site.get(f"{OPS}/users/contacts").json()["values"]
    assert contact["to"] == JSM_EMAIL
