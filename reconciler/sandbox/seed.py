"""The seeded sandbox: a company's OpsGenie account and Slack workspace, as they might stand.

Example Corp's Delivery team adopted reconcile a while ago; since then people changed things by
hand. So the live objects differ from policies/delivery.yaml in ways a plan should show:
- the team still lists a former engineer;
- someone swapped two engineers in the rotation (the re-anchoring case);
- the manager's escalation rule waits 15 minutes instead of 10 (delays added up by hand);
- #incidents has another purpose, #ask-prod-eng none, and the bot is not in #buildkite-main;
- @delivery-support still holds last week's engineer and an old description.
Around them: other teams and channels reconcile does not own, a guest, a deactivated account,
people OpsGenie cannot page, and OpsGenie's default objects for each team.
"""

from __future__ import annotations

from typing import Any

from reconciler.policy.names import OWNERSHIP_MARKER
from reconciler.sandbox.state import VERSION, SandboxState

BOT_SCOPES = (
    "channels:read",
    "groups:read",
    "users:read",
    "users:read.email",
    "usergroups:read",
    "channels:history",
    "groups:history",
    "channels:manage",
    "groups:write",
    "channels:join",
    "channels:write.invites",
    "groups:write.invites",
    "channels:write.topic",
    "groups:write.topic",
    "usergroups:write",
    "chat:write",
)
SEED_NOW = "2026-12-02T15:00:00+00:00"  # a Wednesday, mid-shift
OPSGENIE_KEY = "sandbox-opsgenie-key"
BOT_TOKEN = "xoxb-sandbox-bot-token"
USER_TOKEN = "xoxp-sandbox-admin-token"

DELIVERY = [
    ("taylor.manager", "Taylor Manager"),
    ("alex.rivera", "Alex Rivera"),
    ("blair.chen", "Blair Chen"),
    ("casey.okafor", "Casey Okafor"),
    ("devon.silva", "Devon Silva"),
    ("emery.novak", "Emery Novak"),
]
OTHERS = [
    ("former.engineer", "Former Engineer"),
    ("morgan.platform", "Morgan Lee"),
    ("riley.platform", "Riley Park"),
    ("jordan.platform", "Jordan Diaz"),
    ("quinn.security", "Quinn Adams"),
    ("harper.security", "Harper Kim"),
    ("sam.support", "Sam Ito"),
    ("avery.support", "Avery Cole"),
    ("drew.sales", "Drew Moss"),
    ("jamie.sales", "Jamie Ruiz"),
    ("kai.design", "Kai Nakamura"),
    ("rowan.design", "Rowan Patel"),
    ("skyler.product", "Skyler Grant"),
    ("reese.product", "Reese Okoye"),
    ("parker.eng", "Parker Wu"),
    ("sage.eng", "Sage Romero"),
    ("logan.eng", "Logan Berg"),
    ("finley.eng", "Finley Shaw"),
    ("hayden.ops", "Hayden Cruz"),
    ("emerson.ops", "Emerson Hale"),
    ("dakota.data", "Dakota Singh"),
    ("charlie.data", "Charlie Ng"),
    ("peyton.people", "Peyton Reyes"),
    ("ellis.finance", "Ellis Moreau"),
    ("remy.legal", "Remy Haas"),
    ("noel.ceo", "Noel Fischer"),
    ("blake.cto", "Blake Osei"),
    ("toni.qa", "Toni Varga"),
    ("cameron.qa", "Cameron Bell"),
    ("jesse.docs", "Jesse Lund"),
]
NOT_PAGEABLE = {"emery.novak"}  # email only: OpsGenie cannot page them at night
NO_CONTACT = {"former.engineer"}


def email(handle: str) -> str:
    return f"{handle}@example.com"


def seed_state() -> SandboxState:
    state = SandboxState(
        {
            "meta": {"version": VERSION, "now": SEED_NOW, "counters": {}},
            "opsgenie": {
                "api_key": OPSGENIE_KEY,
                "key_rights": ["read", "create_update", "delete"],
                "account_timezone": "America/New_York",
                "users": [],
                "contacts": {},
                "notification_rules": {},
                "teams": [],
                "schedules": [],
                "overrides": {},
                "escalations": [],
                "routing_rules": {},
                "alerts": [],  # with responders and report.acknowledgedBy (tests add them)
                # How rotations hand off across daylight saving changes: "wall-clock" (as the
                # docs suggest: rotations use the schedule time zone) or "elapsed" (for tests)
                "dst_rule": "wall-clock",
            },
            "slack": {
                "team_id": "T0EXAMPLE01",
                "team_name": "Example Corp",
                "domain": "example-corp",
                "bot": {"user_id": "", "bot_id": "B0RECONCILE1", "token": BOT_TOKEN},
                "user_token": {"user_id": "", "token": USER_TOKEN},
                # A bot installed as the README says (its per-command scope table), written out
                # here, not taken from the clients: a mistake in either shows in the tests.
                "scopes": sorted(BOT_SCOPES),
                "plan": "pro",  # "free": usergroups.* answer plan_upgrade_required
                # Slack's defaults (sandbox/slack/core.py, DEFAULT_PERMISSIONS), written out
                "permissions": {
                    "usergroups": "admins",
                    "remove_from_public": "admins",
                    "remove_from_private": "everyone",
                },
                "users": [],
                "channels": [],
                "usergroups": [],
                "messages": [],
            },
            "faults": {"seed": 1, "rules": []},
            "rate_limits": {"enabled": False},
        }
    )
    _opsgenie(state)
    _slack(state)
    from reconciler.sandbox.seed_jsm import jsm_site  # it builds on the OpsGenie seed

    jsm_site(state, migrated=True)
    return state


