"""Example Corp's Jira Service Management site, half-way through its move off OpsGenie.

As Atlassian's migration leaves it (reference §5): every OpsGenie team became an Atlassian team
with operations enabled, under a new id; a team whose name clashed with an Atlassian team that
already existed was duplicated (two teams named Delivery); schedules, rotations, escalations and
routing rules were copied under new ids, people as Atlassian account ids, escalation delays as
minutes. One person's Atlassian account uses another email, so their OpsGenie email maps to no
account (the migration copied them under that account all the same).

`migrated=False` gives the same site before anything moved (the accounts alone, all mapped): a
site a team adopts reconcile on from scratch.
"""

from __future__ import annotations

import uuid
from typing import Any

from reconciler.sandbox.jsm.core import new_id
from reconciler.sandbox.seed import DELIVERY, OTHERS, email
from reconciler.sandbox.state import SandboxState

JSM_EMAIL = "reconcile.bot@example.com"
JSM_TOKEN = "sandbox-jsm-api-token"
CLOUD_ID = "5f0c9d4e-2b7a-4c61-9e3d-8a1b2c3d4e5f"
ORG_ID = "0a1b2c3d-org0-4e5f-8a9b-example00001"
UNMAPPED = "emery.novak"  # their Atlassian account is emery.n@example.com


def account_id(handle: str) -> str:
    """`712020:` and a UUID, as Atlassian account ids are seen live (reference §2.0)."""
    return f"712020:{uuid.uuid5(uuid.NAMESPACE_URL, f'reconcile-sandbox/account/{handle}')}"


def jsm_site(state: SandboxState, *, migrated: bool = True) -> None:
    people = DELIVERY + OTHERS[:20]
    accounts = [
        {
            "accountId": account_id(handle),
            "emailAddress": email(handle)
            if not (migrated and handle == UNMAPPED)
            else "emery.n@example.com",
            "displayName": name,
            "active": handle != "former.engineer",
            "agent": True,  # a JSM agent licence: needed to be paged (reference §2.8)
            "timeZone": "America/Chicago",
        }
        for handle, name in people
    ]
    bot = account_id("reconcile.bot")
    accounts.append(
        {
            "accountId": bot,
            "emailAddress": JSM_EMAIL,
            "displayName": "reconcile (bot)",
            "active": True,
            "agent": True,  # service accounts cannot call the API (reference §3): a real agent
            "timeZone": "UTC",
        }
    )
    state.data["jsm"] = {
        "site": "example-corp",
        "cloud_id": CLOUD_ID,
        "org_id": ORG_ID,
        "credentials": [{"email": JSM_EMAIL, "token": JSM_TOKEN, "accountId": bot}],
        "accounts": accounts,
        "teams": [],
        "requests": {},
        "schedules": [],
        "overrides": {},
        "escalations": {},
        "routing_rules": {},
        "contacts": {
            bot: [
                {
                    "id": new_id(state, "contact"),
                    "method": "email",
                    "to": JSM_EMAIL,
                    "status": {"enabled": True},
                    "applyOrder": 0,
                }
            ]
        },
        "enable_polls": 1,
        "default_timezone": "America/New_York",
        "dst_rule": "wall-clock",
    }
    if migrated:
        _migrate(state)


