"""Slack: the declared channels (existence, purpose, the bot's membership) and the on-call
group (existence, name, description, enabled). Slack objects are managed because the policy
names them; reconcile never archives a channel or disables a group it was not told to."""

from __future__ import annotations

from reconciler.plan import operations as ops
from reconciler.plan.changes import Change, FieldChange
from reconciler.plan.desired import DesiredChannel, DesiredTeam
from reconciler.plan.objects import Target, diff_object
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
    subject = Target(VENDOR, "slack_channel", name, team.name)
    if have is None:
        fields = [FieldChange("exists", False, True)]
        if purpose:
            fields.append(FieldChange("purpose", None, purpose))
        return subject.change(
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
        return subject.change(
            "update",
            "declared, but archived",
            (FieldChange("archived", True, False),),
            blocked="the channel is archived; a person with rights must unarchive it (Slack "
            "does not let bot tokens unarchive)",
            operation=ops.SlackChannel(name=want.name, channel_id=have.id),
        )
    needs_bot = want.on_call != "none" or purpose is not None
    join = needs_bot and not have.bot_is_member

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert have is not None
        blocked = None
        notes: tuple[str, ...] = ()
        if join and have.is_private:
            blocked = (
                "private channel the bot is not in: a member must invite the bot (/invite @bot)"
            )
        elif join:
            notes = ("the bot joins so it can keep the purpose and the on-call's membership",)
        changed = {f.field for f in fields}
        return subject.change(
            "update",
            "differs from the policy",
            fields,
            notes=notes,
            blocked=blocked,
            operation=ops.SlackChannel(
                name=want.name,
                channel_id=have.id,
                join=join,
                purpose=purpose if "purpose" in changed else None,
            ),
        )

    # Slack objects are ours because the policy names them: no ownership marker to check.
    return diff_object(
        subject,
        exists=True,  # a missing or archived channel was handled above
        before=lambda: {
            "bot_is_member": have.bot_is_member or not needs_bot,
            "purpose": have.purpose,
        },
        after={"bot_is_member": True, "purpose": purpose if purpose is not None else have.purpose},
        create=lambda: subject.no_op(),
        update=update,
    )


def _group(team: DesiredTeam, state: LiveState) -> Change:
    want = team.group
    assert want is not None
    name = f"@{want.handle}"
    skip = team.unmanaged_fields.get(f"slack_user_group:{want.handle}", frozenset())
    have = state.groups.get(want.handle)
    subject = Target(VENDOR, "slack_user_group", name, team.name)
    description = None if "description" in skip else want.description
    if have is None:
        clash = next((g for g in state.groups.values() if g.name == want.name), None)
        return subject.change(
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
        return subject.change(
            "create",
            "declared",
            blocked=f"@{want.handle} is a group Slack manages itself",
        )

    def update(fields: tuple[FieldChange, ...]) -> Change:
        assert have is not None
        changed = {f.field: f.after for f in fields}
        return subject.change(
            "update",
            "differs from the policy",
            fields,
            operation=ops.SlackGroup(
                handle=want.handle,
                group_id=have.id,
                name=changed.get("name"),
                description=changed.get("description"),
            ),
        )

    # Enabled follows who is on call (lifecycle.py); the rest is as declared.
    return diff_object(
        subject,
        exists=True,  # a missing group was handled above
        before=lambda: {"name": have.name, "description": have.description},
        after={
            "name": want.name,
            "description": description if description is not None else have.description,
        },
        skip=frozenset({"name"}) & skip,
        create=lambda: subject.no_op(),
        update=update,
    )
