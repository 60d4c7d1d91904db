"""Fixtures shared by the importer tests."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The project is not installed and pytest (rootdir-relative, no tests/__init__.py) does not put the
# project root on sys.path; without it neither `importers` nor `tests.fake_uhri` can be imported.
# Harmless once pyproject sets `pythonpath = ["."]`.
_PROJECT_ROOT = str(Path(__file__).resolve().parents[2])
if _PROJECT_ROOT not in sys.path:
    sys.path.insert(0, _PROJECT_ROOT)

from tests.fake_uhri import FakeUhri, fake_uhri  # noqa: E402


@pytest.fixture
def fake_uhri_server(tmp_path: Path) -> Iterator[FakeUhri]:
    """A running fake UHRI serving an empty directory; add files with ``server.put(name, bytes)``."""
    with fake_uhri(tmp_path / "export-results") as server:
        yield server
