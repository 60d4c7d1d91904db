"""Domain exceptions. One handler in ``app.main`` renders them as RFC 9457 problem+json."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://nrtd.dev/problems/"


class DomainError(Exception):
    status = 400
    problem = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @property
    def type_uri(self) -> str:
        return PROBLEM_BASE + self.problem


class NotFound(DomainError):
    status = 404
    problem = "not-found"
    title = "Not found"


class InvalidInput(DomainError):
    status = 422
    problem = "validation-error"
    title = "Invalid input"


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
