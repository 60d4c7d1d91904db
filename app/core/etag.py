"""Optimistic concurrency: a resource's version as an ETag, and the If-Match check on writes."""

from __future__ import annotations

import re
from typing import Any

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.core.errors import PreconditionFailed, PreconditionRequired

# An entity tag as RFC 9110 writes it: optionally weak, then a quoted string without quotes inside.
_ENTITY_TAG = re.compile(r'(W/)?"[^"]*"')

# OpenAPI entries for the routes that send a version (``responses=`` of the route decorator), so that
# a generated client can read the ETag, and after a create the new resource's URL.
ETAG_HEADER: dict[str, Any] = {
    "ETag": {"description": "The version, for If-Match", "schema": {"type": "string"}}
}
LOCATION_HEADER: dict[str, Any] = {
    "Location": {"description": "Path of the created resource", "schema": {"type": "string"}}
}
VERSIONED: dict[int | str, dict[str, Any]] = {200: {"headers": ETAG_HEADER}}
# A read of a versioned resource: 304 (no body) to an If-None-Match naming its ETag (app.core.conditional).
READ_VERSIONED: dict[int | str, dict[str, Any]] = {
    **VERSIONED,
    304: {"description": "Not modified: the If-None-Match ETag is current", "headers": ETAG_HEADER},
}
CREATED: dict[int | str, dict[str, Any]] = {201: {"headers": {**ETAG_HEADER, **LOCATION_HEADER}}}


def etag(version: int | str) -> str:
    return f'"{version}"'


def _required(reason: str, detail: str) -> PreconditionRequired:
    return PreconditionRequired(detail, errors=[{"field": "If-Match", "reason": reason}])


def check_if_match(if_match: str | None, current: str) -> None:
    """Refuse a write unless ``If-Match`` names the current ETag (428 when absent, 412 when stale).

    The header must name the version the client read: ``*`` would let a client overwrite a
    change it never saw, so it is refused like a missing header (428), and so is a value that is
    not an entity tag at all. A weak tag (``W/"3"``) only says two versions are equivalent, not
    identical; RFC 9110 compares If-Match strongly, so it never matches (412).
    """
    if if_match is None or not if_match.strip():
        raise _required("missing", "this write needs an If-Match header with the ETag from your last read")
    tags = [tag.strip() for tag in if_match.split(",")]
    if "*" in tags:
        raise _required(
            "* is not a version",
            "If-Match: * is refused: send the ETag from your last read, so that a change made "
            "since then is not overwritten",
        )
    malformed = [tag for tag in tags if not _ENTITY_TAG.fullmatch(tag)]
    if malformed:
        raise _required(
            f"not an ETag: {malformed[0][:40]}",
            'If-Match must hold the ETag from your last read, quotes included (e.g. "3")',
        )
    if current in tags:
        return
    if any(tag.startswith("W/") for tag in tags):
        raise PreconditionFailed(
            f"a weak ETag cannot guard a write; send the strong ETag from your last read ({current})",
            errors=[
                {
                    "field": "If-Match",
                    "reason": Reason(_("weak ETag: current ETag is %(etag)s"), etag=current),
                }
            ],
        )
    raise PreconditionFailed(
        f"the resource changed since you read it (current ETag {current}); read it again and retry",
        errors=[{"field": "If-Match", "reason": Reason(_("stale: current ETag is %(etag)s"), etag=current)}],
    )