# -- OpsGenie ------------------------------------------------------------------------------------


def _opsgenie(state: SandboxState) -> None:
    og = state.data["opsgenie"]
    engineers = DELIVERY + OTHERS[:20]  # the rest of the company is not in OpsGenie
    ids: dict[str, str] = {}
    for handle, name in engineers:
        uid = state.opsgenie_id("user")
        ids[handle] = uid
        og["users"].append(
            {
                "id": uid,
                "username": email(handle),
                "fullName": name,
                "role": {"id": "user", "name": "User"},
                "timeZone": "America/Chicago",
                "blocked": False,
                "verified": True,
            }
        )
        contacts = (
            []
            if handle in NO_CONTACT
            else [
                {
                    "id": state.opsgenie_id("contact"),
                    "method": "email",
                    "to": email(handle),
                    "status": {"enabled": True},
                }
            ]
        )
        if handle not in NOT_PAGEABLE | NO_CONTACT:
            contacts.append(
                {
                    "id": state.opsgenie_id("contact"),
                    "method": "sms",
                    "to": f"1-555-01{len(ids):02d}",
                    "status": {"enabled": True},
                }
            )
        og["contacts"][uid] = contacts
        pageable = [c["method"] for c in contacts]
        og["notification_rules"][uid] = (
            [
                {
                    "id": state.opsgenie_id("rule"),
                    "name": "New alert",
                    "actionType": "create-alert",
                    "order": 0,
                    "enabled": True,
                    "steps": [
                        {
                            "id": state.opsgenie_id("step"),
                            "contact": {"method": m, "to": c["to"]},
                            "sendAfter": {"timeAmount": 0, "timeUnit": "minutes"},
                            "enabled": True,
                        }
                        for m, c in zip(pageable, contacts, strict=True)
                    ],
                }
            ]
            if contacts
            else []
        )

    def member(handle: str, role: str = "user") -> dict[str, Any]:
        return {"user": {"id": ids[handle], "username": email(handle)}, "role": role}

    delivery = _team(
        state,
        "Delivery",
        f"Delivery team support rotation {OWNERSHIP_MARKER}",
        [
            member("taylor.manager", "admin"),
            member("alex.rivera"),
            member("blair.chen"),
            member("casey.okafor"),
            member("devon.silva"),
            member("emery.novak"),
            member("former.engineer"),
        ],
    )
    platform = _team(
        state,
        "Platform",
        "Platform engineering (configured by hand)",
        [
            member("morgan.platform", "admin"),
            member("riley.platform"),
            member("jordan.platform"),
        ],
    )

    rotation_order = ["alex.rivera", "casey.okafor", "blair.chen", "devon.silva", "emery.novak"]
    eoc = {
        "id": state.opsgenie_id("schedule"),
        "name": "Delivery_eoc_schedule",
        "description": f"Engineer on call for Delivery {OWNERSHIP_MARKER}",
        "timezone": "America/Chicago",
        "enabled": True,
        "ownerTeam": {"id": delivery["id"], "name": "Delivery"},
        "rotations": [
            {
                "id": state.opsgenie_id("rotation"),
                "name": "engineer-on-call",
                "type": "weekly",
                "length": 1,
                "startDate": "2026-01-05T16:00:00Z",
                "participants": [
                    {"type": "user", "id": ids[h], "username": email(h)} for h in rotation_order
                ],
            }
        ],
    }
    og["schedules"].append(eoc)
    escalation = {
        "id": state.opsgenie_id("escalation"),
        "name": "Delivery_oncall_escalation",
        "description": "Page the engineer on call, then the technical manager (Delivery) "
        f"{OWNERSHIP_MARKER}",
        "ownerTeam": {"id": delivery["id"], "name": "Delivery"},
        "rules": [
            {
                "condition": "if-not-acked",
                "notifyType": "default",
                "delay": {"timeAmount": 0, "timeUnit": "minutes"},
                "recipient": {"type": "schedule", "id": eoc["id"], "name": eoc["name"]},
            },
            {
                "condition": "if-not-acked",
                "notifyType": "default",
                "delay": {"timeAmount": 15, "timeUnit": "minutes"},
                "recipient": {
                    "type": "user",
                    "id": ids["taylor.manager"],
                    "username": email("taylor.manager"),
                },
            },
        ],
    }
    og["escalations"].append(escalation)
    og["routing_rules"][delivery["id"]].insert(
        0,
        {
            "id": state.opsgenie_id("routing"),
            "name": "Delivery on-call",
            "isDefault": False,
            "order": 0,
            "criteria": {"type": "match-all"},
            "timezone": "America/Chicago",
            "notify": {"type": "escalation", "id": escalation["id"], "name": escalation["name"]},
        },
    )
    for i, rule in enumerate(og["routing_rules"][delivery["id"]]):
        rule["order"] = i
    # Platform keeps OpsGenie's defaults, with a rotation added by hand.
    platform_schedule = next(s for s in og["schedules"] if s["name"] == "Platform_schedule")
    platform_schedule["rotations"].append(
        {
            "id": state.opsgenie_id("rotation"),
            "name": "Rota1",
            "type": "daily",
            "length": 1,
            "startDate": "2026-06-01T13:00:00Z",
            "participants": [
                {"type": "user", "id": ids[h], "username": email(h)}
                for h in ("morgan.platform", "riley.platform", "jordan.platform")
            ],
        }
    )
    del platform


