"""Slack: the declared channels (existence, purpose, the bot's membership) and the on-call
group (existence, name, description, enabled). Slack objects are managed because the policy
names them; reconcile never archives a channel or disables a group it was not told to."""

from __future__ import annotations

from reconciler.plan import operations as ops
from reconciler.plan.desired import DesiredChannel, DesiredTeam
from reconciler.plan.model import Change, FieldChange
from reconciler.plan.observe import LiveState

VENDOR = "slack"


def diff_slack(team: DesiredTeam, state: LiveState) -> list[Change]:
    changes = [_channel(team, c, state) for c in team.channels]
    if team.group is not None:
        changes.append(_group(team, state))
    return changes


def _channel(team: DesiredTeam, want: DesiredChannel, state: LiveState) -> Change:
    name = f"#{want.name}"
    skip = team.unmanaged_fields.get(f"slack_channel:{want.name}", frozenset())
    purpose = None if "purpose" in skip else want.purpose
    have = state.channels.get(want.name)
    if have is None:
        fields = [FieldChange("exists", False, True)]
        if purpose:
            fields.append(FieldChange("purpose", None, purpose))
        return Change(
            VENDOR,
            "slack_channel",
            name,
            team.name,
            "create",
            "declared, not in Slack",
            tuple(fields),
            notes=(
                "if a private channel has this name, the bot cannot see it: invite the bot "
                "to it instead",
            ),
            operation=ops.SlackChannel(name=want.name, create=True, join=False, purpose=purpose),
        )
    if have.is_archived:
        return Change(
            VENDOR,
            "slack_channel",
            name,
            team.name,
            "update",
            "declared, but archived",
            (FieldChange("archived", True, False),),
            blocked="the channel is archived; a person with rights must unarchive it (Slack "
            "does not let bot tokens unarchive)",
            operation=ops.SlackChannel(name=want.name, channel_id=have.id),
        )
    fields = []
    needs_bot = want.on_call != "none" or purpose is not None
    join = needs_bot and not have.bot_is_member
    if join:
        fields.append(FieldChange("bot_is_member", False, True))
    if purpose is not None and have.purpose != purpose:
        fields.append(FieldChange("purpose", have.purpose, purpose))
    if not fields:
        return Change(VENDOR, "slack_channel", name, team.name, "no-op", "as declared")
    blocked = None
    notes: tuple[str, ...] = ()
    if join and have.is_private:
        blocked = "private channel the bot is not in: a member must invite the bot (/invite @bot)"
    elif join:
        notes = ("the bot joins so it can keep the purpose and the on-call's membership",)
    return Change(
        VENDOR,
        "slack_channel",
        name,
        team.name,
        "update",
        "differs from the policy",
        tuple(fields),
        notes=notes,
        blocked=blocked,
        operation=ops.SlackChannel(
            name=want.name,
            channel_id=have.id,
            create=False,
            join=join,
            purpose=purpose if purpose is not None and have.purpose != purpose else None,
        ),
    )


def _group(team: DesiredTeam, state: LiveState) -> Change:
    want = team.group
    assert want is not None
    name = f"@{want.handle}"
    skip = team.unmanaged_fields.get(f"slack_user_group:{want.handle}", frozenset())
    have = state.groups.get(want.handle)
    description = None if "description" in skip else want.description
    if have is None:
        clash = next((g for g in state.groups.values() if g.name == want.name), None)
        return Change(
            VENDOR,
            "slack_user_group",
            name,
            team.name,
            "create",
            "declared, not in Slack",
            (FieldChange("name", None, want.name), FieldChange("description", None, description)),
            notes=("a new group starts empty; `reconcile sync` puts whoever is on call in it",),
            blocked=(
                f"a user group named {want.name!r} already exists (@{clash.handle}); "
                "Slack needs group names to be unique"
            )
            if clash
            else None,
            operation=ops.SlackGroup(
                handle=want.handle, create=True, name=want.name, description=description or ""
            ),
        )
    if have.auto_type:
        return Change(
            VENDOR,
            "slack_user_group",
            name,
            team.name,
            "create",
            "declared",
            blocked=f"@{want.handle} is a group Slack manages itself",
        )
    fields = []  # enabled follows who is on call: see lifecycle.py
    if "name" not in skip and have.name != want.name:
        fields.append(FieldChange("name", have.name, want.name))
    if description is not None and have.description != description:
        fields.append(FieldChange("description", have.description, description))
    if not fields:
        return Change(VENDOR, "slack_user_group", name, team.name, "no-op", "as declared")
    changed = {f.field: f.after for f in fields}
    op = ops.SlackGroup(
        handle=want.handle,
        group_id=have.id,
        name=changed.get("name"),
        description=changed.get("description"),
    )
    return Change(
        VENDOR,
        "slack_user_group",
        name,
        team.name,
        "update",
        "differs from the policy",
        tuple(fields),
        operation=op,
    )
