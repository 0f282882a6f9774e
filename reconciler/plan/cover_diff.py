"""Cover: the policy's time off and swaps against the overrides the on-call backend holds.

Each turn a cover entry makes is an override reconcile owns: found again by its content (who,
from, to), and on OpsGenie by its alias too, so re-planning is a no-op. A turn over by now is
never made again. An override of ours that no entry asks for any more, and is not over, is
deleted; an override somebody made by hand is listed as unmanaged and left alone. Turns follow
the rotation as apply will leave it (re-anchored at the current shift), and the plan shows each
one as the handoffs it changes, local time and UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler import live
from reconciler.plan import operations as ops
from reconciler.plan.anchoring import as_rotation, target
from reconciler.plan.changes import Change, FieldChange, Unmanaged
from reconciler.plan.desired import DesiredTeam
from reconciler.plan.objects import Target
from reconciler.plan.observe import LiveState
from reconciler.timing.cover import ALIAS_PREFIX, Turn, cover_turns
from reconciler.timing.rotation import Rotation

VENDOR = "opsgenie"


def when(at: datetime, rotation: Rotation) -> str:
    local = at.astimezone(rotation.zone)
    return f"{local:%a %Y-%m-%d %H:%M %Z} ({at.astimezone(UTC):%H:%M} UTC)"


def planned_rotation(team: DesiredTeam, state: LiveState, now: datetime) -> Rotation:
    """The engineer rotation as apply leaves it: whose shifts are when, for the turns."""
    want = team.schedules[0]
    have = state.schedules.get(want.name.lower())
    ours = [r for r in have.rotations if r.name == want.rotation.name] if have else []
    current = as_rotation(ours[0], have.time_zone) if have and ours else None
    return target(want.rotation, current, now)


def _same(a: live.Override, turn: Turn, alias: str) -> bool:
    return a.alias == alias or (
        a.username == turn.person and a.start == turn.start and a.end == turn.end
    )


def diff_cover(
    team: DesiredTeam, state: LiveState, now: datetime
) -> tuple[list[Change], list[Unmanaged]]:
    want = team.schedules[0]
    rotation = planned_rotation(team, state, now)
    turns = [t for t in cover_turns(team.policy.cover, rotation) if t.end > now]
    have = state.schedules.get(want.name.lower())
    held = state.overrides.get(want.name.lower(), [])
    changes: list[Change] = []
    matched: set[str] = set()
    for turn in turns:
        alias = turn.alias(team.name)
        found = next((o for o in held if _same(o, turn, alias)), None)
        name = f"{want.name}/{turn.entry} from {turn.start.astimezone(rotation.zone):%Y-%m-%d}"
        subject = Target(VENDOR, "override", name, team.name)
        if found is not None:
            matched.add(found.alias)
            changes.append(subject.no_op())
            continue
        changes.append(
            subject.change(
                "create",
                f"cover: {turn.reason}",
                (
                    FieldChange("on call", turn.replaces, turn.person),
                    FieldChange("from", None, turn.start.isoformat()),
                    FieldChange("to", None, turn.end.isoformat()),
                ),
                notes=(
                    f"{when(turn.start, rotation)}  {turn.replaces} -> {turn.person} "
                    f"(cover: {turn.reason})",
                    f"{when(turn.end, rotation)}  {turn.person} -> back to the rotation",
                ),
                operation=ops.CreateOverride(
                    schedule=want.name,
                    schedule_id=have.id if have else None,
                    alias=alias,
                    username=turn.person,
                    start=turn.start.isoformat(),
                    end=turn.end.isoformat(),
                ),
            )
        )
    unmanaged = []
    for override in held:
        if override.alias in matched or override.end <= now:
            continue
        start, end = when(override.start, rotation), when(override.end, rotation)
        span = f"{override.username} {start} to {end}"
        if override.alias.startswith(ALIAS_PREFIX) and have is not None:
            subject = Target(VENDOR, "override", f"{want.name}/{override.alias}", team.name)
            changes.append(
                subject.change(
                    "delete",
                    "no cover entry asks for it any more",
                    (FieldChange("on call", override.username, None),),
                    notes=(span,),
                    operation=ops.DeleteOverride(
                        schedule=want.name, schedule_id=have.id, alias=override.alias
                    ),
                )
            )
        else:
            unmanaged.append(Unmanaged(VENDOR, "override", f"{want.name}: {span}", "made by hand"))
    return changes, unmanaged
