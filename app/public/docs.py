"""OpenAPI entries every public route shares: cache headers and 304 (app.main marks their
credentials optional).

Routes of other packages under /api/v1/public (exports, statistics, reports) may use them too.
"""

from __future__ import annotations

from typing import Any

from app.core.caching import CACHE_CONTROL

CACHE_HEADERS: dict[str, Any] = {
    "ETag": {"description": "Hash of the body, for If-None-Match", "schema": {"type": "string"}},
    "Cache-Control": {"description": CACHE_CONTROL, "schema": {"type": "string"}},
}
# A route's `responses` for a cacheable public GET (JSON body from its response_model).
CACHED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"headers": CACHE_HEADERS},
    304: {"description": "Not modified: the If-None-Match ETag is current", "headers": CACHE_HEADERS},
}
