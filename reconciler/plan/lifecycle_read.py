"""The reads the on-call lifecycle and readiness need, after the structural ones.

Per declared team: who OpsGenie says is on call now and just before the current shift began
(overrides honoured), the Slack accounts of everyone involved, the members of the channels the
on-call joins or leaves (each channel read once, however many teams watch it), whether this
shift's hand-off post exists, and each rotation participant's contacts and notification rules.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from reconciler import live
from reconciler.backends.base import ChatReader, OnCallReader, ReadSide
from reconciler.plan.anchoring import as_rotation
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.matching import slack_email
from reconciler.plan.observe import LiveState


@dataclass
class TeamOnCall:
    shift_start: datetime | None = None
    eoc_now: list[str] = field(default_factory=list)
    eoc_before: list[str] = field(default_factory=list)
    eoc_next: list[str] = field(default_factory=list)
    tm_now: list[str] = field(default_factory=list)
    posted: bool = False  # this shift's hand-off post exists
    previous_start: datetime | None = None  # when the outgoing engineer's shift began
    alerts: list[live.Alert] | None = None  # in the outgoing shift; None: not read


@dataclass
class Pageability:
    exists: bool
    contacts: list[live.Contact] | None = field(default_factory=list)  # None: cannot be read
    rules: list[live.NotificationRule] = field(default_factory=list)
    user: live.User | None = None


@dataclass
class LifecycleState:
    on_call: dict[str, TeamOnCall] = field(default_factory=dict)  # by team name
    slack_by_email: dict[str, live.SlackUser | None] = field(default_factory=dict)
    slack_by_id: dict[str, live.SlackUser] = field(default_factory=dict)
    channel_members: dict[str, frozenset[str]] = field(default_factory=dict)  # channel id
    pageability: dict[str, Pageability] = field(default_factory=dict)  # by username


# How long after a shift begins its hand-off duties (the post, joins and leaves) are still done.
HANDOFF_WINDOW = timedelta(days=1)
HANDOFF_EVENT = "reconcile_handoff"  # the hand-off post's Slack message metadata event_type


def marker(team: str, shift_start: datetime) -> str:
    """The hand-off post's visible marker, for people; the metadata is what identifies it."""
    return f"reconcile handoff {team} {shift_start.astimezone(UTC):%Y-%m-%dT%H:%MZ}"


def handoff_payload(team: str, shift_start: datetime) -> dict[str, str]:
    """The metadata payload that names one team's one handoff."""
    return {"team": team, "handoff": f"{shift_start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"}


def is_handoff_post(
    message: live.Message, me: live.SlackIdentity, team: str, shift_start: datetime
) -> bool:
    """Whether `message` is our post for this handoff.

    By who posted it (our bot user, or our bot id) and by its metadata, which Slack's text
    formatting leaves alone: a team called `ops.io` comes back linked, `&` escaped. A post made
    before posts carried metadata is still recognised by its visible marker.
    """
    ours = message.user == me.user_id or (me.bot_id is not None and message.bot_id == me.bot_id)
    if not ours:
        return False
    if message.event_type is not None:
        return message.event_type == HANDOFF_EVENT and message.event_payload == handoff_payload(
            team, shift_start
        )
    return marker(team, shift_start) in message.text


def participants(team: DesiredTeam) -> list[str]:
    """Everyone the policy may put on call: the rotations, the manager, and whoever covers."""
    people = list(team.policy.on_call.engineer.participants)
    tm = team.policy.on_call.technical_manager
    people += list(tm.rotation.participants) if tm.rotation else [tm.person or ""]
    cover = team.policy.cover
    people += [a.by for a in cover.away] if cover else []
    return [p for p in dict.fromkeys(people) if p]


READINESS_OF = ("everyone", "on-duty")


def observe_lifecycle(
    readers: ReadSide,
    teams: list[DesiredTeam],
    state: LiveState,
    *,
    readiness: bool = True,
    readiness_of: str = "everyone",
    on_call: dict[str, TeamOnCall] | None = None,
    pageability: Future[dict[str, Pageability]] | None = None,
) -> LifecycleState:
    """`readiness_of`: everyone in the rotations, or only the people whose problems are errors
    (on call now or next, the technical manager): the rest cost two reads each, once per person
    however many teams they are on, read at the same time, and beside the Slack reads (another
    vendor, another limit). Read already, and passed in: `on_call` (`whos_on_call`), and the
    readiness under way (`pageability`, from `read_pageability`)."""
    result = LifecycleState()
    og = readers.oncall
    result.on_call = on_call if on_call is not None else whos_on_call(og, teams, state)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readiness") as pool:
        if readiness and pageability is None:
            people = readiness_people(teams, result.on_call, readiness_of)
            pageability = pool.submit(read_pageability, og, people)
        _slack_side(readers, teams, state, result)
        if pageability is not None:
            result.pageability = pageability.result()
    return result


def _slack_side(
    readers: ReadSide, teams: list[DesiredTeam], state: LiveState, result: LifecycleState
) -> None:
    """The Slack accounts of everyone involved, the channels' members, the hand-off posts."""
    og, sl = readers.oncall, readers.slack
    people: set[str] = set()
    for team in teams:
        people |= {slack_email(team, p) for p in _slack_people(team, result.on_call[team.name])}
    result.slack_by_email = sl.users_by_email(sorted(people)) if people else {}
    result.slack_by_id = {u.id: u for u in result.slack_by_email.values() if u}
    overrides = {
        o
        for t in teams
        if t.policy.slack
        for o in t.policy.slack.user_overrides.values()
        if "@" not in o
    }
    if overrides - set(result.slack_by_id):
        result.slack_by_id.update({u.id: u for u in sl.users() if u.id in overrides})
    channels = sorted(
        {
            state.channels[c.name].id
            for t in teams
            for c in t.channels
            if c.on_call != "none"
            and c.name in state.channels
            and not state.channels[c.name].is_archived
        }
    )
    members = sl.parallel(sl.channel_members, channels)
    result.channel_members = dict(zip(channels, members, strict=True))
    _posted(sl, og, teams, state, result)


