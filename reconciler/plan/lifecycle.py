"""The on-call lifecycle as plan changes: the on-call group, channel duty, the hand-off post.

The group follows OpsGenie all the time: whoever is on call now (overrides honoured) plus the
fixed members. Channel duty and the hand-off post happen once per handoff: the post in the
hand-off notes channel, which names the handoff, is the record that it was done (no state file);
so the invites and removals go first and the post last. Without a hand-off notes channel,
invites are kept up continuously and nobody is removed, since nothing records the handoff.
Handoffs are processed within a day of happening; older ones are left as they are.
"""

from __future__ import annotations

from collections.abc import Callable

from reconciler import live
from reconciler.plan import operations as ops
from reconciler.plan.changes import Change, FieldChange
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.lifecycle_read import (
    HANDOFF_EVENT,
    HANDOFF_WINDOW,
    LifecycleState,
    TeamOnCall,
    handoff_payload,
    marker,
)
from reconciler.plan.matching import Match, match
from reconciler.plan.observe import LiveState

VENDOR = "slack"
SlackUserOf = Callable[[str], "live.SlackUser | None"]  # a person's Slack account, or None


def diff_lifecycle(
    team: DesiredTeam, state: LiveState, life: LifecycleState, label: str = "OpsGenie"
) -> tuple[list[Change], list[str]]:
    slack = team.policy.slack
    on_call = life.on_call.get(team.name, TeamOnCall())
    if slack is None:
        return [], []
    warnings: list[str] = []

    def slack_user(person: str) -> live.SlackUser | None:
        found: Match = match(team, person, life.slack_by_email, life.slack_by_id)
        if found.problem:
            warnings.append(f"{team.name}: {person}: {found.problem}")
        elif found.user is not None and not found.user.can_join_groups:
            warnings.append(f"{team.name}: {person}: the Slack account is a guest or a bot")
            return None
        return found.user

    changes: list[Change] = []
    if team.schedules[0].name.lower() not in state.schedules:
        warnings.append(
            f"{team.name}: follow-up: once apply has made {team.schedules[0].name}, it checks "
            "the on-call group against it and does channel duty and the hand-off post, in the "
            "same run"
        )
        if slack.on_call_group is not None:
            # The schedule is made by this apply: the group is set now from the rotation it
            # will have (checked against the vendor once it exists), so the group's members do
            # not wait for a second pass behind Slack's Tier 2 pacing.
            who = team.schedules[0].rotation.rotation.on_call_at(state.now)
            predicted = TeamOnCall(eoc_now=[who] if who else [])
            changes += _group_members(team, state, life, predicted, slack_user, label)
        return changes, sorted(set(warnings))
    if slack.on_call_group is not None:
        changes += _group_members(team, state, life, on_call, slack_user, label)
    if state.channels and on_call.eoc_now:
        changes += _duty(team, state, life, on_call, slack_user, warnings)
    return changes, sorted(set(warnings))


def _group_members(
    team: DesiredTeam,
    state: LiveState,
    life: LifecycleState,
    on_call: TeamOnCall,
    slack_user: SlackUserOf,
    label: str,
) -> list[Change]:
    group_spec = team.policy.slack.on_call_group  # type: ignore[union-attr]
    assert group_spec is not None
    handle = group_spec.handle
    have = state.groups.get(handle)
    name = f"@{handle}"
    wanted_people = list(on_call.eoc_now)
    if not wanted_people:
        if group_spec.when_nobody_on_call == "keep":
            return []
        if group_spec.when_nobody_on_call == "disable":
            if have is None or not have.enabled:
                return []
            return [
                Change(
                    VENDOR,
                    "slack_group_members",
                    name,
                    team.name,
                    "update",
                    "nobody is on call: the policy disables the group",
                    (FieldChange("enabled", True, False),),
                    operation=ops.SlackGroupMembers(handle=handle, group_id=have.id, disable=True),
                )
            ]
        wanted_people = list(group_spec.fallback_members)
    wanted_people += group_spec.fixed_members
    wanted = {u.id: u for p in dict.fromkeys(wanted_people) if (u := slack_user(p))}
    if not wanted:
        return []
    current = set(have.users) if have else set()
    enable = have is not None and not have.enabled
    if have is not None and current == set(wanted) and not enable:
        return []
    names = {u.id: u.email or u.name for u in [*wanted.values(), *life.slack_by_id.values()]}
    before = sorted(names.get(i, i) for i in current)
    return [
        Change(
            VENDOR,
            "slack_group_members",
            name,
            team.name,
            "update",
            f"the group follows who is on call in {label}",
            (FieldChange("members", before, sorted(names[i] for i in wanted)),)
            + ((FieldChange("enabled", False, True),) if enable else ()),
            operation=ops.SlackGroupMembers(
                handle=handle,
                group_id=have.id if have else None,
                users=sorted(wanted),
                enable=enable,
            ),
        )
    ]


