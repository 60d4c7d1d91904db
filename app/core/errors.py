"""Domain exceptions. One handler in ``app.main`` renders them as RFC 9457 problem+json."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

PROBLEM_BASE = "https://nrtd.dev/problems/"


class DomainError(Exception):
    status = 400
    problem = "bad-request"
    title = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        persist: list[Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        # Rows written although the request fails (its own writes are rolled back): the audit
        # event of a refusal, a failed login.
        self.persist = persist or []


class NotFound(DomainError):
    status = 404
    problem = "not-found"
    title = "Not found"


class InvalidInput(DomainError):
    status = 422
    problem = "validation-error"
    title = "Invalid input"


class Refusals:
    """Checks of one request run one after the other, their refusals (``InvalidInput``, and the kinds
    given: a taken name's ``Conflict``) kept and raised together by ``raise_any``, as the first one's
    kind: a form learns every field that is wrong in one answer, not one per attempt."""

    def __init__(self, *kinds: type[DomainError]) -> None:
        self.kinds: tuple[type[DomainError], ...] = (InvalidInput, *kinds)
        self.refused: list[DomainError] = []

    def check(self, check: Callable[..., _T], *args: Any, **kwargs: Any) -> _T | None:
        """``check(*args, **kwargs)``'s result, or None when it refused (kept for ``raise_any``)."""
        try:
            return check(*args, **kwargs)
        except self.kinds as exc:
            self.refused.append(exc)
            return None

    def raise_any(self) -> None:
        if self.refused:
            raise type(self.refused[0])(
                "; ".join(exc.detail for exc in self.refused),
                errors=[error for exc in self.refused for error in exc.errors],
            )


class Conflict(DomainError):
    status = 409
    problem = "conflict"
    title = "Conflict"


class ImportLocked(DomainError):
    """Another import holds the import lock."""

    status = 409
    problem = "import-locked"
    title = "Another import is running"


class ImportFailed(DomainError):
    """The input as a whole is unusable; nothing was written."""

    status = 422
    problem = "import-failed"
    title = "Import failed"


class ContentTooLarge(DomainError):
    """A request body over the limit of its route, found while it is read (see body_limit.py)."""

    status = 413
    problem = "content-too-large"
    title = "Content too large"


class StorageUnavailable(DomainError):
    """The server could not write an uploaded file to its storage (full, read-only, not mounted);
    nothing was stored. The operator's to fix, not the client's: the log names the directory."""

    status = 507
    problem = "insufficient-storage"
    title = "Insufficient storage"


class Unauthorized(DomainError):
    status = 401
    problem = "unauthorized"
    title = "Authentication required"

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class TemporaryPasswordExpired(Unauthorized):
    """The password was right, but it was a temporary one set too long ago: an admin sets a new one."""


class Forbidden(DomainError):
    status = 403
    problem = "forbidden"
    title = "Forbidden"


class PreconditionFailed(DomainError):
    """The If-Match header names a version that is no longer current; nothing was written."""

    status = 412
    problem = "precondition-failed"
    title = "Precondition failed"


class PreconditionRequired(DomainError):
    status = 428
    problem = "precondition-required"
    title = "Precondition required"


class TooManyRequests(DomainError):
    status = 429
    problem = "too-many-requests"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": str(max(1, retry_after))})
        super().__init__(detail, **kwargs)


class ServiceBusy(DomainError):
    """The database could not take this write soon enough; nothing was written. Retry later."""

    status = 503
    problem = "busy"
    title = "Service busy"

    def __init__(self, detail: str, *, retry_after: int, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"Retry-After": str(max(1, retry_after))})
        super().__init__(detail, **kwargs)


class ImportRunning(ServiceBusy):
    """A write refused at once because an import holds the database's write lock (SQLite) for its run."""

    problem = "import-running"
    title = "An import is running"