def _migrate(state: SandboxState) -> None:
    site, og = state.data["jsm"], state.data["opsgenie"]
    by_email = {a["emailAddress"]: a["accountId"] for a in site["accounts"]}
    linked = {a["accountId"] for a in site["accounts"]}
    og_email = {u["id"]: u["username"] for u in og["users"]}

    def person(og_id: str | None, username: str | None = None) -> str | None:
        """The Atlassian account an OpsGenie user was linked to: by the user, not the email, so
        the person whose account has another email is still copied, under that account."""
        username = username or og_email.get(og_id or "", "")
        account = account_id(username.split("@")[0])
        return account if account in linked else None

    # The Atlassian team that existed before the move: the migrated one duplicates its name.
    site["teams"].append(
        {
            "teamId": new_id(state, "team"),
            "displayName": "Delivery",
            "description": "Delivery (the Jira project team)",
            "teamType": "OPEN",
            "members": [by_email[email("taylor.manager")], by_email[email("alex.rivera")]],
            "ops_enabled": True,
            "ops_admins": [by_email[email("taylor.manager")]],
        }
    )
    team_ids: dict[str, str] = {}
    for team in og["teams"]:
        new = f"og-{new_id(state, 'team')}"  # migrated teams seen with an og- prefix [3P]
        team_ids[team["id"]] = new
        members = [person(m["user"].get("id"), m["user"].get("username")) for m in team["members"]]
        site["teams"].append(
            {
                "teamId": new,
                "displayName": team["name"],
                "description": team.get("description") or "",
                "teamType": "MEMBER_INVITE",
                "members": [m for m in members if m],
                "ops_enabled": True,
                "ops_admins": [
                    person(m["user"].get("id"), m["user"].get("username"))
                    for m in team["members"]
                    if m.get("role") == "admin"
                ],
            }
        )
    ids: dict[str, str] = {}
    for schedule in og["schedules"]:
        ids[schedule["id"]] = new_id(state, "schedule")
        owner = (schedule.get("ownerTeam") or {}).get("id")
        site["schedules"].append(
            {
                "id": ids[schedule["id"]],
                "name": schedule["name"],
                "description": schedule.get("description") or "",
                "timezone": schedule["timezone"],
                "enabled": schedule.get("enabled", True),
                "teamId": team_ids.get(owner or ""),
                "rotations": [_rotation(state, r, person) for r in schedule["rotations"]],
            }
        )
    for esc in og["escalations"]:
        ids[esc["id"]] = new_id(state, "escalation")
        owner = team_ids[(esc.get("ownerTeam") or {})["id"]]
        site["escalations"].setdefault(owner, []).append(
            {
                "id": ids[esc["id"]],
                "name": esc["name"],
                "description": esc.get("description") or "",
                "enabled": True,
                "rules": [_rule(r, ids, team_ids, person) for r in esc["rules"]],
            }
        )
    for og_team, rules in og["routing_rules"].items():
        site["routing_rules"][team_ids[og_team]] = [
            {
                **{k: v for k, v in rule.items() if k not in ("id", "notify")},
                "id": new_id(state, "routing"),
                "notify": _notify(rule["notify"], ids),
            }
            for rule in rules
        ]


def _notify(notify: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    if notify["type"] == "none":
        return {"type": "none"}
    return {"type": notify["type"], "id": ids.get(notify.get("id", ""))}


def _rotation(state: SandboxState, rotation: dict[str, Any], person: Any) -> dict[str, Any]:
    participants = []
    for p in rotation["participants"]:
        if p.get("type") == "none":
            participants.append({"type": "noone"})
            continue
        found = person(p.get("id"), p.get("username"))
        if found:  # a person with no account is left out of the copy
            participants.append({"type": "user", "id": found})
    copied = {
        "id": new_id(state, "rotation"),
        "name": rotation.get("name") or "",
        "type": rotation["type"],
        "length": rotation.get("length", 1),
        "startDate": rotation["startDate"],
        "participants": participants,
    }
    if rotation.get("endDate"):
        copied["endDate"] = rotation["endDate"]
    return copied


def _rule(
    rule: dict[str, Any], ids: dict[str, str], team_ids: dict[str, str], person: Any
) -> dict[str, Any]:
    recipient = rule["recipient"]
    kind = recipient["type"]
    if kind == "user":
        target = person(recipient.get("id"), recipient.get("username"))
    elif kind == "team":
        target = team_ids.get(recipient.get("id", ""))
    else:
        target = ids.get(recipient.get("id", ""))
    return {
        "condition": rule["condition"],
        "notifyType": rule["notifyType"],
        "delay": rule["delay"]["timeAmount"],  # minutes, not OpsGenie's {timeAmount, timeUnit}
        "recipient": {"type": kind, "id": target},
    }


def correct_email(state: SandboxState, wrong: str, right: str) -> str:
    """An admin corrects an account's email (admin.atlassian.com, not this API): the fix for a
    person whose policy email maps to no account. Returns the account id."""
    found = next(a for a in state.data["jsm"]["accounts"] if a["emailAddress"] == wrong)
    found["emailAddress"] = right
    return str(found["accountId"])
