"""Numbers typed and shown the way of the reader's region (CLDR via Babel), the language staying the
page's: a Mexican or Peruvian focal point's "1.500" is one and a half, a Spaniard's fifteen hundred."""

from __future__ import annotations

from decimal import Decimal

import pytest
from markupsafe import escape
from sqlalchemy import Connection, Engine, select

from app.models import IndicatorValue
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin
from tests.staff.test_indicators import World, build_world

# Accept-Language, what is typed, what is stored, the value's box, the value as its page writes it.
CASES = [
    ("es-MX,es;q=0.9", "1.500", "1.5", "1.5", "1.5"),
    ("es-MX,es;q=0.9", "1,500.5", "1500.5", "1500.5", "1,500.5"),
    ("es-419,es;q=0.9", "1.500", "1.5", "1.5", "1.5"),
    ("es-PE", "1,500.5", "1500.5", "1500.5", "1,500.5"),
    ("es-ES,es;q=0.9", "1.500", "1500", "1500", "1.500"),
    ("es-ES,es;q=0.9", "1.500,5", "1500.5", "1500,5", "1.500,5"),
    ("fr-FR", "1 500,5", "1500.5", "1500,5", "1\u202f500,5"),
    ("fr-CA", "1 500,5", "1500.5", "1500,5", "1\u00a0500,5"),
    ("fr-CH", "1'500,5", "1500.5", "1500,5", "1'500,5"),
    ("fr-CH", "1\u2019234\u2019567,5", "1234567.5", "1234567,5", None),
    ("en", "1,500.5", "1500.5", "1500.5", "1,500.5"),
]


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


@pytest.mark.parametrize(("accept", "typed", "stored", "box", "shown"), CASES)
def test_a_value_is_read_and_shown_the_regions_way(
    staff_login: StaffLogin,
    db: Connection,
    world: World,
    accept: str,
    typed: str,
    stored: str,
    box: str,
    shown: str | None,
) -> None:
    coordinator = staff_login("coordinator")
    headers = {"Accept-Language": accept}
    form = {"measured_on": "2025-06-30", "value": typed}
    recorded = coordinator.post(f"/staff/indicators/{world.indicator}/values", form, headers=headers)
    assert recorded.status_code == 303, recorded.text
    path = recorded.headers["location"].split("?")[0]
    value = db.scalar(select(IndicatorValue.value).where(IndicatorValue.id == int(path.rsplit("/", 1)[1])))
    assert value == Decimal(stored)
    page = coordinator.get(path, headers=headers).text
    assert f'value="{box}"' in page
    if shown is not None:  # Babel writes Switzerland's millions ungrouped: not this test's concern
        assert f"<dd>{escape(shown)} persons</dd>" in page


@pytest.mark.parametrize(
    ("accept", "example"),
    [("es-MX", "1500.25"), ("es-ES", "1500,25"), ("fr-CA", "1500,25"), ("en", "1500.25")],
)
def test_the_hint_shows_the_regions_way(
    staff_login: StaffLogin, world: World, accept: str, example: str
) -> None:
    page = staff_login("coordinator").get(
        f"/staff/indicators/{world.indicator}", headers={"Accept-Language": accept}
    )
    hint = page.text.split('id="hint-value">')[1].split("<")[0]
    assert hint.endswith(f": {example}") or hint.endswith(f"\u00a0: {example}"), hint


def test_a_region_with_a_decimal_point_refuses_a_decimal_comma(staff_login: StaffLogin, world: World) -> None:
    """ "1.500,5" in Mexico is not a number of theirs: refused, not read as Spain's 1500.5."""
    refused = staff_login("coordinator").post(
        f"/staff/indicators/{world.indicator}/values",
        {"measured_on": "2025-06-30", "value": "1.500,5"},
        headers={"Accept-Language": "es-MX"},
    )
    assert refused.status_code == 422
    assert 'value="1.500,5"' in refused.text


def test_the_region_the_address_names_goes_before_the_browsers(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """``?lang=es-MX`` on a browser set to Spain's Spanish: the page is in Spanish, its numbers Mexico's."""
    recorded = staff_login("coordinator").post(
        f"/staff/indicators/{world.indicator}/values?lang=es-MX",
        {"measured_on": "2025-06-30", "value": "1.500"},
        headers={"Accept-Language": "es-ES"},
    )
    assert recorded.status_code == 303, recorded.text
    value_id = int(recorded.headers["location"].split("?")[0].rsplit("/", 1)[1])
    assert db.scalar(select(IndicatorValue.value).where(IndicatorValue.id == value_id)) == Decimal("1.5")


def test_the_region_the_address_named_is_remembered(
    staff_login: StaffLogin, db: Connection, world: World
) -> None:
    """Chosen once with ``?lang=es-MX``, Mexico's numbers stay after the form's redirect and on the next
    pages, as the language does, whatever region the browser sends."""
    coordinator = staff_login("coordinator")
    spain = {"Accept-Language": "es-ES"}
    assert (
        coordinator.get(f"/staff/indicators/{world.indicator}?lang=es-MX", headers=spain).status_code == 200
    )
    form = {"measured_on": "2025-06-30", "value": "1.500"}
    recorded = coordinator.post(f"/staff/indicators/{world.indicator}/values", form, headers=spain)
    assert recorded.status_code == 303, recorded.text
    path = recorded.headers["location"].split("?")[0]
    assert db.scalar(
        select(IndicatorValue.value).where(IndicatorValue.id == int(path.rsplit("/", 1)[1]))
    ) == Decimal("1.5")
    page = coordinator.get(path, headers=spain).text
    assert '<html lang="es">' in page and 'value="1.5"' in page
