"""The sandbox's state: one JSON document, kept in a file so that `apply` then `plan` converge.

Writes are journaled (`<file>.journal`, one line each, appended at once) and the whole file is
written every 50 writes or second; loading replays the journal, so a killed process loses no
write and a large sandbox is not rewritten per write.

Shape (all of it plain JSON):
    meta:      schema version, the clock ("now": ISO instant, or null for real time), counters
    opsgenie:  api_key, key_rights, users, contacts, notification_rules, teams, schedules
               (with rotations), overrides, escalations, routing_rules (by team id)
    slack:     team_id, bot (user id, token), user_token, scopes, plan, permissions, users,
               channels (with members), usergroups, messages
    faults:    fault-injection rules and their seed; rate_limits: on or off
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcileError
from reconciler.files import read_bounded

VERSION = 1
MAX_BYTES = 512 * 1024 * 1024  # a 1,000-team benchmark sandbox is tens of MB
BATCH = 50  # writes journaled between two saves of the whole file
BATCH_SECONDS = 1.0  # ... or this long, whichever comes first


class SandboxState:
    """The document and the lock that serialises every request touching it."""

    def __init__(self, data: dict[str, Any], path: Path | None = None) -> None:
        self.data = data
        self.path = path
        self.lock = threading.RLock()
        self._pending = 0
        self._saved_at = time.monotonic()
        self._stamp = self._file_stamp()

    # -- files -----------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> SandboxState:
        if not path.exists() and not path.is_symlink():
            raise ReconcileError(
                f"no sandbox at {path}: create one with `reconcile sandbox init {path}`"
            )
        raw = read_bounded(path, MAX_BYTES, "sandbox")
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise ReconcileError(f"cannot read the sandbox {path}: not JSON ({exc})") from None
        meta = data.get("meta") if isinstance(data, dict) else None
        if (
            not isinstance(meta, dict)
            or meta.get("version") != VERSION
            or not all(isinstance(data.get(k), dict) for k in ("opsgenie", "slack"))
        ):
            raise ReconcileError(f"{path} is not a reconcile sandbox (version {VERSION})")
        state = cls(data, path)
        journal = state.journal_path
        if journal is not None and journal.exists() and journal.stat().st_size:
            from reconciler.sandbox.emulator import replay  # the handlers live there

            lines = journal.read_text("utf-8").splitlines()
            replay(state, [json.loads(line) for line in lines if line.strip()])
        return state

    @property
    def journal_path(self) -> Path | None:
        """The writes made since the file was last saved, one JSON line each, in order."""
        return self.path.with_name(self.path.name + ".journal") if self.path else None

    def record(self, entry: dict[str, Any]) -> None:
        """A write, journaled at once (appended: a killed process loses none) and saved with
        the whole file in batches, not the file rewritten per write."""
        journal = self.journal_path
        if journal is None:
            return
        line = (json.dumps(entry, separators=(",", ":")) + "\n").encode("utf-8")
        fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        self._pending += 1
        if self._pending >= BATCH or time.monotonic() - self._saved_at >= BATCH_SECONDS:
            self.save()
        else:
            self._stamp = self._file_stamp()  # our own journal line is not news

    def save(self) -> None:
        """Atomically: a reader never sees half a file."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sandbox-", suffix=".json")
        # Compact: the C encoder, four times faster than an indented dump, which matters once a
        # rehearsal has posted thousands of messages (`python -m json.tool` pretty-prints it).
        text = json.dumps(self.data, separators=(",", ":"))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text + "\n")
        os.replace(tmp, self.path)
        journal = self.journal_path
        if journal is not None and journal.exists():
            journal.unlink()  # every journaled write is in the file now
        self._pending, self._saved_at = 0, time.monotonic()
        self._stamp = self._file_stamp()

    def refresh(self) -> None:
        """Pick up changes another process made to the file (a `clock set`, a reset)."""
        if self.path is not None and self._file_stamp() != self._stamp:
            fresh = SandboxState.load(self.path)
            self.data, self._stamp = fresh.data, fresh._stamp

    def _file_stamp(self) -> tuple[int, int, int] | None:
        """The file's, and the journal's length: another process's journaled write is news."""
        if self.path is None or not self.path.exists():
            return None
        st = self.path.stat()
        journal = self.journal_path
        written = journal.stat().st_size if journal is not None and journal.exists() else 0
        return st.st_mtime_ns, st.st_size, written

    def snapshot(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)

    # -- the clock -------------------------------------------------------------------------------

    def now(self) -> datetime:
        text = self.data["meta"].get("now")
        if not text:
            return datetime.now(UTC)
        return datetime.fromisoformat(text).astimezone(UTC)

    def set_now(self, when: datetime | None) -> None:
        self.data["meta"]["now"] = when.astimezone(UTC).isoformat() if when else None

    def advance(self, by: timedelta) -> datetime:
        when = self.now() + by
        self.set_now(when)
        return when

    # -- ids -------------------------------------------------------------------------------------

    def next_number(self, kind: str) -> int:
        counters = self.data["meta"].setdefault("counters", {})
        counters[kind] = counters.get(kind, 0) + 1
        return int(counters[kind])

    def opsgenie_id(self, kind: str) -> str:
        """A UUID, as OpsGenie's ids are, but reproducible from the counter."""
        return str(
            uuid.uuid5(uuid.NAMESPACE_URL, f"reconcile-sandbox/{kind}/{self.next_number(kind)}")
        )

    def slack_id(self, prefix: str) -> str:
        """U/C/S plus ten upper-case characters, as Slack's ids look."""
        number = self.next_number(f"slack-{prefix}")
        return f"{prefix}0{number:09X}"

    @staticmethod
    def request_id() -> str:
        return str(uuid.uuid4())