def _duty(
    team: DesiredTeam,
    state: LiveState,
    life: LifecycleState,
    on_call: TeamOnCall,
    slack_user: SlackUserOf,
    warnings: list[str],
) -> list[Change]:
    notes = team.policy.handoff_notes
    once = notes is not None and on_call.shift_start is not None
    if once:
        assert on_call.shift_start is not None
        if on_call.posted or state.now - on_call.shift_start > HANDOFF_WINDOW:
            return []
    incoming = [u for p in on_call.eoc_now if (u := slack_user(p))]
    outgoing = [u for p in on_call.eoc_before if p not in on_call.eoc_now if (u := slack_user(p))]
    changes = []
    for channel in team.policy.slack.channels:  # type: ignore[union-attr]
        if channel.on_call == "none":
            continue
        live_channel = state.channels.get(channel.name)
        if live_channel is None or live_channel.is_archived:
            if channel.name not in state.channels:
                warnings.append(
                    f"{team.name}: #{channel.name} is not visible to the bot; if it "
                    "is private, a member must invite the bot"
                )
            continue
        if live_channel.is_private and not live_channel.bot_is_member:
            warnings.append(
                f"{team.name}: #{channel.name} is private and the bot is not in it: "
                "a member must invite the bot"
            )
            continue
        members = life.channel_members.get(live_channel.id, frozenset())
        invite = sorted(u.id for u in incoming if u.id not in members)
        keep = {p for p in channel.permanent_members}
        kick = []
        if once and channel.on_call == "join_and_leave":
            kick = sorted(u.id for u in outgoing if u.id in members and (u.email or "") not in keep)
        if not invite and not kick:
            continue
        label = {u.id: u.email or u.name for u in incoming + outgoing}
        fields = []
        if invite:
            fields.append(FieldChange("invite", None, [label[i] for i in invite]))
        if kick:
            fields.append(FieldChange("remove", None, [label[i] for i in kick]))
        changes.append(
            Change(
                VENDOR,
                "channel_duty",
                f"#{channel.name}",
                team.name,
                "update",
                "the incoming engineer on call joins"
                if invite and not kick
                else "the outgoing engineer on call leaves at shift end"
                if kick and not invite
                else "the engineers on call change over",
                tuple(fields),
                operation=ops.ChannelDuty(
                    channel=channel.name,
                    channel_id=live_channel.id,
                    join=not live_channel.bot_is_member,
                    invite=invite,
                    kick=kick,
                    labels={i: label[i] for i in invite + kick},
                ),
            )
        )
    if not once:
        if any(c.on_call == "join_and_leave" for c in team.policy.slack.channels):  # type: ignore[union-attr]
            warnings.append(
                f"{team.name}: nobody is removed from join_and_leave channels "
                "without handoff_notes, which records each handoff"
            )
        return changes
    assert notes is not None and on_call.shift_start is not None
    notes_channel = state.channels.get(notes.channel)
    if notes_channel is None:
        warnings.append(f"{team.name}: hand-off notes channel #{notes.channel} not found")
        return changes
    changes.append(
        _post(
            team,
            on_call,
            notes.channel,
            notes_channel,
            notes.url,
            incoming,
            outgoing,
            slack_user,
        )
    )
    return changes


def _post(
    team: DesiredTeam,
    on_call: TeamOnCall,
    channel: str,
    live_channel: live.Channel,
    url: str,
    incoming: list[live.SlackUser],
    outgoing: list[live.SlackUser],
    slack_user: SlackUserOf,
) -> Change:
    assert on_call.shift_start is not None

    def mention(users: list[live.SlackUser], fallback: list[str]) -> str:
        return ", ".join(f"<@{u.id}>" for u in users) or ", ".join(fallback) or "nobody"

    tm_people = on_call.tm_now or (
        [team.policy.on_call.technical_manager.person]
        if team.policy.on_call.technical_manager.person
        else []
    )
    tm_users = [u for p in tm_people if (u := slack_user(p))]
    when = on_call.shift_start.strftime("%a %Y-%m-%d %H:%M %Z")
    text = (
        f"*Hand-off, {team.name} support rotation* ({when})\n"
        f"Engineer On-Call: {mention(outgoing, on_call.eoc_before)} → "
        f"{mention(incoming, on_call.eoc_now)}\n"
        f"Technical Manager: {mention(tm_users, tm_people)}\n"
        f"{_alerts(team, on_call, mention(outgoing, on_call.eoc_before))}"
        f"Hand-off notes: {url}\n"
        f"_{marker(team.name, on_call.shift_start)}_"
    )
    return Change(
        VENDOR,
        "handoff_post",
        f"#{channel}",
        team.name,
        "create",
        "a handoff happened and its post is not there yet",
        # The plan shows the post with names; the post itself mentions people by id.
        (FieldChange("text", None, _with_names(text, [*outgoing, *incoming, *tm_users])),),
        operation=ops.HandoffPost(
            channel=channel,
            channel_id=live_channel.id,
            join=not live_channel.bot_is_member,
            text=text,
            event_type=HANDOFF_EVENT,
            payload=handoff_payload(team.name, on_call.shift_start),
            since=on_call.shift_start.timestamp() - 1,
        ),
    )


def _alerts(team: DesiredTeam, on_call: TeamOnCall, outgoing: str) -> str:
    """The outgoing shift's alerts, and the recovery day the handbook asks for after a busy one."""
    if on_call.alerts is None:
        return ""
    received = len(on_call.alerts)
    acked = sum(a.acknowledged_by in on_call.eoc_before for a in on_call.alerts)
    line = f"Alerts last shift: {received} received, {acked} acknowledged by {outgoing}\n"
    notes = team.policy.handoff_notes
    threshold = notes.recovery_day_after if notes else None
    if threshold is not None and received >= threshold:
        line += (
            f":zzz: {received} alerts is an eventful week: {outgoing}, take a recovery day "
            "(the handbook encourages one)\n"
        )
    return line


def _with_names(text: str, users: list[live.SlackUser]) -> str:
    for user in users:
        text = text.replace(f"<@{user.id}>", f"@{user.email or user.name}")
    return text
