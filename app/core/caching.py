"""Cacheable public responses: a strong ETag of the body, Cache-Control, and 304 on If-None-Match."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

CACHE_CONTROL = "public, max-age=60"
# A public answer depends on the credentials where the access mode asks for them (NRTD_PUBLIC_ACCESS=key):
# a shared cache keeps one copy per credential, and never gives a key holder's copy to anyone else.
PUBLIC_VARY = "Authorization, X-API-Key"


def body_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def data_etag(*parts: str) -> str:
    """A weak ETag of what an answer is made from (the data version, the query...), known before the
    answer is built, so that a revalidation costs no building: two builds may differ in bytes (a
    workbook's creation time, a report's "generated at"), not in what they say."""
    return 'W/"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names ``tag`` (weakly compared, as RFC 9110 asks: ``W/"x"``
    and ``"x"`` match, whichever of the two is weak) or is ``*``."""
    held = if_none_match or ""
    opaque = tag.removeprefix("W/")
    return opaque in [value.strip().removeprefix("W/") for value in held.split(",")] or held.strip() == "*"


def cached_response(
    request: Request,
    body: bytes,
    media_type: str,
    headers: dict[str, str] | None = None,
    tag: str | None = None,
) -> Response:
    """The body with its ETag (``tag``, else the body's own), or an empty 304 when the client already
    holds this version."""
    common = public_cache_headers(tag or body_etag(body), headers)
    if etag_matches(request.headers.get("if-none-match"), common["ETag"]):
        return Response(status_code=304, headers=common)
    return Response(content=body, media_type=media_type, headers=common)


def public_cache_headers(tag: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "ETag": tag,
        "Cache-Control": CACHE_CONTROL,
        "Vary": PUBLIC_VARY,
        **(headers or {}),
    }


def not_modified(request: Request, tag: str) -> Response | None:
    """The 304 of a public answer whose ``data_etag`` the client holds, before anything is built."""
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=public_cache_headers(tag))
    return None
