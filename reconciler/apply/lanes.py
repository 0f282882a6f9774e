"""Two lanes of one apply: the on-call backend's changes and Slack's, at the same time.

Slack's writes wait on its tiers (usergroups.create, 20 a minute); the on-call backend's need
not wait behind them. Nothing in a plan's Slack part depends on its on-call part (a new team's
group is set from the rotation the same apply makes), so a failure stops only its own lane, and
the lanes share only Ctrl-C, which stops both before their next change. Lines come out in one order
whatever the timing: the on-call lane's as they happen, the Slack lane's held until the on-call
lane is done, then as they happen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reconciler.apply.executor import Applier, Outcome
    from reconciler.plan.changes import Change


class _Held:
    """The Slack lane's report: held until the on-call lane is done, then passed through."""

    def __init__(self, report: object) -> None:
        self._report = report
        self._lock = threading.Lock()
        self._held: list[str] = []
        self._open = False

    def __call__(self, line: str) -> None:
        with self._lock:
            if not self._open:
                self._held.append(line)
                return
        self._report(line)  # type: ignore[operator]

    def open(self) -> None:
        with self._lock:
            held, self._held, self._open = self._held, [], True
        for line in held:
            self._report(line)  # type: ignore[operator]


def run_lanes(
    applier: Applier,
    oncall: list[Change],
    chat: list[Change],
    outcome: Outcome,
    on_call_done: Callable[[], None] | None = None,
) -> Outcome:
    from reconciler.apply.executor import Outcome

    stop = threading.Event()
    chat_outcome = Outcome(not_done=outcome.not_done)
    held = _Held(applier.report)
    worker = threading.Thread(
        target=applier.lane, args=(chat, chat_outcome, held, stop), name="slack-lane"
    )
    worker.start()
    try:
        applier.lane(oncall, outcome, applier.report, stop)
        if outcome.failed is None and on_call_done is not None:
            on_call_done()
        held.open()
        worker.join()
    except KeyboardInterrupt:  # while waiting for the Slack lane: stop it, and say so
        stop.set()
        held.open()
        worker.join()
        outcome.interrupted = True
        if outcome.failed is None and chat_outcome.failed is None:
            outcome.error = "interrupted (Ctrl-C)"
    outcome.done += chat_outcome.done
    outcome.skipped += chat_outcome.skipped
    if outcome.failed is None:
        outcome.failed, outcome.error = chat_outcome.failed, chat_outcome.error
        outcome.interrupted = outcome.interrupted or chat_outcome.interrupted
    elif chat_outcome.failed is not None:
        outcome.error = f"{outcome.error}; and {chat_outcome.failed.name}: {chat_outcome.error}"
    return outcome
