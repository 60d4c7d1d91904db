"""Labels and texts in the reader's language on the portal: themes and affected persons learnt from the
French export shown in French, English ones marked lang="en" otherwise; texts in Arabic right to left."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.core.config import Settings
from tests.conftest import ModuleWorld
from tests.portal.labels_world import ARABIC, CHINESE, LONG_CHINESE, RUSSIAN, Labelled, build_labelled
from tests.portal.test_pages import check_html


@pytest.fixture
def labelled(
    module_world: ModuleWorld,
    migrated_engine: Engine,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Labelled:
    return module_world(build_labelled, migrated_engine, settings, tmp_path_factory.mktemp("labels"))


def _facts(html: str) -> str:
    return html.split('<dl class="facts">')[-1].split("</dl>")[0]


def test_the_french_page_names_themes_and_persons_in_french(portal: TestClient, labelled: Labelled) -> None:
    french = portal.get(f"/recommendations/{labelled.sample_id}", params={"lang": "fr"}).text
    check_html(french)
    facts = _facts(french)
    assert "<dd>Droit à la santé; " in facts or "; Droit à la santé" in facts
    assert '<span lang="en">Right to health</span>' not in facts
    assert "Enfants" in facts and "Peuples autochtones" in facts
    # The State too, in French (it was the English "Peru", marked as such), whatever the export said.
    assert "<dd>Pérou</dd>" in facts
    english = _facts(portal.get(f"/recommendations/{labelled.sample_id}").text)
    assert "Right to health" in english and "Droit à la santé" not in english and "lang=" not in english
    # Spanish: no Spanish export imported, every label English and marked.
    spanish = _facts(portal.get(f"/recommendations/{labelled.sample_id}", params={"lang": "es"}).text)
    assert '<span lang="en">Right to health</span>' in spanish


def test_the_search_form_and_statistics_name_themes_in_french(portal: TestClient, labelled: Labelled) -> None:
    search = portal.get("/", params={"lang": "fr"}).text
    check_html(search)
    assert 'value="Right to health"> <span>Droit à la santé</span> <span class="count">(' in search
    # a tie: not learnt
    assert 'value="Birth registration"> <span lang="en">Birth registration</span> <span class=' in search
    stats = portal.get("/stats", params={"lang": "fr"}).text
    check_html(stats)
    assert '<th scope="row">Droit à la santé</th>' in stats
    assert 'text-anchor="end">Droit à la santé</text>' in stats
    spanish = portal.get("/stats", params={"lang": "es"}).text  # no Spanish export: English, marked
    assert '<th scope="row" lang="en">Right to health</th>' in spanish
    assert 'text-anchor="end" lang="en">Right to health</text>' in spanish


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_texts_in_arabic_russian_and_chinese_carry_their_language(
    portal: TestClient, labelled: Labelled, lang: str
) -> None:
    arabic = f'lang="ar" dir="rtl">7. {ARABIC}'
    russian = f'lang="ru">7. {RUSSIAN}'
    chinese = f'lang="zh">7. {CHINESE}'
    for path in (f"/recommendations/{labelled.ids['ar']}", "/", f"/clusters/{labelled.cluster_id}"):
        html = portal.get(path, params={"lang": lang}).text
        check_html(html)
        assert arabic in html, path
    for code, expected in (("ru", russian), ("zh", chinese)):
        html = portal.get(f"/recommendations/{labelled.ids[code]}", params={"lang": lang}).text
        assert expected in html and 'dir="rtl"' not in html
    listing = portal.get(f"/clusters/{labelled.cluster_id}", params={"lang": lang}).text
    assert russian in listing and chinese in listing


def test_a_long_chinese_text_is_cut_near_the_lists_length(portal: TestClient, labelled: Labelled) -> None:
    # Chinese writes no spaces: cut at its punctuation near the length, not at the one space after
    # the paragraph number ("118.1 ..." was all the list showed).
    for path, width in (("/?mechanism=CED", 360), (f"/clusters/{labelled.cluster_id}", 240)):
        html = portal.get(path).text
        shown = "118.1" + html.split('<p lang="zh">118.1')[1].split("</p>")[0]
        assert LONG_CHINESE.startswith(shown.removesuffix("…")), (path, shown)
        assert width - 30 < len(shown) <= width and shown.endswith("，…"), path  # noqa: RUF001
