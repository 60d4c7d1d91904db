"""A value that is missing reads "—" on every workspace page: the indicator page wrote "None" (no
unit, no baseline, no target) where the action page writes "—", and so did a recommendation's page
for its priority and clusters, the reader's page and a cluster without a lead entity. One filter
(``or_dash``, app/web/i18n.py) writes it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from app.staff.pages import TEMPLATES
from tests.builder import building, imported
from tests.conftest import ModuleWorld
from tests.factories import record
from tests.staff.conftest import StaffLogin


@dataclass(frozen=True)
class World:
    action: int
    indicator: int
    cluster: int
    recommendation: int


def build_world(engine: Engine) -> World:
    rec = imported(engine, [record("BARE", countries=["Peru"])])["BARE"]
    with building(engine) as build:
        build.local(rec, published=True)
        action = build.action("Train judges").id
        indicator = build.indicator(action, "Judges trained").id
        cluster = build.cluster("Justice").id
    return World(action, indicator, cluster, rec)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


_NONE = re.compile(r">\s*None\s*<|: None\)")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_missing_value_reads_as_a_dash_on_every_page(
    world: World, staff_login: StaffLogin, lang: str
) -> None:
    coordinator = staff_login("coordinator")
    pages = {
        f"/staff/indicators/{world.indicator}": ["unit", "baseline", "target"],
        f"/staff/actions/{world.action}": ["lead_entity_id", "start_date"],
        f"/staff/recommendations/{world.recommendation}": ["priority"],
        f"/staff/clusters/{world.cluster}": [],
        "/staff/clusters": [],
    }
    for path, _fields in pages.items():
        page = coordinator.get(f"{path}?lang={lang}").text
        assert not _NONE.search(page), (path, _NONE.search(page))
        assert "—" in page, path
    indicator = coordinator.get(f"/staff/indicators/{world.indicator}?lang={lang}").text
    facts = re.findall(r"<dd>(.*?)</dd>", indicator)
    assert facts.count("—") >= 3, facts  # no unit, no baseline, no target
    reader = staff_login("reader").get(f"/staff/recommendations/{world.recommendation}?lang={lang}")
    assert reader.status_code == 200
    assert not _NONE.search(reader.text) and "—" in reader.text


def test_no_template_writes_none_for_a_missing_value() -> None:
    words = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if '_("None")' in path.read_text(encoding="utf-8")
    ]
    assert words == []
