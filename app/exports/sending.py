"""Sending an export: the server's slots, the public rate-limit charge, the per-data-version cache
of the full public export and the streaming response that holds its slot while it is sent.

Every export holds a slot (limits.py) while it is sent and stops when its client goes away
(streaming.py); a public export costs ``NRTD_EXPORT_RATE_COST`` requests; the full public export is
served from a file kept per data version (cache.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request, Response
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from app.core.actor import Actor, Anonymous
from app.core.caching import CACHE_CONTROL, data_etag, etag_matches
from app.core.config import Settings
from app.core.deps import site_address
from app.core.downloads import content_disposition
from app.core.head import is_head
from app.core.publisher import Publisher
from app.core.ratelimit import STATE_KEY, RateLimiter
from app.exports import service
from app.exports.cache import CacheBuild, ExportCache, default_directory
from app.exports.limits import ExportSlot, ExportSlots
from app.exports.metadata import link_header
from app.exports.params import delimiter_of, list_params
from app.exports.service import ExportFile
from app.exports.streaming import ExportResponse
from app.recommendations.reading import data_version
from app.recommendations.schemas import RecommendationListParams

_SLOTS_LOCK = threading.Lock()


def _engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _slots(request: Request) -> ExportSlots:
    """The app's export slots, made on first use: they count for as long as the app serves."""
    state = request.app.state
    with _SLOTS_LOCK:
        slots: ExportSlots | None = getattr(state, "export_slots", None)
        if slots is None:
            settings = _settings(request)
            slots = ExportSlots(settings.export_concurrency, settings.export_concurrency_per_client)
            state.export_slots = slots
    return slots


def _publisher(request: Request) -> Publisher:
    return Publisher.of(_settings(request))


def _cache(request: Request) -> ExportCache:
    directory = _settings(request).export_cache_dir
    database = _engine(request).url.render_as_string(hide_password=True)
    # The files say who publishes them (an XLSX's about sheet) and link to the site's pages: other
    # settings, or another address the site is reached at, another file (which replaces the kept one).
    return ExportCache(
        Path(directory) if directory else default_directory(),
        database,
        f"{_publisher(request)}|{site_address(request)}",
        _release(request),
    )


def _release(request: Request) -> str:
    """The application's version (the package's, as the app read it at its start: the OpenAPI
    document's): another release may write other bytes for the same data."""
    return str(request.app.version)


def _client(caller: Actor | Anonymous) -> str:
    """Whose slots an export takes: the account or API key that asked, else the address."""
    if isinstance(caller, Actor):
        return f"user:{caller.user_id}" if caller.user_id is not None else f"api-key:{caller.api_key_id}"
    return f"ip:{caller.client_ip or 'unknown'}"


# A public export's caching headers, on its 200 and its 304 alike (RFC 9110, 15.4.5): the answer
# depends on the credentials sent (401 without them in `key` mode).
_PUBLIC_CACHING = {"Cache-Control": CACHE_CONTROL, "Vary": "Authorization, X-API-Key"}


def _headers(
    request: Request, file_name: str, *, public: bool, tag: str | None, size: int | None
) -> dict[str, str]:
    headers = {
        # Named after its filters, as typed (accents, any script): filename* and an ASCII name beside it.
        "Content-Disposition": content_disposition(file_name, "nrtd-recommendations"),
        "Link": link_header(_publisher(request), site_address(request)),
    }
    if public:
        headers.update(_PUBLIC_CACHING)
    else:
        headers["Cache-Control"] = "private, no-store"
    if tag is not None:
        headers["ETag"] = tag
    if size is not None:
        headers["Content-Length"] = str(size)
    return headers


