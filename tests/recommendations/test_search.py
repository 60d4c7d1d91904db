"""Full-text search (?q=) in the six UN languages, on SQLite FTS5 and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"

TEXTS = {
    "en": "<p>12. The Committee urges the State party to strengthen juvenile justice.</p>",
    "fr": "<p>Le Comité recommande de garantir l'accès des élèves handicapés à l'école.</p>",
    "es": "<p>El Comité recomienda proteger a los niños y niñas indígenas.</p>",
    "ar": "<p>توصي اللجنة الدولة الطرف بتحسين التعليم في المناطق الريفية</p>",
    "ru": "<p>Комитет рекомендует государству-участнику улучшить доступ к образованию.</p>",
    "zh": "<p>委员会建议缔约国根据 CRC 加强儿童教育工作并提供资源。</p>",
}


@pytest.fixture
def by_language(engine: Engine) -> dict[str, int]:
    """One recommendation per language, newest first in the order of TEXTS."""
    import_records(
        engine,
        [
            record(lang, texts={lang: text}, publication_date=date(2024, 6, 30 - n))
            for n, (lang, text) in enumerate(TEXTS.items())
        ],
    )
    return ids_by_external_id(engine)


SEARCHES = [
    ("juvenile justice", ["en"]),
    ("JUSTICE", ["en"]),
    ("juven", ["en"]),  # the last word is also a prefix
    ("eleves", ["fr"]),  # accents ignored
    ("élèves handicapés", ["fr"]),
    ("ELEVES ecole", ["fr"]),
    ("comite", ["fr", "es"]),
    ("ninos", ["es"]),
    ("niños indígenas", ["es"]),
    ("التعليم", ["ar"]),
    ("التَّعْلِيم", ["ar"]),  # Arabic diacritics ignored
    ("المناطق الريفية", ["ar"]),
    ("образованию", ["ru"]),
    ("ОБРАЗОВАНИЮ", ["ru"]),
    ("教育", ["zh"]),  # a two-character word in the middle of a sentence
    ("儿童教育", ["zh"]),
    ("CRC儿童教育", ["zh"]),  # a Latin word typed against Chinese without a space: two terms
    ("CRC加强", ["zh"]),  # adjacent in the text too
    ("医疗", []),  # not in any text
    ("育教", []),  # characters present but not adjacent in this order
    ("torture", []),
    ("justice élèves", []),  # every word must occur in one recommendation
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_full_text_search(
    client: TestClient, by_language: dict[str, int], query: str, expected: list[str]
) -> None:
    body = client.get(URL, params={"q": query, "sort": "newest"}).json()
    assert [item["id"] for item in body["items"]] == [by_language[name] for name in expected]
    assert body["total"] == len(expected)


def test_search_combines_with_filters_and_ignores_empty_queries(
    client: TestClient, by_language: dict[str, int]
) -> None:
    assert client.get(URL, params={"q": "comite", "published_to": "2024-06-28"}).json()["total"] == 1
    everything = client.get(URL, params={"q": " ?! "}).json()
    assert everything["total"] == len(TEXTS)  # no searchable word: no text condition


def test_text_is_plain_and_shown_in_its_own_language(client: TestClient, by_language: dict[str, int]) -> None:
    item = client.get(URL, params={"q": "教育", "lang": "en"}).json()["items"][0]
    assert (item["text_lang"], item["text"]) == ("zh", TEXTS["zh"].removeprefix("<p>").removesuffix("</p>"))


# Letters that folding must keep or drop as the writers of these languages do: Russian "й" is a
# letter of its own (the adjective endings "-ый", "-ой" the stemmer removes), the Arabic tatweel
# "ـ" only stretches a word ("الدولـــي" is "الدولي").
SCRIPT_TEXTS = {
    "ru": "<p>20. Комитет призывает развивать международное сотрудничество и правовой контроль.</p>",
    "ar": "<p>20. تحث اللجنة على ضمان التعاون الدولـــي بشأن المياه.</p>",
}
SCRIPT_SEARCHES = [
    ("международный", ["ru"]),
    ("правового контроля", ["ru"]),
    ("МЕЖДУНАРОДНЫЙ", ["ru"]),
    ('"التعاون الدولي"', ["ar"]),
    ('"التعاون الدولـي"', ["ar"]),
    ("الدولي", ["ar"]),
]


@pytest.mark.parametrize(("query", "expected"), SCRIPT_SEARCHES, ids=[q for q, _ in SCRIPT_SEARCHES])
def test_russian_short_i_and_arabic_tatweel(
    client: TestClient, engine: Engine, query: str, expected: list[str]
) -> None:
    import_records(engine, [record(lang, texts={lang: text}) for lang, text in SCRIPT_TEXTS.items()])
    ids = ids_by_external_id(engine)
    body = client.get(URL, params={"q": query}).json()
    assert [item["id"] for item in body["items"]] == [ids[name] for name in expected]
