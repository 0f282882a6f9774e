"""Renderers of the one Plan: terminal text, Markdown for a pull request, versioned JSON."""

from __future__ import annotations

from reconciler.plan.changes import Plan


def render(plan: Plan, fmt: str, *, colour: bool = False, title: str = "plan") -> str:
    if fmt == "json":
        from reconciler.render.json import render_json

        return render_json(plan)
    if fmt == "markdown":
        from reconciler.render.markdown import render_markdown

        return render_markdown(plan, title=title)
    from reconciler.render.text import render_text

    return render_text(plan, colour=colour)
