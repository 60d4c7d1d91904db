"""Which tests a run collects and in what order (the ``pytest_collection_modifyitems`` hook of
tests/conftest.py): the run a test asks for, and a module's world tests first."""

from __future__ import annotations

import pytest


def run_of(item: pytest.Item) -> str | None:
    """The one run a test asks for (``database_run``), if any."""
    marker = item.get_closest_marker("database_run")
    if marker is None:
        return None
    kind = str(marker.args[0])
    if kind not in ("sqlite", "postgresql"):
        raise pytest.UsageError(f"{item.nodeid}: database_run takes sqlite or postgresql, not {kind!r}")
    return kind


def split_by_run(items: list[pytest.Item], run: str) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(the tests ``run`` collects, the others): a test marked ``database_run`` in its run only, else
    every test on SQLite and those that use the test database (``database_url``) on PostgreSQL."""
    kept: list[pytest.Item] = []
    elsewhere: list[pytest.Item] = []
    for item in items:
        named = run_of(item)
        if named is not None:
            here = named == run
        else:
            here = run == "sqlite" or "database_url" in getattr(item, "fixturenames", ())
        (kept if here else elsewhere).append(item)
    return kept, elsewhere


def world_tests_first(items: list[pytest.Item]) -> list[pytest.Item]:
    modules: dict[object, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.module if isinstance(item, pytest.Function) else item.parent, []).append(item)

    def rank(item: pytest.Item) -> int:
        names = getattr(item, "fixturenames", ())
        if "module_world" not in names:
            return 2
        return 1 if "engine" in names else 0

    return [item for module_items in modules.values() for item in sorted(module_items, key=rank)]
