"""Optimistic concurrency: a resource's version as an ETag, and the If-Match check on writes."""

from __future__ import annotations

from app.core.errors import PreconditionFailed, PreconditionRequired


def etag(version: int | str) -> str:
    return f'"{version}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """Refuse a write unless ``If-Match`` names the current ETag (428 when absent, 412 when stale).

    ``*`` matches any current version. A weak tag (``W/"3"``) counts as its strong self: proxies
    weaken tags they compress, and the version is the same.
    """
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "this write needs an If-Match header with the ETag from your last read",
            errors=[{"field": "If-Match", "reason": "missing"}],
        )
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed(
        f"the resource changed since you read it (current ETag {current}); read it again and retry",
        errors=[{"field": "If-Match", "reason": f"stale: current ETag is {current}"}],
    )
