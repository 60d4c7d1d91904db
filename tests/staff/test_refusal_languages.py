"""A refusal page ("You may not do this", "Page not found") in the page's language: its reason is a
catalogue message, shown through the page's catalogue (it was the API's English sentence on a French
or Spanish page). The catalogue is wrapped so that a test sees it used whether or not a message is
translated yet. A refused form names every field it refuses at once, the date in the future too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_file
from sqlalchemy import Engine

from app.auth import permissions
from app.staff import session as session_module
from app.web import i18n
from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffLogin


@dataclass(frozen=True)
class World:
    justice: int
    labour: int
    action: int
    draft: int  # a progress update written in Justice
    indicator: int
    value: int  # an indicator value Justice recorded, a draft


def build_world(engine: Engine) -> World:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        labour = build.entity("Ministry of Labour").id
        action = build.action("Train judges", lead_entity_id=justice).id
        author = build.author("author@justice.example", entity_id=justice)
        draft = build.progress(action, "draft", "Two workshops held.", author_id=author.id).id
        indicator = build.indicator(action, "Judges trained").id
        value = build.value(indicator, "draft", 40).id
    return World(justice, labour, action, draft, indicator, value)


@pytest.fixture
def world(module_world: ModuleWorld, migrated_engine: Engine) -> World:
    return module_world(build_world, migrated_engine)


def _marking(monkeypatch: pytest.MonkeyPatch, reasons: set[str]) -> None:
    """The pages' catalogue, with ``reasons`` read as "[message]"."""
    shipped = i18n.translations

    class Marking:
        def __init__(self, lang: str) -> None:
            self.real = shipped(lang)

        def gettext(self, message: str) -> str:
            return f"[{message}]" if message in reasons else self.real.gettext(message)

        def __getattr__(self, name: str) -> Any:  # ngettext and the rest: the shipped catalogue's
            return getattr(self.real, name)

    monkeypatch.setattr(i18n, "translations", Marking)


def test_a_refusal_of_another_entitys_work_reads_in_the_page_s_language(
    world: World, staff_login: StaffLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 403 page's reason is a catalogue message, shown through the page's catalogue (it was the
    API's English sentence on a French or Spanish page). The catalogue is wrapped so that the test
    sees it used whether or not the message is translated yet."""
    reasons = {
        "this progress update does not belong to your entity",
        "this action does not belong to your entity",
        "%(what)s needs one of the roles %(allowed)s; you are %(role)s",
        "this page",
    }
    extracted = {
        message
        for path in (Path(permissions.__file__), Path(session_module.__file__))
        for _line, message, _comments, _context in extract_from_file("python", str(path))
    }
    assert reasons <= extracted
    _marking(monkeypatch, reasons | {"progress update %(id)s does not exist"})
    other = staff_login("focal_point", entity_id=world.labour)
    # Another entity's update is a page that does not exist (test_other_entity_pages.py); the reason
    # is kept for the audit trail.
    page = other.get(f"/staff/progress/{world.draft}?lang=fr").text
    assert f"[progress update {world.draft} does not exist]" in page
    page = other.get(f"/staff/actions/{world.action}/progress/new?lang=es").text
    assert "[this action does not belong to your entity]" in page
    page = other.post(f"/staff/progress/{world.draft}/approve?lang=fr").text
    assert "[[this page] needs one of the roles administrateur, coordinateur; you are point focal]" in page


def test_a_role_refusal_names_the_roles_in_the_page_s_language(world: World, staff_login: StaffLogin) -> None:
    """The roles a refusal names were their codes ("focal_point") inside a French or Spanish sentence."""
    # An address without the role's code: the page's header names the signed-in user.
    focal = staff_login("focal_point", entity_id=world.justice, email="ana@example.org")
    page = focal.post(f"/staff/progress/{world.draft}/approve?lang=fr").text
    assert "aux rôles administrateur, coordinateur ; votre rôle : point focal" in page
    page = focal.post(f"/staff/progress/{world.draft}/approve?lang=es").text
    assert "a los roles administrador, coordinador; su rol: punto focal" in page
    assert "focal_point" not in page


def test_a_page_that_does_not_exist_for_a_focal_point_says_why_in_the_page_s_language(
    world: World, staff_login: StaffLogin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another entity's draft value is "not found" to a focal point, as an unknown deadline or
    recommendation: the 404 page's reason too was the API's English sentence."""
    focal = staff_login("focal_point", entity_id=world.labour)
    # A message the catalogue has already: the real French.
    assert "la recommandation 999999 n’existe pas" in focal.get("/staff/recommendations/999999?lang=fr").text  # noqa: RUF001
    reasons = {
        "indicator value %(id)s does not exist",
        "deadline %(id)s does not exist",
        "progress update %(id)s does not exist",
    }
    _marking(monkeypatch, reasons)
    assert (
        f"[indicator value {world.value} does not exist]"
        in focal.get(f"/staff/values/{world.value}?lang=fr").text
    )
    assert "[deadline 999999 does not exist]" in focal.get("/staff/calendar/999999?lang=es").text
    assert "[progress update 999999 does not exist]" in focal.get("/staff/progress/999999?lang=fr").text


def test_a_date_in_the_future_is_named_with_the_other_refused_fields(
    world: World, staff_login: StaffLogin
) -> None:
    """The date was checked only once the rest was right: a second refusal, after correcting the first."""
    focal = staff_login("focal_point", entity_id=world.justice)
    future = {"reported_on": "2099-01-01", "narrative": "", "submit": "false"}
    page = focal.post(f"/staff/actions/{world.action}/progress?lang=fr", future).text
    assert 'href="#field-reported_on"' in page and 'href="#field-narrative"' in page
    assert "dans le futur" in page
    draft = focal.get(f"/staff/progress/{world.draft}").text
    etag = re.search(r'name="etag" value="([^"]*)"', draft)
    assert etag
    edit = {"reported_on": "2099-01-01", "narrative": "", "etag": etag.group(1).replace("&#34;", '"')}
    page = focal.post(f"/staff/progress/{world.draft}", edit).text
    assert 'href="#field-reported_on"' in page and 'href="#field-narrative"' in page
    value = {"measured_on": "2099-01-01", "value": "forty", "note": ""}
    page = focal.post(f"/staff/indicators/{world.indicator}/values?lang=es", value).text
    assert 'href="#field-measured_on"' in page and 'href="#field-value"' in page
    assert "en el futuro" in page
