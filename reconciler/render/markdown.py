"""The plan as a pull-request comment: a section per team, details folded, under GitHub's limit."""

from __future__ import annotations

from reconciler.plan.changes import Change, Plan
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

LIMIT = 65_536  # GitHub refuses longer comments
MARKER = "<!-- reconcile-plan -->"  # lets CI find and update its own comment


def render_markdown(plan: Plan, *, title: str = "plan") -> str:
    head = [MARKER, f"## reconcile {title}", "", f"**{summary(plan)}**", "", ""]
    sections = [_team(team, changes, plan) for team, changes in by_team(plan).items()]
    tail = []
    if plan.unmanaged:
        tail += [f"<details><summary>Unmanaged, left alone ({len(plan.unmanaged)})</summary>", ""]
        tail += [f"- {u.vendor} {u.kind} `{u.name}`: {u.why}" for u in plan.unmanaged]
        tail += ["", "</details>", ""]
    tail += [f"> warning: {w}" for w in plan.warnings]
    if plan.readiness:
        tail += ["", "#### Readiness", ""]
        tail += [
            f"- {':x:' if r.severity == 'error' else ':warning:'} {readiness_line(r)}"
            for r in plan.readiness
        ]
    if plan.mismatches:
        tail += ["", f"#### {mismatch_title(plan)}", ""]
        tail += [
            f"- {':x:' if m.severity == 'error' else ':warning:'} {mismatch_line(m)}"
            for m in plan.mismatches
        ]
    fingerprint = plan.fingerprint()
    tail += ["", f"<sub>fingerprint {fingerprint} · made at {plan.now}</sub>", ""]
    text = "\n".join(head)
    footer = "\n".join(tail)
    for i, section in enumerate(sections):
        if len(text) + len(section) + len(footer) + 200 > LIMIT:
            left = len(sections) - i
            text += (
                f"\n_The plan was cut here to fit a comment: {left} more team(s). "
                "Run `reconcile plan` or see the JSON plan for all of it._\n"
            )
            break
        text += section
    return text + footer


def _team(team: str, changes: list[Change], plan: Plan) -> str:
    impacts = {i.rotation: i for i in plan.impacts if i.team == team}
    lines = [f"### {team}", "", "| | object | action | why |", "|---|---|---|---|"]
    for c in changes:
        flag = " **blocked**" if c.blocked else ""
        lines.append(f"| `{c.symbol}` | {c.kind} `{c.name}` | {c.action}{flag} | {c.reason} |")
    lines += ["", "<details><summary>Details</summary>", ""]
    for c in changes:
        lines.append(f"**{headline(c, plan.oncall)}**")
        lines.append("")
        lines.append("```diff")
        for f in c.fields:
            delta = list_delta(f.before, f.after) if c.action == "update" else None
            if delta is not None:
                lines += (
                    [f"  {f.field}:"] + [f"- {x}" for x in delta[0]] + [f"+ {x}" for x in delta[1]]
                )
            elif c.action == "create":
                lines.append(f"+ {f.field}: {value(f.after)}")
            else:
                lines += [f"- {f.field}: {value(f.before)}", f"+ {f.field}: {value(f.after)}"]
        lines.append("```")
        lines += [f"- note: {n}" for n in c.notes]
        if c.blocked:
            lines.append(f"- :no_entry: blocked: {c.blocked}")
        impact = impacts.get(c.name)
        if impact is not None:
            now = (
                f"{impact.now_after} (unchanged)"
                if impact.now_unchanged
                else f"{impact.now_before} → {impact.now_after}"
            )
            lines += [
                "",
                f"On call now: **{now}**",
                "",
                "| next handoff | on call | before |",
                "|---|---|---|",
            ]
            befores = list(impact.next_before) + [None] * len(impact.next_after)
            for after, before in zip(impact.next_after, befores, strict=False):
                was = before.person if before else ""
                lines.append(f"| {when(after)} | {after.person} | {was} |")
        lines.append("")
    lines += ["</details>", ""]
    return "\n".join(lines) + "\n"