def _send(
    request: Request,
    file_name: str,
    media_type: str,
    chunks: Any,
    slot: ExportSlot,
    *,
    public: bool,
    tag: str | None = None,
    size: int | None = None,
    cleanup: Callable[[], None] | None = None,
) -> ExportResponse:
    headers = _headers(request, file_name, public=public, tag=tag, size=size)
    return ExportResponse(chunks, slot, media_type=media_type, headers=headers, cleanup=cleanup)


def _head(
    request: Request,
    filters: RecommendationListParams,
    fmt: service.ExportFormat | None,
    *,
    public: bool,
    tag: str | None = None,
    size: int | None = None,
) -> Response:
    """A HEAD's answer: the GET's status and headers, its filters checked, nothing built, no slot taken
    (``Content-Length`` only when the file is already kept, as the full public export is)."""
    file_name, media_type = service.head_of_export(_engine(request), filters, fmt, public=public)
    headers = _headers(request, file_name, public=public, tag=tag, size=size)
    response = Response(status_code=200, media_type=media_type, headers=headers)
    if size is None:
        del response.headers["content-length"]  # not 0: the GET's length is not known
    return response


def _built(
    request: Request,
    client: str,
    build: Callable[[ExportSlot], ExportFile],
    *,
    public: bool,
    tag: str | None = None,
) -> Response:
    """An export read from the database while it is sent, holding one of the server's slots."""
    slot = _slots(request).acquire(client, builds=True)
    try:
        export = build(slot)
    except BaseException:
        slot.release()
        raise
    return _send(request, export.filename, export.media_type, export.chunks, slot, public=public, tag=tag)


def _data_version(request: Request) -> str:
    with Session(_engine(request)) as session:
        return data_version(session)


def _snapshot_version(conn: Connection) -> str:
    """The data version as the export's own read-only transaction sees it."""
    with Session(bind=conn) as session:
        return data_version(session)


def _data_tag(request: Request, version: str) -> str:
    """A weak ETag of a public export: the data version (newest import run and newest audit event:
    every change of published data writes one), the query, the site's address (its rows link there)
    and the publisher settings (an XLSX's about sheet and every file's Link header name the licence),
    and the application's release (a client's copy made by the previous one is not current). The bytes
    differ from one build of a file to the next (an XLSX holds its creation time); what they
    say does not."""
    return data_etag(
        version,
        request.url.path,
        request.url.query,
        site_address(request),
        str(_publisher(request)),
        _release(request),
    )


def _charge_export(request: Request) -> None:
    """A public export weighs ``NRTD_EXPORT_RATE_COST`` requests; ``PublicCaller`` took the first."""
    extra = _settings(request).export_rate_cost - 1
    client: str | None = getattr(request.state, "ratelimit_client", None)
    if extra > 0 and client is not None:
        limiter: RateLimiter = request.app.state.public_limiter
        setattr(request.state, STATE_KEY, limiter.hit(client, cost=extra))  # the RateLimit-* headers


def _is_full(params: RecommendationListParams) -> bool:
    """No filter at all (``lang`` only picks the text's language): the export the cache keeps."""
    return not params.model_dump(exclude={"lang"}, exclude_defaults=True)


def _cache_and_send(
    request: Request,
    builder: CacheBuild,
    slot: ExportSlot,
    engine: Engine,
    filters: RecommendationListParams,
    fmt: service.ExportFormat,
    tag: str,
    delimiter: str,
) -> Response:
    """Build the full export for this client and keep it in the cache for the next ones."""
    seen: list[str] = []
    try:
        export = service.recommendation_export(
            engine,
            filters,
            fmt,
            public=True,
            stop=slot.stop,
            on_snapshot=lambda conn: seen.append(_snapshot_version(conn)),
            publisher=_publisher(request),
            delimiter=delimiter,
            site=site_address(request),
        )
    except BaseException:
        builder.abandon()
        slot.release()
        raise
    chunks = builder.tee(export.chunks, lambda: seen[0] if seen else None)
    return _send(
        request,
        export.filename,
        export.media_type,
        chunks,
        slot,
        public=True,
        tag=tag,
        cleanup=builder.abandon,
    )


