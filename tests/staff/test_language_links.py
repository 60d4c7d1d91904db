"""The language switcher of a page that answers a form (a refusal, a confirmation): its links led to the
form's address, which answers no GET, so choosing French on a refused form gave "Method Not Allowed".
They lead to the page the form was on (the Referer, on this site), else to the nearest page above."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import Engine

from tests.builder import building
from tests.conftest import ModuleWorld
from tests.staff.conftest import StaffClient, StaffLogin


def build_world(engine: Engine) -> int:
    with building(engine) as build:
        justice = build.entity("Ministry of Justice").id
        action = build.action("Train judges", lead_entity_id=justice).id
        author = build.author("author@justice.example", entity_id=justice)
        return build.progress(action, "submitted", "Two workshops held.", author_id=author.id).id


@pytest.fixture
def update(module_world: ModuleWorld, migrated_engine: Engine) -> int:
    return module_world(build_world, migrated_engine)


def _switch_links(page: str) -> list[str]:
    nav = re.search(r'(?s)<nav aria-label="[^"]*" class="languages">(.*?)</nav>', page)
    assert nav is not None
    return [html.unescape(link) for link in re.findall(r'href="([^"]*)"', nav.group(1))]


def _each_opens(staff: StaffClient, links: list[str]) -> None:
    for link, lang in zip(links, ("en", "fr", "es"), strict=True):
        opened = staff.get(link)
        assert opened.status_code == 200, link
        assert f'<html lang="{lang}">' in opened.text


def test_a_refused_form_s_language_links_open_the_page_it_was_on(
    update: int, staff_login: StaffLogin
) -> None:
    staff = staff_login("coordinator")
    refused = staff.post(
        f"/staff/progress/{update}/return",
        {"comment": ""},
        headers={"Referer": f"http://testserver/staff/progress/{update}?lang=en&done=saved"},
    )
    assert refused.status_code == 422
    links = _switch_links(refused.text)
    assert links == [f"/staff/progress/{update}?lang={lang}" for lang in ("en", "fr", "es")]
    _each_opens(staff, links)


@pytest.mark.parametrize(
    "referer",
    [None, "http://elsewhere.example/staff/actions/new", "http://testserver/docs"],
)
def test_without_a_referer_on_this_site_they_open_the_nearest_page_above(
    referer: str | None, update: int, staff_login: StaffLogin
) -> None:
    staff = staff_login("coordinator")
    headers = {"Referer": referer} if referer else {}
    refused = staff.post(f"/staff/progress/{update}/return", {"comment": ""}, headers=headers)
    assert refused.status_code == 422
    links = _switch_links(refused.text)
    assert links == [f"/staff/progress/{update}?lang={lang}" for lang in ("en", "fr", "es")]
    _each_opens(staff, links)


def test_a_page_read_by_get_keeps_its_own_address_and_filters(update: int, staff_login: StaffLogin) -> None:
    page = staff_login("coordinator").get("/staff/progress?state=submitted&done=saved")
    assert _switch_links(page.text)[1] == "/staff/progress?state=submitted&lang=fr"
