"""Clients for the export tests: the API clients (staff, anonymous) and clients with other settings."""

from __future__ import annotations

from tests.api.conftest import anonymous_client, client, headers_for
from tests.public.conftest import make_client, public, world

__all__ = ["anonymous_client", "client", "headers_for", "make_client", "public", "world"]
