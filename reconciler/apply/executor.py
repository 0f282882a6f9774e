"""Carrying out a plan: in dependency order, a line per change, stop at the first error.

Creates and updates go team, schedule, rotation, escalation, routing rule, then Slack; deletes go
the other way, so nothing is deleted while something still refers to it (OpsGenie answers 428).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from reconciler import live
from reconciler.apply.lanes import run_lanes
from reconciler.backends.base import Writers
from reconciler.clients.errors import SlackError
from reconciler.errors import ReconcileError
from reconciler.plan import operations as ops
from reconciler.plan.anchoring import NOBODY
from reconciler.plan.build import sort_for_apply
from reconciler.plan.changes import Change, Plan
from reconciler.plan.observe import LiveState

# What Slack answers when a removal cannot be done as asked (conversations.kick's method page).
KICK_REFUSALS = frozenset(
    {"restricted_action", "not_in_channel", "cant_kick_from_general", "not_supported"}
)


@dataclass
class Outcome:
    done: list[Change] = field(default_factory=list)
    failed: Change | None = None
    error: str | None = None
    skipped: list[Change] = field(default_factory=list)  # blocked, or after the failure
    interrupted: bool = False  # Ctrl-C: `failed` is the change that was under way
    not_done: list[str] = field(default_factory=list)  # duties a vendor refused, and why

    def counts(self) -> dict[str, int]:
        return {
            "added": sum(c.action in ("create", "replace") for c in self.done),
            "changed": sum(c.action in ("update", "adopt") for c in self.done),
            "destroyed": sum(c.action in ("delete", "replace") for c in self.done),
        }


class Applier:
    def __init__(self, writers: Writers, state: LiveState, report: Callable[[str], None]) -> None:
        self.og = writers.oncall
        self.sl = writers.slack
        self.report = report
        self.team_ids = {t.name: t.id for t in state.teams.values()}
        self.schedule_ids = {s.name: s.id for s in state.schedules.values()}
        self.group_ids = {g.handle: g.id for g in state.groups.values()}
        self.not_done: list[str] = []

    def apply(
        self, plan: Plan, *, force: bool = False, on_call_done: Callable[[], None] | None = None
    ) -> Outcome:
        """On-call changes and Slack changes in two lanes at once (Slack's are paced by its
        tiers; the on-call backend's need not wait behind them); one lane alone when the plan
        has one vendor. A failure stops its own lane; Ctrl-C stops both. `on_call_done` is
        called once the on-call changes are all made, while Slack's may still be going on."""
        outcome = Outcome(not_done=self.not_done)
        pending = sort_for_apply([c for c in plan.actionable if force or not c.blocked])
        blocked = [c for c in plan.actionable if c.blocked and not force]
        oncall = [c for c in pending if c.vendor != "slack"]
        chat = by_team([c for c in pending if c.vendor == "slack"])
        if not oncall or not chat:
            if not oncall and on_call_done is not None:
                on_call_done()
            self.lane(pending, outcome, self.report, threading.Event())
        else:
            outcome = run_lanes(self, oncall, chat, outcome, on_call_done)
        outcome.skipped = blocked + outcome.skipped
        return outcome

    def lane(
        self,
        changes: list[Change],
        outcome: Outcome,
        report: Callable[[str], None],
        stop: threading.Event,
    ) -> None:
        """Carry out `changes` in order, until one fails or `stop` is set."""
        for i, change in enumerate(changes):
            if stop.is_set():
                outcome.skipped += changes[i:]
                return
            try:
                note = self._one(change)
            except ReconcileError as exc:
                outcome.failed, outcome.error = change, str(exc)
                outcome.skipped += changes[i + 1 :]
                report(f"{change.symbol} {change.kind} {change.name}: FAILED: {exc}")
                return
            except KeyboardInterrupt:
                # Say what was and was not done, as for any other stop; the change under way
                # may or may not have reached the vendor.
                outcome.failed, outcome.interrupted = change, True
                outcome.error = "interrupted (Ctrl-C) while this change was being made"
                outcome.skipped += changes[i + 1 :]
                report(f"{change.symbol} {change.kind} {change.name}: INTERRUPTED")
                stop.set()
                return
            outcome.done.append(change)
            suffix = f" ({note})" if note else ""
            report(f"{change.symbol} {change.kind} {change.name}: {_past(change.action)}{suffix}")

    # -- one change ------------------------------------------------------------------------------

    def _one(self, change: Change) -> str | None:
        """Carry out one change; a handler may return a note on how it went."""
        op = change.operation
        if op is None:
            raise ReconcileError(f"{change.kind} {change.name}: nothing to do (a no-op)")
        handler: Callable[[Any], str | None] = getattr(self, f"_{op.KIND}")
        return handler(op)

    def _create_team(self, op: ops.CreateTeam) -> None:
        members = [live.TeamMember(u, r) for u, r in op.members]
        self.team_ids[op.name] = self.og.create_team(op.name, op.description, members)

    def _update_team(self, op: ops.UpdateTeam) -> None:
        members = [live.TeamMember(u, r) for u, r in op.members] if op.members is not None else None
        self.og.update_team(op.team_id, description=op.description, members=members)

    def _create_schedule(self, op: ops.CreateSchedule) -> None:
        team_id = self._team(op.team)
        self.schedule_ids[op.name] = self.og.create_schedule(
            op.name, op.description, op.time_zone, team_id
        )

    def _update_schedule(self, op: ops.UpdateSchedule) -> None:
        self.og.update_schedule(
            op.schedule_id,
            description=op.description,
            time_zone=op.time_zone,
            enabled=op.enabled,
            owner_team_id=self._team(op.team) if op.team is not None else None,
        )

    def _delete_schedule(self, op: ops.DeleteSchedule) -> None:
        self.og.delete_schedule(op.schedule_id)

    def _create_override(self, op: ops.CreateOverride) -> None:
        override = live.Override(
            op.alias,
            op.username,
            datetime.fromisoformat(op.start),
            datetime.fromisoformat(op.end),
        )
        self.og.create_override(op.schedule_id or self._schedule(op.schedule), override)

    def _delete_override(self, op: ops.DeleteOverride) -> None:
        self.og.delete_override(op.schedule_id, op.alias)

    def _create_rotation(self, op: ops.CreateRotation) -> None:
        schedule_id = op.schedule_id or self._schedule(op.schedule)
        self.og.create_rotation(schedule_id, _rotation("", op.rotation))

    def _update_rotation(self, op: ops.UpdateRotation) -> None:
        self.og.update_rotation(op.schedule_id, _rotation(op.rotation_id, op.rotation))

    def _replace_rotation(self, op: ops.ReplaceRotation) -> None:
        """Create the new rotation first, then delete the old: if the create fails (a 422, a 5xx
        or a timeout, none retried for a write) the schedule still pages someone."""
        self.og.create_rotation(op.schedule_id, _rotation("", op.rotation))
        self.og.delete_rotation(op.schedule_id, op.rotation_id)

    def _delete_rotation(self, op: ops.DeleteRotation) -> None:
        self.og.delete_rotation(op.schedule_id, op.rotation_id)

    def _create_escalation(self, op: ops.CreateEscalation) -> None:
        self.og.create_escalation(
            op.name, op.description, self._team(op.team), [_rule(r) for r in op.rules]
        )

    def _update_escalation(self, op: ops.UpdateEscalation) -> None:
        rules = [_rule(r) for r in op.rules] if op.rules is not None else None
        self.og.update_escalation(
            op.escalation_id,
            description=op.description,
            rules=rules,
            owner_team_id=self._team(op.team) if op.team is not None else None,
        )

    def _delete_escalation(self, op: ops.DeleteEscalation) -> None:
        self.og.delete_escalation(op.escalation_id)

    def _create_routing_rule(self, op: ops.CreateRoutingRule) -> None:
        self.og.create_routing_rule(self._team(op.team), _routing("", op.rule))

    def _update_routing_rule(self, op: ops.UpdateRoutingRule) -> None:
        team_id = self._team(op.team)
        if op.rule is not None:
            self.og.update_routing_rule(team_id, _routing(op.rule_id, op.rule))
        if op.order is not None:
            self.og.order_routing_rule(team_id, op.rule_id, op.order)

    def _delete_routing_rule(self, op: ops.DeleteRoutingRule) -> None:
        self.og.delete_routing_rule(self._team(op.team), op.rule_id)

    def _replace_routing_rule(self, op: ops.ReplaceRoutingRule) -> None:
        """The new rule first (at the top), then the old one: alerts are always routed."""
        team_id = self._team(op.team)
        self.og.create_routing_rule(team_id, _routing("", op.rule))
        self.og.delete_routing_rule(team_id, op.rule_id)

    def _slack_channel(self, op: ops.SlackChannel) -> None:
        channel_id: str = op.channel_id or ""
        if op.create:
            channel_id = self.sl.create_channel(op.name).id  # the creator is a member
        elif op.join:
            self.sl.join(channel_id)
        if op.purpose is not None:
            self.sl.set_purpose(channel_id, op.purpose)

    def _slack_group(self, op: ops.SlackGroup) -> None:
        if op.create:
            group = self.sl.create_group(op.name or op.handle, op.handle, op.description or "")
            self.group_ids[op.handle] = group.id
            return
        if op.group_id and (op.name is not None or op.description is not None):
            self.sl.update_group(op.group_id, name=op.name, description=op.description)

    def _slack_group_members(self, op: ops.SlackGroupMembers) -> None:
        group_id = op.group_id or self.group_ids.get(op.handle)
        if group_id is None:
            raise ReconcileError(f"user group @{op.handle} does not exist in Slack")
        if op.disable:
            self.sl.disable_group(group_id)
            return
        if op.enable:
            self.sl.enable_group(group_id)
        self.sl.set_group_members(group_id, op.users)

    def _channel_duty(self, op: ops.ChannelDuty) -> str | None:
        if op.join:
            self.sl.join(op.channel_id)
        if op.invite:
            result = self.sl.invite(op.channel_id, op.invite)
            if result.failed:
                failed = ", ".join(f"{u} ({e})" for u, e in sorted(result.failed.items()))
                raise ReconcileError(f"#{op.channel}: Slack refused to invite {failed}")
        refused = []
        for user in op.kick:
            try:
                self.sl.kick(op.channel_id, user)
            except SlackError as exc:
                if exc.code not in KICK_REFUSALS:
                    raise
                who = (op.labels or {}).get(user, user)
                refused.append(f"{who} was not removed from #{op.channel}: {self._why(exc)}")
        # Not a failure of the run: the other duties and the post still happen, and the post
        # records the handoff, so the refused removal is not tried again at every sync.
        self.not_done += refused
        return "; ".join(refused) if refused else None

    def _why(self, exc: SlackError) -> str:
        if exc.code == "restricted_action":
            token = (
                "the SLACK_USER_TOKEN's user may not either"
                if self.sl.has_user_token
                else "set SLACK_USER_TOKEN to an admin's token (scope channels:write)"
            )
            return (
                "Slack refused (restricted_action): the workspace keeps members from removing "
                "people (Workspace settings > Permissions > Channel Management); allow it, or "
                + token
            )
        return f"Slack refused ({exc.code}): {exc.message}"

    def _handoff_post(self, op: ops.HandoffPost) -> str | None:
        """Post once per handoff, even when two runs (a schedule and a person) race.

        Read again just before posting: another run may have posted since the plan was made.
        After posting, read once more and keep only the earliest post for this handoff; a run
        whose post is not the earliest deletes its own. Every run sees its own post, and Slack
        orders posts by ts, so exactly one survives whoever reads first.
        """
        channel_id = op.channel_id
        if op.join:
            self.sl.join(channel_id)
        if self._handoff_posts(op):
            return "another run posted it meanwhile"
        text = op.text
        if self.not_done:
            text += "\n:warning: Not done: " + "; ".join(self.not_done)
        ts = self.sl.post_message(
            channel_id, text, event_type=op.event_type, event_payload=op.payload
        )
        earliest = min(self._handoff_posts(op), key=lambda m: float(m.ts), default=None)
        if earliest is not None and earliest.ts != ts:
            self.sl.delete_message(channel_id, ts)
            return "another run posted it first; this run's copy was removed"
        return None

    def _handoff_posts(self, op: ops.HandoffPost) -> list[live.Message]:
        me = self.sl.me()
        return [
            m
            for m in self.sl.history(op.channel_id, op.since)
            if me.user_id in (m.user,) or (me.bot_id and m.bot_id == me.bot_id)
            if m.event_type == op.event_type and m.event_payload == op.payload
        ]

    def _team(self, name: str) -> str:
        if name not in self.team_ids:
            raise ReconcileError(f"team {name!r} does not exist in OpsGenie")
        return self.team_ids[name]

    def _schedule(self, name: str) -> str:
        if name not in self.schedule_ids:
            raise ReconcileError(f"schedule {name!r} does not exist in OpsGenie")
        return self.schedule_ids[name]


def by_team(chat: list[Change]) -> list[Change]:
    """Slack's changes with the channels first (teams share them), then team by team: a team's
    group and then its members, so the two methods (each Tier 2, paced apart) alternate rather
    than every create waiting its turn before the first member is set."""
    channels = [c for c in chat if c.kind == "slack_channel"]
    rest = [c for c in chat if c.kind != "slack_channel"]
    forward = [c for c in rest if c.action != "delete"]
    backward = [c for c in rest if c.action == "delete"]
    forward.sort(key=lambda c: c.team)  # stable: the kind order within a team is kept
    return channels + forward + backward


def _past(action: str) -> str:
    return {
        "create": "created",
        "update": "updated",
        "adopt": "adopted",
        "replace": "replaced",
        "delete": "destroyed",
    }[action]


def _rotation(rotation_id: str, body: dict[str, Any]) -> live.ScheduleRotation:
    return live.ScheduleRotation(
        id=rotation_id,
        name=body["name"],
        type=body["type"],
        length=body["length"],
        start=datetime.fromisoformat(body["start"]),
        end=None,
        participants=tuple(
            live.Participant("none", None) if p == NOBODY else live.Participant("user", p)
            for p in body["participants"]
        ),
    )


def _rule(body: dict[str, Any]) -> live.EscalationRule:
    return live.EscalationRule(
        body["delay"],
        body["condition"],
        body["notify_type"],
        live.Recipient(body["recipient_type"], body["recipient"]),
    )


def _routing(rule_id: str, body: dict[str, Any]) -> live.RoutingRule:
    return live.RoutingRule(
        rule_id,
        body["name"],
        0,
        False,
        "match-all",
        body["notify_type"],
        body["notify_name"],
        None,
        body.get("time_zone"),
    )
