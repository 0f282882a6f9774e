"""One error hierarchy for both vendors, carrying the vendor's own message and request id."""

from __future__ import annotations

from reconciler.clients.secrets import scrub
from reconciler.errors import ReconcileError


class ApiError(ReconcileError):
    """A request the vendor refused or we could not complete."""

    def __init__(
        self,
        vendor: str,
        operation: str,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        code: str | None = None,
        hint: str | None = None,
        details: dict[str, object] | None = None,
    ) -> None:
        self.vendor = vendor
        self.details = details or {}  # structured parts of the answer, e.g. per-user errors
        self.operation = operation
        self.status = status
        self.request_id = request_id
        self.code = code
        self.message = scrub(message)
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        parts = [f"{self.vendor}: {self.operation} failed"]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code:
            parts.append(self.code)
        text = ": ".join(parts) + f": {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if self.request_id:
            text += f" [request id {self.request_id}]"
        return scrub(text)


class AuthError(ApiError):
    """Bad credentials, or credentials without a permission or scope the request needs."""


class NotFound(ApiError):
    pass


class Conflict(ApiError):
    """409: a name or id clashes with another object."""


class StillReferenced(ApiError):
    """428: the object is used by another and cannot be deleted first."""


class Unprocessable(ApiError):
    """422 (OpsGenie) or a Slack argument error: the request itself is wrong."""


class RateLimited(ApiError):
    """429 kept coming after waiting as told."""


class ServerError(ApiError):
    """5xx after every retry."""


class TransportError(ApiError):
    """Connection failures or timeouts after every retry."""


class SlackError(ApiError):
    """Slack answered ok:false."""


class IncompleteRead(ApiError):
    """A listing ended without reaching its last page: never read as 'absent'."""


class WriteNotAllowed(ReconcileError):
    """A write reached a read-only client: a bug, refused before anything was sent."""
