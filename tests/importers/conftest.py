"""Fixtures shared by the importer tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_uhri import FakeUhri, fake_uhri


@pytest.fixture
def fake_uhri_server(tmp_path: Path) -> Iterator[FakeUhri]:
    """A running fake UHRI serving an empty directory; add files with ``server.put(name, bytes)``."""
    with fake_uhri(tmp_path / "export-results") as server:
        yield server