def readiness_people(
    teams: list[DesiredTeam], on_call: dict[str, TeamOnCall] | None, readiness_of: str
) -> list[str]:
    """Whose readiness is read: everyone the policies may put on call (known before any read),
    or, on duty (`on_call` needed), those whose problems are errors."""
    if readiness_of == "on-duty":
        assert on_call is not None, "on-duty readiness needs who is on call"
        return sorted({p for t in teams for p in on_duty(t, on_call[t.name])})
    return sorted({p for t in teams for p in participants(t)})


def read_pageability(og: OnCallReader, usernames: list[str]) -> dict[str, Pageability]:
    """Each person's readiness: two reads a person, many people at once."""
    found = og.parallel(lambda u: _pageability(og, u), usernames)
    return dict(zip(usernames, found, strict=True))


def whos_on_call(
    og: OnCallReader, teams: list[DesiredTeam], state: LiveState
) -> dict[str, TeamOnCall]:
    """Each team's on-call now, before and next, from the on-call backend alone."""
    found = og.parallel(lambda t: _on_call(og, t, state), teams)  # the reader's concurrency
    return {team.name: on_call for team, on_call in zip(teams, found, strict=True)}


def on_duty(team: DesiredTeam, on_call: TeamOnCall) -> set[str]:
    """Whose readiness problems are errors: on call now or next, and the technical manager."""
    people = set(on_call.eoc_now) | set(on_call.eoc_next) | set(on_call.tm_now)
    tm = team.policy.on_call.technical_manager.person
    return people | ({tm} if tm else set())


def _slack_people(team: DesiredTeam, on_call: TeamOnCall) -> set[str]:
    people = set(participants(team)) | set(on_call.eoc_now) | set(on_call.eoc_before)
    slack = team.policy.slack
    if slack:
        if slack.on_call_group:
            people |= set(slack.on_call_group.fixed_members)
            people |= set(slack.on_call_group.fallback_members)
        for channel in slack.channels:
            people |= set(channel.permanent_members)
    return people


def _on_call(og: OnCallReader, team: DesiredTeam, state: LiveState) -> TeamOnCall:
    result = TeamOnCall()
    eoc = team.schedules[0]
    schedule = state.schedules.get(eoc.name.lower())
    if schedule is None:
        return result
    now = state.now
    ours = [r for r in schedule.rotations if r.name == eoc.rotation.name]
    rotation = as_rotation(ours[0], schedule.time_zone) if ours else None
    shift = rotation.shift_at(now) if rotation else None
    result.eoc_now = og.on_call(schedule.id, now)
    if shift is not None:
        result.shift_start = shift.start
        before = rotation.shift_at(shift.start - timedelta(minutes=1)) if rotation else None
        result.previous_start = before.start if before else None
        result.eoc_before = og.on_call(schedule.id, shift.start - timedelta(minutes=1))
        result.eoc_next = og.on_call(schedule.id, shift.end)
    if len(team.schedules) > 1:
        tm = state.schedules.get(team.schedules[1].name.lower())
        if tm is not None:
            result.tm_now = og.on_call(tm.id, now)
    return result


def _posted(
    sl: ChatReader,
    og: OnCallReader,
    teams: list[DesiredTeam],
    state: LiveState,
    result: LifecycleState,
) -> None:
    """Whether each team's hand-off post for this shift exists, and, where one is due, what the
    outgoing shift received: each channel's history read once, the alerts many teams at once."""
    where: dict[str, tuple[str, float]] = {}  # team -> (channel id, since)
    for team in teams:
        notes = team.policy.handoff_notes
        on_call = result.on_call[team.name]
        if notes is None or on_call.shift_start is None:
            continue
        if state.now - on_call.shift_start > HANDOFF_WINDOW:
            continue  # no post is due any more: whether one was made does not matter
        channel = state.channels.get(notes.channel)
        if channel is None or not channel.bot_is_member:
            continue  # nothing could have been posted there by us
        where[team.name] = (channel.id, on_call.shift_start.timestamp() - 1)
    if not where:
        return
    me = state.slack_identity or sl.me()
    keys = sorted(set(where.values()))  # a channel teams share is read once
    histories = dict(zip(keys, sl.parallel(lambda k: sl.history(*k), keys), strict=True))
    due: list[tuple[str, datetime, datetime, TeamOnCall]] = []
    for team_name, key in where.items():
        on_call = result.on_call[team_name]
        start = on_call.shift_start
        assert start is not None  # `where` holds only teams whose shift is known
        on_call.posted = any(is_handoff_post(m, me, team_name, start) for m in histories[key])
        if not on_call.posted and on_call.previous_start is not None:
            due.append((team_name, on_call.previous_start, start, on_call))
    # What the outgoing shift received, for the post: read only while a post is due.
    found = og.parallel(lambda d: og.alerts(d[0], d[1], d[2]), due)
    for (*_, on_call), alerts in zip(due, found, strict=True):
        on_call.alerts = alerts


def _pageability(og: OnCallReader, username: str) -> Pageability:
    """The user (blocked, muted) with contacts in one read, then the notification rules."""
    found = og.user_and_contacts(username)
    if found is None:
        return Pageability(False)
    user, contacts = found
    if contacts is None:
        return Pageability(True, None, [], user)
    return Pageability(True, contacts, og.notification_rules(username), user)
