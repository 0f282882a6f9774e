"""What plan and drift read from JSM Operations: GETs only (and the Teams API's member list, a
read it makes by POST, allowed for that one path)."""

from __future__ import annotations

import threading
from collections.abc import Collection
from datetime import datetime
from typing import Any

from reconciler import live
from reconciler.backends.jsm import parse
from reconciler.backends.jsm.client import (
    MAX_PAGES,
    PAGE,
    VENDOR,
    error_for,
    json_of,
    next_page,
    segment,
)
from reconciler.backends.opsgenie.parse import write_instant
from reconciler.clients.errors import IncompleteRead
from reconciler.clients.http import ReadOnlyHttp, VendorReader


class JsmReader(VendorReader):
    def __init__(self, ops: ReadOnlyHttp, site: ReadOnlyHttp, org_id: str, me: str) -> None:
        super().__init__(ops)
        self._site = site
        self._org = org_id
        self._me = me.lower()  # the token's own email: the one whose contacts can be read
        self._lock = threading.Lock()
        self._emails: dict[str, str] = {}  # account id -> email
        self._accounts: dict[str, str | None] = {}  # email -> account id (None: no account)
        self._users: dict[str, dict[str, Any]] = {}  # account id -> the site's answer
        self._listed: dict[str, Any] = {}  # lists read once per run; a write forgets them
        self.escalation_team: dict[str, str] = {}  # escalation id -> team id (paths need it)

    def close(self) -> None:
        super().close()
        self._site.close()

    # -- plumbing ----------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any] | None = None, *, site: bool = False) -> Any:
        http = self._site if site else self._http
        response = http.get(path, params)
        if response.status_code != 200:
            raise error_for(f"GET {path}", "GET", response)
        return json_of(response, f"GET {path}")

    def _list(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Every value of a paged list, following `links.next` to the end."""
        values: list[dict[str, Any]] = []
        seen: set[str] = set()
        query: dict[str, Any] = {"size": PAGE, **(params or {})}
        for _ in range(MAX_PAGES):
            body = self._get(path, query)
            if not isinstance(body, dict) or not isinstance(body.get("values"), list):
                raise IncompleteRead(VENDOR, f"GET {path}", "a page had no values")
            values.extend(body["values"])
            following = next_page((body.get("links") or {}).get("next"), seen)
            if following is None:
                return values
            path, query = following
        raise IncompleteRead(VENDOR, f"GET {path}", f"more than {MAX_PAGES} pages")

    def _teams_path(self, team_id: str = "") -> str:
        base = f"/gateway/api/public/teams/v1/org/{segment(self._org)}/teams"
        return f"{base}/{segment(team_id)}" if team_id else base

    # -- people: email <-> account id ---------------------------------------------------------

    def account_of(self, email: str) -> str | None:
        """The account id whose email is exactly `email` (the search matches prefixes)."""
        email = email.lower()
        with self._lock:
            if email in self._accounts:
                return self._accounts[email]
        found = self._get("/rest/api/3/user/search", {"query": email, "maxResults": 10}, site=True)
        if not isinstance(found, list):
            raise IncompleteRead(VENDOR, "GET /rest/api/3/user/search", "not a list of users")
        exact = [
            u["accountId"]
            for u in found
            if isinstance(u, dict) and (u.get("emailAddress") or "").lower() == email
        ]
        account = exact[0] if len(exact) == 1 else None
        with self._lock:
            self._accounts[email] = account
            if account:
                self._emails[account] = email
        return account

    def accounts_of(self, emails: list[str]) -> dict[str, str | None]:
        found = self._http.parallel(self.account_of, emails)
        return dict(zip(emails, found, strict=True))

    def _user(self, account_id: str) -> dict[str, Any]:
        """One read per account per run: the email and the readiness facts come together."""
        with self._lock:
            if account_id in self._users:
                return self._users[account_id]
        params = {"accountId": account_id, "expand": "applicationRoles"}
        data = self._get("/rest/api/3/user", params, site=True)
        if not isinstance(data, dict):
            raise IncompleteRead(VENDOR, "GET /rest/api/3/user", "not a user")
        with self._lock:
            self._users[account_id] = data
        return data

    def _once(self, key: str, read: Any) -> Any:
        """A list read once per run (teams, schedule names), until a write forgets it."""
        with self._lock:
            if key in self._listed:
                return self._listed[key]
        found = read()
        with self._lock:
            self._listed[key] = found
        return found

    def forget(self) -> None:
        with self._lock:
            self._listed.clear()

    def email_of(self, account_id: str) -> str:
        with self._lock:
            if account_id in self._emails:
                return self._emails[account_id]
        # [A profile's visibility can hide the email: then the account id stands in, and the
        # plan shows that person as unknown rather than guessing.]
        email = (self._user(account_id).get("emailAddress") or f"account:{account_id}").lower()
        with self._lock:
            self._emails[account_id] = email
            self._accounts.setdefault(email, account_id)
        return email

    def _emails_for(self, account_ids: set[str]) -> dict[str, str]:
        ids = sorted(a for a in account_ids if a)
        return dict(zip(ids, self._http.parallel(self.email_of, ids), strict=True))

    # -- teams ---------------------------------------------------------------------------------

    def ops_teams(self) -> list[dict[str, str]]:
        """Teams with operations enabled: `{platformTeams: [...]}` per the spec, or a bare list
        as one live report saw (reference §2.7b): both are accepted."""
        found: list[dict[str, str]] = self._once("teams", self._ops_teams)
        return found

    def _ops_teams(self) -> list[dict[str, str]]:
        body = self._get("/v1/teams")
        listed = body.get("platformTeams") if isinstance(body, dict) else body
        if not isinstance(listed, list):
            raise IncompleteRead(VENDOR, "GET /v1/teams", "no platformTeams in the answer")
        return [{"id": t["teamId"], "name": t.get("teamName") or ""} for t in listed]

    def members(self, team_id: str) -> list[str]:
        """Account ids of a team's members: a POST with a cursor (§2.7a)."""
        path = f"{self._teams_path(team_id)}/members"
        found: list[str] = []
        after: str | None = None
        for _ in range(MAX_PAGES):
            body: dict[str, Any] = {"first": 50, **({"after": after} if after else {})}
            response = self._site.read_post(path, body)
            if response.status_code != 200:
                raise error_for(f"POST {path}", "POST", response)
            data = json_of(response, f"POST {path}")
            found += [m["accountId"] for m in data.get("results") or []]
            info = data.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return found
            after = info.get("endCursor")
        raise IncompleteRead(VENDOR, f"POST {path}", f"more than {MAX_PAGES} pages")

    def _team_detail(self, listed: dict[str, str], with_members: bool = True) -> live.Team:
        data = self._get(self._teams_path(listed["id"]), site=True)
        members: frozenset[live.TeamMember] = frozenset()
        if with_members:
            accounts = self.members(listed["id"])
            emails = self._emails_for(set(accounts))
            members = frozenset(live.TeamMember(emails[a], "user", a) for a in accounts)
        return live.Team(
            listed["id"],
            data.get("displayName") or listed["name"],
            data.get("description") or "",
            members,
        )

    def teams(self, detailed: Collection[str] | None = None) -> list[live.Team]:
        """Every team; the members (a read a team, and their accounts' emails) only of those
        named in `detailed` (any case), or of all when it is None. The description is the
        Teams API's, a read a team either way."""
        wanted = None if detailed is None else {name.lower() for name in detailed}
        return self._http.parallel(
            lambda t: self._team_detail(t, wanted is None or t["name"].lower() in wanted),
            self.ops_teams(),
        )

    def team(self, name: str) -> live.Team | None:
        found = [t for t in self.ops_teams() if t["name"] == name]
        if len(found) > 1:
            raise duplicate_teams(name, [t["id"] for t in found])
        return self._team_detail(found[0]) if found else None

    # -- schedules -------------------------------------------------------------------------------

    def schedules(self) -> list[live.Schedule]:
        listed = self._list("/v1/schedules", {"expand": "rotation"})
        people = {
            p.get("id", "")
            for s in listed
            for r in s.get("rotations") or []
            for p in r.get("participants") or []
            if p.get("type") == "user"
        }
        emails = self._emails_for(people)
        teams = {t["id"]: t["name"] for t in self.ops_teams()}
        return [parse.schedule(s, emails, teams) for s in listed]

    def on_call(self, schedule_id: str, at: datetime | None = None) -> list[str]:
        params: dict[str, Any] = {"flat": "true"}
        if at is not None:
            params["date"] = write_instant(at)
        data = self._get(f"/v1/schedules/{segment(schedule_id)}/on-calls", params)
        ids = data.get("onCallUsers") or [] if isinstance(data, dict) else []
        return sorted(self._emails_for(set(ids)).values())

    def timeline(
        self, schedule_id: str, start: datetime, interval: int, unit: str
    ) -> list[live.TimelinePeriod]:
        path = f"/v1/schedules/{segment(schedule_id)}/timeline"
        params = {
            "expand": "base",
            "interval": interval,
            "intervalUnit": unit,
            "date": write_instant(start),
        }
        data = self._get(path, params)
        base = data.get("baseTimeline") if isinstance(data, dict) else None
        if not isinstance(base, dict):
            raise IncompleteRead(VENDOR, f"GET {path}", "no baseTimeline in the answer")
        rotations = base.get("rotations") or []
        people = {
            (p.get("responder") or {}).get("id") or ""
            for r in rotations
            for p in r.get("periods") or []
        }
        emails = self._emails_for(people)
        return [
            parse.timeline_period(rotation, period, emails)
            for rotation in rotations
            for period in rotation.get("periods") or []
        ]

    def alerts(self, team: str, start: datetime, end: datetime) -> None:
        """Not read: JSM's alerts API is asynchronous and needs another scope (reference §3,
        §4.13); the hand-off post leaves the count out."""
        return None

    def overrides(self, schedule_id: str) -> list[live.Override]:
        listed = self._list(f"/v1/schedules/{segment(schedule_id)}/overrides")
        people = {(o.get("responder") or {}).get("id") or "" for o in listed}
        emails = self._emails_for(people)
        found = []
        for o in listed:
            start, end = parse.instant(o.get("startDate")), parse.instant(o.get("endDate"))
            who = emails.get((o.get("responder") or {}).get("id") or "", "")
            if start is not None and end is not None:
                found.append(live.Override(o.get("alias") or "", who, start, end))
        return found

    # -- escalations and routing rules (a team's) ----------------------------------------------

    def schedule_names(self) -> dict[str, str]:
        found: dict[str, str] = self._once(
            "schedules", lambda: {s["id"]: s["name"] for s in self._list("/v1/schedules")}
        )
        return found

    def _names(self, team_ids: list[str]) -> dict[str, str]:
        names = {t["id"]: t["name"] for t in self.ops_teams()}
        names.update(self.schedule_names())
        for team_id in team_ids:
            for esc in self._team_escalations({"id": team_id}):
                names[esc["id"]] = esc["name"]
        return names

    def _team_escalations(self, team: dict[str, str]) -> list[dict[str, Any]]:
        path = f"/v1/teams/{segment(team['id'])}/escalations"
        found: list[dict[str, Any]] = self._once(path, lambda: self._list(path))
        with self._lock:
            for esc in found:
                self.escalation_team[esc["id"]] = team["id"]
        return found

    def escalations(self) -> list[live.Escalation]:
        teams = self.ops_teams()
        listed = self._http.parallel(self._team_escalations, teams)
        users = {
            (r.get("recipient") or {}).get("id") or ""
            for found in listed
            for esc in found
            for r in esc.get("rules") or []
            if (r.get("recipient") or {}).get("type") == "user"
        }
        names: dict[str, str] = {t["id"]: t["name"] for t in teams}
        names.update(self.schedule_names())
        names.update(self._emails_for(users))
        return [
            parse.escalation(esc, team["name"], names)
            for team, found in zip(teams, listed, strict=True)
            for esc in found
        ]

    def routing_rules(self, team_id: str) -> list[live.RoutingRule]:
        listed = self._list(f"/v1/teams/{segment(team_id)}/routing-rules")
        names = (
            self._names([team_id]) if any((r.get("notify") or {}).get("id") for r in listed) else {}
        )
        return sorted((parse.routing_rule(r, names) for r in listed), key=lambda r: r.order)

    def routing_rules_of(self, team_ids: list[str]) -> list[list[live.RoutingRule]]:
        return self._http.parallel(self.routing_rules, team_ids)

    # -- readiness: as far as one account's token can see --------------------------------------

    def user_and_contacts(
        self, username: str
    ) -> tuple[live.User, list[live.Contact] | None] | None:
        """The account (active, with JSM agent access) and, for the token's own account only,
        its contacts: contacts have no user in their paths (§2.9), so another person's cannot be
        read; None stands for "cannot be read", not "none"."""
        account = self.account_of(username)
        if account is None:
            return None
        user = parse.user(self._user(account), username.lower())
        if username.lower() != self._me:
            return user, None
        return user, [parse.contact(c) for c in self._list("/v1/users/contacts")]

    def notification_rules(self, username: str) -> list[live.NotificationRule]:
        return []  # the caller's own only (§2.10); readiness does not ask when contacts are unread


def duplicate_teams(name: str, ids: list[str]) -> Exception:
    from reconciler.errors import ReconcileError

    return ReconcileError(
        f"JSM Operations has {len(ids)} teams named {name!r} ({', '.join(ids)}): a migration "
        "duplicates a team whose name clashes with an Atlassian team; merge them (Operations > "
        "General configuration > Merge team) or rename one, then plan again"
    )
