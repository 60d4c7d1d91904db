"""Clients for the export tests: the public clients and world beside the staff ones of tests/conftest.py."""

from __future__ import annotations

from tests.public.conftest import make_client, public, world

__all__ = ["make_client", "public", "world"]