def _team(
    state: SandboxState, name: str, description: str, members: list[dict[str, Any]]
) -> dict[str, Any]:
    from reconciler.sandbox.opsgenie import create_team_defaults

    team = {
        "id": state.opsgenie_id("team"),
        "name": name,
        "description": description,
        "members": members,
    }
    state.data["opsgenie"]["teams"].append(team)
    create_team_defaults(state, team)
    return team


# -- Slack ---------------------------------------------------------------------------------------


def _slack(state: SandboxState) -> None:
    slack = state.data["slack"]
    ids: dict[str, str] = {}

    def add_user(handle: str, name: str, **flags: Any) -> str:
        uid = state.slack_id("U")
        ids[handle] = uid
        slack["users"].append(
            {
                "id": uid,
                "name": handle,
                "real_name": name,
                "email": flags.pop("email", email(handle)),
                **flags,
            }
        )
        return uid

    add_user("slackbot", "Slackbot", email=None, is_bot=True)
    bot = add_user("reconcile", "reconcile", email=None, is_bot=True)
    slack["bot"]["user_id"] = bot
    for handle, name in DELIVERY + OTHERS:
        add_user(handle, name, deleted=handle == "former.engineer")
    slack["user_token"]["user_id"] = ids["noel.ceo"]
    add_user("contractor.guest", "Contractor (guest)", is_restricted=True)

    everyone = [ids[h] for h, _ in DELIVERY + OTHERS if h != "former.engineer"]
    engineering = [ids[h] for h, _ in DELIVERY + OTHERS[:20] if h != "former.engineer"]
    delivery = [ids[h] for h, _ in DELIVERY]

    def channel(
        name: str,
        purpose: str,
        members: list[str],
        *,
        bot_in: bool = True,
        private: bool = False,
        archived: bool = False,
    ) -> None:
        people = sorted(set(members) | ({bot} if bot_in else set()))
        slack["channels"].append(
            {
                "id": state.slack_id("G" if private else "C"),
                "name": name,
                "is_private": private,
                "is_archived": archived,
                "purpose": purpose,
                "topic": "",
                "creator": ids["noel.ceo"],
                "created": 1_700_000_000,
                "members": people,
            }
        )

    channel("general", "Company-wide announcements and work-based matters.", everyone, bot_in=False)
    channel("random", "Non-work banter and water cooler conversation.", everyone, bot_in=False)
    channel(
        "delivery",
        "Ask the Delivery team questions, share news and escalate support issues.",
        [*delivery, ids["sam.support"], ids["avery.support"]],
    )
    channel("incidents", "Incidents, as they happen.", everyone)
    channel("prod-eng-announcements", "Announcements from Product Engineering.", engineering)
    channel("ask-prod-eng", "", [*engineering, ids["drew.sales"], ids["sam.support"]])
    channel(
        "buildkite-main",
        "Status of the main branch CI builds on Buildkite.",
        engineering,
        bot_in=False,
    )
    channel("platform", "Platform engineering.", [ids[h] for h, _ in OTHERS[1:4]], bot_in=False)
    channel("sales", "Deals and pipeline.", [ids["drew.sales"], ids["jamie.sales"]], bot_in=False)
    channel(
        "design-crit", "Design critique.", [ids["kai.design"], ids["rowan.design"]], bot_in=False
    )
    channel("release-2025", "The 2025 release train.", engineering, bot_in=False, archived=True)
    channel(
        "leadership",
        "Leadership team.",
        [ids["noel.ceo"], ids["blake.cto"]],
        bot_in=False,
        private=True,
    )

    def group(handle: str, name: str, description: str, users: list[str], **extra: Any) -> None:
        slack["usergroups"].append(
            {
                "id": state.slack_id("S"),
                "handle": handle,
                "name": name,
                "description": description,
                "users": sorted(users),
                "enabled": True,
                "created_by": ids["noel.ceo"],
                "auto_type": None,
                **extra,
            }
        )

    group("admins", "Admins", "Workspace admins", [ids["noel.ceo"]], auto_type="admin")
    group(
        "delivery-support",
        "Delivery Support",
        "Delivery on-call (set by hand)",
        [ids["casey.okafor"]],
    )
    group("platform-oncall", "Platform on call", "", [ids["riley.platform"]])
