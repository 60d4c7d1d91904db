"""GET /api/v1/recommendations: every filter, keyset pagination, errors, detail, query count."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from app.core.config import UHRI_LANGUAGES
from app.feed.fields import html_to_text
from app.feed.sdg import sdg_entries
from app.models import Recommendation
from app.models.recommendation import POSITIONS, SOURCES, TYPES
from app.models.taxonomy import MECHANISM_FAMILIES
from app.recommendations.schemas import Family, Lang, Position, RecommendationType, Source
from tests.factories import ids_by_external_id, import_records, record

URL = "/api/v1/recommendations"
PERU = ["Peru"]
LAC = ["Latin America and the Caribbean"]
A_EN = "<p>4. The Committee recommends that the State party improve access to <b>primary health care</b>.</p>"
A_FR = "<p>4. Le Comité recommande à l'État partie d'améliorer l'accès aux soins de santé primaires.</p>"


def _uhri_records(a_text: str = A_EN, *, with_w: bool = True) -> list[Any]:
    records = [
        record(
            "A",
            mechanism="CRC",
            publication_date=date(2024, 5, 10),
            texts={"en": a_text, "fr": A_FR},
            countries=PERU,
            regions=LAC,
            themes=["Right to health", " Children: definition "],
            affected_persons=["Children"],
            sdgs=["3", "3.8"],
        ),
        record(
            "B",
            mechanism="UPR",
            publication_date=date(2023, 1, 15),
            upr_cycle=4,
            upr_session=43,
            position="supported",
            countries=PERU,
            recommending_states=["Norway", "Chile"],
            recommending_regions=["WEOG"],
            sdgs=["5.2"],
            affected_persons=["Women & girls"],
            themes=["Participation of women in political & public life"],
        ),
        record(
            "C",
            mechanism="UPR",
            publication_date=date(2023, 1, 15),
            upr_cycle=4,
            upr_session=43,
            position="noted",
            countries=PERU,
            recommending_states=["Brazil"],
            recommending_regions=["GRULAC"],
            sdgs=["5"],
            texts={"es": "<p>118.3 Proteger a los niños y niñas.</p>"},
        ),
        record(
            "D",
            mechanism="SR Torture",
            type="observation",
            publication_date=date(2022, 7, 1),
            countries=["Peru", "Chile"],
            regions=LAC,
            themes=["Torture"],
        ),
        record(
            "E",
            mechanism="CEDAW",
            type="observation",
            publication_date=None,
            countries=PERU,
            texts={"ru": "<p>Комитет рекомендует.</p>"},
        ),
        record(
            "F",
            mechanism="CAT",
            publication_date=date(2021, 3, 3),
            countries=["Bolivia (Plurinational State of)"],
            regions=LAC,
        ),
    ]
    if with_w:
        records.append(record("W", mechanism="CRC", publication_date=date(2020, 2, 2), countries=PERU))
    return records


@pytest.fixture
def corpus(engine: Engine) -> dict[str, int]:
    """Eight current recommendations and a withdrawn one; A was changed by the second import."""
    import_records(engine, _uhri_records())
    changed = A_EN.replace("care</b>.", "care</b> and mental health services.")
    import_records(engine, _uhri_records(changed, with_w=False), full_export=True)
    import_records(
        engine,
        [
            record(
                "G",
                source="upr-info",
                mechanism="UPR",
                publication_date=date(2019, 6, 1),
                upr_cycle=3,
                upr_session=30,
                position="supported",
                upr_info_action=4,
                countries=PERU,
                recommending_states=["Norway"],
                issues=["Women's rights", "Justice"],
            )
        ],
        source="upr-info",
    )
    import_records(
        engine,
        [
            record(
                "H",
                source="manual",
                mechanism="African Commission on Human and Peoples' Rights",
                publication_date=date(2018, 1, 1),
                countries=PERU,
            )
        ],
        source="manual",
    )
    return ids_by_external_id(engine)


ALL = ["A", "C", "B", "D", "F", "G", "H", "E"]  # sort_date desc, id desc; E has no date

FILTERS: list[tuple[str, list[str]]] = [
    ("", ALL),
    ("q=primary health", ["A"]),
    ("mechanism=CRC", ["A"]),
    ("mechanism=UPR&mechanism=crc", ["A", "C", "B", "G"]),
    ("mechanism=ACHPR", ["H"]),
    ("family=treaty-body", ["A", "F", "E"]),
    ("family=upr", ["C", "B", "G"]),
    ("family=special-procedure", ["D"]),
    ("family=regional", ["H"]),
    ("type=observation", ["D", "E"]),
    ("type=recommendation", ["A", "C", "B", "F", "G", "H"]),
    ("theme=right to HEALTH", ["A"]),
    ("theme=Participation of women in political and public life", ["B"]),
    ("theme=Torture", ["D"]),
    ("affected_person=Women and girls", ["B"]),
    ("affected_person=children", ["A"]),
    ("country=Peru", ["A", "C", "B", "D", "G", "H", "E"]),
    ("country=Chile", ["D"]),
    ("country=bolivia (plurinational state of)", ["F"]),
    # A State as its people write it, or by code, finds what its UHRI name finds ("Perú" was a 422).
    ("country=Per%C3%BA", ["A", "C", "B", "D", "G", "H", "E"]),
    ("country=PE", ["A", "C", "B", "D", "G", "H", "E"]),
    ("country=Bolivia", ["F"]),
    ("recommending_state=Noruega", ["B", "G"]),
    ("region=Latin America %26 the Caribbean", ["A", "D", "F"]),
    ("recommending_state=Norway", ["B", "G"]),
    ("recommending_state=Chile", ["B"]),
    ("recommending_region=grulac", ["C"]),
    ("issue=Justice", ["G"]),
    ("sdg=5", ["C", "B"]),
    ("sdg=5.2", ["B"]),
    ("sdg=3", ["A"]),
    ("sdg=3.8", ["A"]),
    ("sdg=16.a", []),
    ("cycle=4", ["C", "B"]),
    ("cycle=3", ["G"]),
    ("session=43", ["C", "B"]),
    ("session=30", ["G"]),
    ("position=supported", ["B", "G"]),
    ("position=noted", ["C"]),
    ("position=none", ["A", "D", "F", "H", "E"]),
    ("source=uhri", ["A", "C", "B", "D", "F", "E"]),
    ("source=upr-info", ["G"]),
    ("source=manual", ["H"]),
    ("needs_review=true", ["A"]),
    ("needs_review=false", ["C", "B", "D", "F", "G", "H", "E"]),
    ("withdrawn=true", ["W"]),
    ("withdrawn=false", ALL),
    ("published_from=2022-01-01", ["A", "C", "B", "D"]),
    ("published_to=2021-12-31", ["F", "G", "H"]),
    ("published_from=2021-03-03&published_to=2023-01-15", ["C", "B", "D", "F"]),
    ("country=Peru&family=upr&position=supported", ["B", "G"]),
]


@pytest.mark.parametrize(("query", "expected"), FILTERS, ids=[q or "no-filter" for q, _ in FILTERS])
def test_filters(client: TestClient, corpus: dict[str, int], query: str, expected: list[str]) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["id"] for item in body["items"]] == [corpus[name] for name in expected]
    assert body["total"] == len(expected)
    assert body["next_cursor"] is None


def test_item_fields(client: TestClient, corpus: dict[str, int]) -> None:
    item = client.get(f"{URL}?mechanism=UPR&session=43&position=supported").json()["items"][0]
    assert item["id"] == corpus["B"]
    assert item["mechanism"] == {"code": "UPR", "name": "Universal Periodic Review", "family": "upr"}
    assert item["recommending_states"] == ["Chile", "Norway"]
    assert item["recommending_regions"] == ["WEOG"]
    assert item["countries"] == ["Peru"]
    assert item["affected_persons"] == ["Women & girls"]
    assert item["sdgs"] == [{"code": "5.2", "title": sdg_entries()["5.2"].titles["en"]}]
    assert (item["upr_cycle"], item["upr_session"], item["position"]) == (4, 43, "supported")
    assert item["publication_date"] == "2023-01-15"
    assert item["created_at"].endswith(("Z", "+00:00"))
    assert "texts" not in item and "revisions" not in item


def _walk(client: TestClient, query: str) -> Iterator[dict[str, Any]]:
    cursor: str | None = None
    while True:
        body = client.get(f"{URL}?{query}" + (f"&cursor={cursor}" if cursor else "")).json()
        yield body
        cursor = body["next_cursor"]
        if cursor is None:
            return


def test_keyset_pagination_walks_every_page(client: TestClient, engine: Engine) -> None:
    dates = [date(2024, 1, 1), date(2023, 6, 1), None, date(2023, 6, 1), date(2022, 2, 2)]
    import_records(
        engine,
        [
            record(
                f"P{n:02}", publication_date=dates[n % 5], type="observation" if n % 3 else "recommendation"
            )
            for n in range(23)
        ],
    )
    with engine.connect() as conn:
        rows = sorted(
            conn.execute(select(Recommendation.id, Recommendation.sort_date, Recommendation.type)),
            key=lambda row: (row.sort_date, row.id),
            reverse=True,
        )
    for query, expected in (
        ("limit=5", [row.id for row in rows]),
        ("limit=4&type=observation", [row.id for row in rows if row.type == "observation"]),
    ):
        pages = list(_walk(client, query))
        seen = [item["id"] for page in pages for item in page["items"]]
        assert seen == expected  # same order, no duplicate, no gap
        assert all(page["total"] == len(expected) for page in pages)
        size = int(query.split("&")[0].removeprefix("limit="))
        assert [len(page["items"]) for page in pages[:-1]] == [size] * (len(pages) - 1)


def _cursor(payload: bytes) -> str:
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


WRONG_SHAPE = _cursor(b"[1,2,3]")
BAD_DATE = _cursor(b'["2024-13-01",5]')


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=201", "limit"),
        ("limit=0", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        (f"cursor={WRONG_SHAPE}", "cursor"),
        (f"cursor={BAD_DATE}", "cursor"),
        ("family=ngo", "family"),
        ("type=concern", "type"),
        ("position=maybe", "position"),
        ("source=ftp", "source"),
        ("lang=de", "lang"),
        ("sdg=99", "sdg"),
        ("sdg=5.z", "sdg"),
        ("published_from=yesterday", "published_from"),
        ("withdrawn=perhaps", "withdrawn"),
        ("cycle=x", "cycle"),
        ("colour=red", "colour"),
    ],
)
def test_invalid_parameters_are_problems(client: TestClient, query: str, field: str) -> None:
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert problem["type"].endswith("/validation-error")
    assert problem["errors"][0]["field"] == field


def test_schema_enums_match_the_models() -> None:
    assert set(get_args(Source)) == set(SOURCES)
    assert set(get_args(RecommendationType)) == set(TYPES)
    assert set(get_args(Position)) == set(POSITIONS)
    assert set(get_args(Family)) == set(MECHANISM_FAMILIES)
    assert set(get_args(Lang)) == set(UHRI_LANGUAGES)


def test_language_choice_and_fallback(client: TestClient, corpus: dict[str, int]) -> None:
    def item(name: str, lang: str) -> dict[str, Any]:
        body: dict[str, Any] = client.get(f"{URL}/{corpus[name]}?lang={lang}").json()
        listed = [i for i in client.get(f"{URL}?lang={lang}").json()["items"] if i["id"] == corpus[name]]
        assert {
            k: v for k, v in body.items() if k not in ("texts", "revisions", "status_history", "clusters")
        } == listed[0]
        return body

    a_fr = item("A", "fr")
    assert (a_fr["text_lang"], a_fr["languages"]) == ("fr", ["en", "fr"])
    assert a_fr["text"].startswith("4. Le Comité recommande")
    assert a_fr["sdgs"] == [{"code": c, "title": sdg_entries()[c].titles["fr"]} for c in ("3", "3.8")]
    a_ru = item("A", "ru")
    assert a_ru["text_lang"] == "en"  # no Russian text: English
    assert a_ru["sdgs"][0]["title"] == sdg_entries()["3"].titles["ru"]  # SDG titles exist in every language
    c_fr = item("C", "fr")
    assert (c_fr["text_lang"], c_fr["text"]) == ("es", "118.3 Proteger a los niños y niñas.")  # only Spanish
    e_en = item("E", "en")
    assert (e_en["text_lang"], e_en["languages"]) == ("ru", ["ru"])


def test_detail_texts_and_revisions(client: TestClient, engine: Engine, corpus: dict[str, int]) -> None:
    changed_again = A_EN.replace("primary health care", "primary and mental health care")
    third = import_records(engine, [_uhri_records(changed_again)[0]])
    detail = client.get(f"{URL}/{corpus['A']}").json()
    assert detail["paragraph"] == "4"
    assert detail["text"] == html_to_text(changed_again)
    assert detail["text"].startswith("4. The Committee recommends") and "<" not in detail["text"]
    assert detail["texts"]["en"] == {"text": detail["text"], "original": changed_again}
    assert detail["texts"]["fr"]["original"] == A_FR
    assert list(detail["texts"]) == ["en", "fr"]
    assert detail["needs_review"] is True
    revisions = detail["revisions"]
    assert len(revisions) == 2
    assert revisions[0]["import_run_id"] == third.run_id  # newest first
    assert revisions[0]["changes"]["texts.en"]["new"] == changed_again
    assert revisions[1]["changes"]["texts.en"]["old"] == A_EN
    assert revisions[0]["import_run_id"] > revisions[1]["import_run_id"]

    withdrawn = client.get(f"{URL}/{corpus['W']}").json()
    assert withdrawn["withdrawn"] is True and withdrawn["withdrawn_at"] is not None
    assert withdrawn["revisions"][0]["changes"] == {"withdrawn": {"old": False, "new": True}}


def test_missing_recommendation_is_a_404_problem(client: TestClient, corpus: dict[str, int]) -> None:
    response = client.get(f"{URL}/{max(corpus.values()) + 1000}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/not-found")
    assert client.get(f"{URL}/0").status_code == 422


def test_a_page_costs_a_bounded_number_of_statements(client: TestClient, engine: Engine) -> None:
    import_records(
        engine,
        [
            record(
                f"N{n:03}",
                publication_date=date(2020, 1, 1 + n % 28),
                texts={"en": f"<p>{n}. Text.</p>", "fr": "<p>Texte.</p>"},
                countries=["Peru"],
                themes=[f"Theme {n % 7}", "Right to health"],
                affected_persons=["Children"],
                sdgs=["5", "5.2"],
                mechanism="UPR" if n % 2 else "CRC",
            )
            for n in range(120)
        ],
    )
    app_engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(app_engine, "before_cursor_execute", count)
    try:
        measured: dict[str, int] = {}
        filtered = "limit=50&country=Peru&sdg=5&theme=Right to health&q=text"
        for query in ("limit=50", "limit=5", "limit=200", filtered):
            statements.clear()
            body = client.get(f"{URL}?{query}").json()
            assert body["items"] and body["total"] == 120
            measured[query] = len(statements)
        statements.clear()
        assert client.get(f"{URL}?{filtered}").json() == body
        repeated = len(statements)
    finally:
        event.remove(app_engine, "before_cursor_execute", count)
    # The same page asked again is the page kept for this data version: BEGIN (SQLite), the
    # caller's token and the data version.
    assert repeated == 2 + int(engine.dialect.name == "sqlite"), statements
    # BEGIN (SQLite), the caller's token, the data version of the kept pages, the page (its local
    # rows come by join), the data version and the total, the page's terms, its texts, its
    # responsible entities (one bulk query), its source links (one query when none is linked); a
    # first page holding every match (limit=200) skips the count, and the same filters (limit=5
    # after limit=50) reuse the total counted for them.
    # Filters naming values (country, theme) add one statement checking that they all exist.
    # PostgreSQL runs a page in date order without parallel workers: one SET LOCAL more (not for
    # the filtered page, ranked by relevance).
    setting = int(engine.dialect.name == "postgresql")
    assert max(measured.values()) <= 11 + setting, measured
    assert measured["limit=50"] + 1 - setting == measured[filtered], measured  # not per row
    assert measured["limit=5"] == measured["limit=50"] - 1, measured


def test_total_is_recounted_after_a_new_import_run(client: TestClient, engine: Engine) -> None:
    import_records(engine, [record(f"T{n}") for n in range(3)])
    assert client.get(f"{URL}?limit=1").json()["total"] == 3
    assert client.get(f"{URL}?limit=1").json()["total"] == 3  # counted once, then reused
    import_records(engine, [record(f"U{n}") for n in range(2)])
    assert client.get(f"{URL}?limit=1").json()["total"] == 5
