"""Escalation timing: acknowledgement windows become OpsGenie rule delays (pure).

OpsGenie measures every rule's delay from when the alert was created, not from the previous rule.
A chain "EOC acknowledges within 10m, then the TM within 5m" therefore becomes rules at 0 and 10,
and a final step at 15.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.policy.model import Escalation
from reconciler.policy.types import Duration


@dataclass(frozen=True)
class TimedStep:
    page: str  # engineer_on_call, technical_manager, team_admins, all_team_members
    delay: Duration  # from alert creation
    acknowledge_within: Duration | None  # None for the final step


def timed_steps(escalation: Escalation) -> list[TimedStep]:
    steps, elapsed = [], Duration(0)
    for step in escalation.steps:
        steps.append(TimedStep(step.page, elapsed, step.acknowledge_within))
        elapsed = elapsed + step.acknowledge_within
    if escalation.final_step is not None:
        steps.append(TimedStep(escalation.final_step.page, elapsed, None))
    return steps


def chain_total(escalation: Escalation) -> Duration:
    return sum((s.acknowledge_within for s in escalation.steps), Duration(0))


def fits_target(escalation: Escalation) -> bool:
    return chain_total(escalation) <= escalation.initial_response_target


def arithmetic(escalation: Escalation) -> str:
    """The check, written out: `10m + 5m = 15m <= 20m`."""
    windows = [str(s.acknowledge_within) for s in escalation.steps]
    text = " + ".join(windows)
    if len(windows) > 1:
        text += f" = {_plain(chain_total(escalation))}"
    relation = "<=" if fits_target(escalation) else ">"
    return f"{text} {relation} {escalation.initial_response_target}"


def _plain(duration: Duration) -> str:
    return str(Duration(duration.minutes))