def _kept_as(fmt: service.ExportFormat, delimiter: str) -> str:
    """The name the cache keeps a full export's file under: one per format and CSV separator."""
    return fmt if delimiter == "," else f"{fmt}-semicolon"


def _kept_size(request: Request, filters: RecommendationListParams, kept_as: str, version: str) -> int | None:
    """The size of the full public export's file of this data version, when it is kept."""
    if not _is_full(filters):
        return None
    cached = _cache(request).open(kept_as, filters.lang, version)
    if cached is None:
        return None
    cached.file.close()
    return cached.size


def public_export(
    request: Request, caller: Actor | Anonymous, params: Any, fmt: service.ExportFormat
) -> Response:
    version = _data_version(request)
    tag = _data_tag(request, version)
    if etag_matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers={"ETag": tag, **_PUBLIC_CACHING})
    filters, delimiter = list_params(params), delimiter_of(params)
    kept_as = _kept_as(fmt, delimiter)
    if is_head(request.scope):  # one request of the rate limit, as a 304: nothing is built
        return _head(
            request, filters, fmt, public=True, tag=tag, size=_kept_size(request, filters, kept_as, version)
        )
    _charge_export(request)
    engine = _engine(request)
    client = _client(caller)

    def build(slot: ExportSlot) -> ExportFile:
        return service.recommendation_export(
            engine,
            filters,
            fmt,
            public=True,
            stop=slot.stop,
            publisher=_publisher(request),
            delimiter=delimiter,
            site=site_address(request),
        )

    if not _is_full(filters):
        return _built(request, client, build, public=True, tag=tag)
    cache = _cache(request)
    cached = cache.open(kept_as, filters.lang, version)
    if cached is None:
        slot = _slots(request).acquire(client, builds=True)
        try:
            builder = cache.start_build(kept_as, filters.lang)
        except BaseException:
            slot.release()
            raise
        if builder is None:  # the cache directory cannot be used: send the export without keeping it
            slot.release()
            return _built(request, client, build, public=True, tag=tag)
        cached = cache.open(kept_as, filters.lang, version)  # stored by another request meanwhile?
        if cached is None:
            return _cache_and_send(request, builder, slot, engine, filters, fmt, tag, delimiter)
        builder.abandon()
        slot.release()
    file_name, media_type = service.file_type(fmt, filters, public=True)
    try:
        slot = _slots(request).acquire(client, builds=False)
    except BaseException:
        cached.file.close()
        raise
    # The file is closed by its chunks when they end, by ``cleanup`` if they never start.
    chunks, close = cached.chunks(), cached.file.close
    return _send(
        request, file_name, media_type, chunks, slot, public=True, tag=tag, size=cached.size, cleanup=close
    )


# --- staff ----------------------------------------------------------------------------------


def staff_export(request: Request, actor: Actor, params: Any, fmt: service.ExportFormat) -> Response:
    engine, filters = _engine(request), list_params(params)
    if is_head(request.scope):
        return _head(request, filters, fmt, public=False)

    def build(slot: ExportSlot) -> ExportFile:
        return service.recommendation_export(
            engine,
            filters,
            fmt,
            public=False,
            stop=slot.stop,
            publisher=_publisher(request),
            delimiter=delimiter_of(params),
            site=site_address(request),
        )

    return _built(request, _client(actor), build, public=False)


def staff_template_export(request: Request, actor: Actor, params: Any) -> Response:
    """The filtered recommendations in the CSV import template's columns (`format=template`)."""
    engine, filters = _engine(request), list_params(params)
    if is_head(request.scope):
        return _head(request, filters, None, public=False)

    def build(slot: ExportSlot) -> ExportFile:
        return service.template_export(engine, filters, stop=slot.stop, delimiter=delimiter_of(params))

    return _built(request, _client(actor), build, public=False)
