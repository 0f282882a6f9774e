"""The plan for a terminal: Terraform's symbols, unchanged fields hidden, colour only on a TTY."""

from __future__ import annotations

from reconciler.plan.changes import Change, OnCallImpact, Plan
from reconciler.render.common import (
    by_team,
    headline,
    list_delta,
    mismatch_line,
    mismatch_title,
    readiness_line,
    summary,
    value,
    when,
)

COLOURS = {"+": "32", "~": "33", "-": "31", "-/+": "35", "!": "31;1"}
UNMANAGED_SHOWN = 8


def _paint(text: str, symbol: str, colour: bool) -> str:
    return f"\033[{COLOURS[symbol]}m{text}\033[0m" if colour and symbol in COLOURS else text


def render_text(plan: Plan, *, colour: bool = False) -> str:
    lines: list[str] = []
    if not plan.empty:
        lines.append("reconcile will perform the following actions:")
    impacts = {i.rotation: i for i in plan.impacts}
    for team, changes in by_team(plan).items():
        lines += ["", f"Team {team}:"]
        for change in changes:
            lines += _change(change, impacts, colour, plan.oncall)
    if plan.unmanaged:
        names = ", ".join(f"{u.kind} {u.name}" for u in plan.unmanaged[:UNMANAGED_SHOWN])
        more = len(plan.unmanaged) - UNMANAGED_SHOWN
        lines += [
            "",
            f"Unmanaged, left alone ({len(plan.unmanaged)}): {names}"
            + (f", and {more} more" if more > 0 else ""),
        ]
    for warning in plan.warnings:
        lines += [f"Warning: {warning}"]
    if plan.readiness:
        lines += ["", f"Readiness (can {plan.oncall} page them, can Slack reach them):"]
        lines += [
            _paint(f"  {readiness_line(r)}", "!" if r.severity == "error" else "~", colour)
            for r in plan.readiness
        ]
    if plan.mismatches:
        lines += ["", f"{mismatch_title(plan)}:"]
        lines += [
            _paint(f"  {mismatch_line(m)}", "!" if m.severity == "error" else "~", colour)
            for m in plan.mismatches
        ]
    lines += ["", _paint(summary(plan), "!" if plan.blocked else "+", colour and not plan.empty)]
    return "\n".join(lines).lstrip("\n") + "\n"


def _change(
    change: Change, impacts: dict[str, OnCallImpact], colour: bool, oncall: str = "OpsGenie"
) -> list[str]:
    symbol = change.symbol
    lines = [
        "",
        f"  # {headline(change, oncall)}: {change.reason}",
        _paint(f"  {symbol} {change.kind} {change.name}", symbol, colour),
    ]
    for field in change.fields:
        delta = list_delta(field.before, field.after) if change.action == "update" else None
        if delta is not None:
            gone, come = delta
            lines.append(f"      ~ {field.field}:")
            lines += [_paint(f"          - {x}", "-", colour) for x in gone]
            lines += [_paint(f"          + {x}", "+", colour) for x in come]
        elif change.action == "create" or field.before is None:
            text = value(field.after).replace("\n", "\n          ")  # keep long posts indented
            lines.append(f"      + {field.field}: {text}")
        else:
            lines.append(f"      ~ {field.field}: {value(field.before)} -> {value(field.after)}")
    for note in change.notes:
        lines.append(f"      note: {note}")
    if change.blocked:
        lines.append(_paint(f"      ! blocked: {change.blocked}", "!", colour))
    if change.kind == "rotation" and change.name in impacts:
        lines += _impact(impacts[change.name])
    return lines


def _impact(impact: OnCallImpact) -> list[str]:
    now = (
        f"{impact.now_after} (unchanged)"
        if impact.now_unchanged
        else f"{impact.now_before} -> {impact.now_after}"
    )
    lines = [f"      on call now: {now}", "      next handoffs:"]
    if impact.next_before:
        for before, after in zip(impact.next_before, impact.next_after, strict=False):
            change = "" if before.person == after.person else f"  (was {before.person})"
            lines.append(f"        {when(after)}  {after.person}{change}")
    else:
        lines += [f"        {when(h)}  {h.person}" for h in impact.next_after]
    return lines
