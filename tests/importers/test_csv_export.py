"""Export to the CSV template: the file imports back to the same recommendations, writing nothing."""

# The manual CSV below is written as a user's file is, one record a line; its Chinese text ends
# in a full-width semicolon, which must not split a list.
# ruff: noqa: E501, RUF001

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, select, update

from app.core.config import Settings
from app.feed.keys import label_key
from app.feed.records import MalformedInput, Rejection, SourceRecord
from app.feed.template.reader import read_csv_template
from app.models import Recommendation, RecommendationTerm, RecommendationText, Term
from importers.csv_export import export_template_csv
from importers.csv_runs import import_csv_template, import_upr_info
from importers.run import import_uhri
from importers.run_record import RunSummary
from tests.conftest import SAMPLE
from tests.uhri_records import snapshot, uhri_record, write_export

BOM = "\ufeff".encode()
WRITES = ("import_runs", "import_leases")  # what any run writes, even one that changes nothing

# A spreadsheet's worth of manual recommendations: translations on the rows below their first row,
# lists in one cell, non-ASCII text, quotes, commas and line breaks inside cells, a text a
# spreadsheet would take for a formula, a mechanism by alias and one the project does not know, a
# row without external_id, countries as an ISO code and in everyday spelling.
MANUAL_CSV = """\
external_id,mechanism,type,symbol,text,language,publication_date,countries,regions,themes,affected_persons,sdgs,recommending_states,recommending_regions,upr_session,position
ACHPR-LSO-2023-17,African Commission on Human and Peoples' Rights,recommendation,ACHPR/Res.522 (LXXII) 2022,"17. Criminalise marital rape and adopt a law ""on gender-based violence"", in line with:
- Article 4 of the Maputo Protocol;
- the Commission's General Comment 4.",en,2023-05-10,Lesotho; South Africa,Africa,Women's rights; Domestic violence,Women & girls; Children,5.2; 16.3; 16.a,,,,
ACHPR-LSO-2023-17,,,,"17. Ériger le viol conjugal en infraction et adopter une loi « sur la violence fondée sur le genre », conformément à l'article 4 du Protocole de Maputo.",fr,,,,,,,,,,
ACHPR-LSO-2023-17,,,,"17. تجريم الاغتصاب الزوجي واعتماد قانون شامل بشأن العنف القائم على النوع الاجتماعي.",ar,,,,,,,,,,
,CIDH,observation,OEA/Ser.L/V/II doc. 12,"La Comisión observa con preocupación la falta de datos sobre la violencia contra las mujeres indígenas, en particular en la Amazonía.",es,2024-02-01,PE,Latin America and the Caribbean,Indigenous peoples,Women & girls; Indigenous peoples,5.2,,,,
UPR-PER-42-118.7,UPR,recommendation,A/HRC/56/5,"=Ratify the Optional Protocol to the Convention against Torture (Norway) (Chile);",en,2024-07-01,Peru,,Torture & ill-treatment,,16.3,Norway; Chile; Turkey,WEOG; GRULAC,42,accepted
UPR-PER-42-118.7,,,,"=Ратифицировать Факультативный протокол к Конвенции против пыток;",ru,,,,,,,,,,
UPR-PER-42-118.7,,,,"批准《禁止酷刑公约任择议定书》；",zh,,,,,,,,,,
DP-2024-3,Defensoría del Pueblo del Perú,recommendation,,"- Garantizar el acceso a la justicia de las comunidades campesinas, sin discriminación.",es,,Peru,,Access to justice,Peasants & rural workers,,,,,
"""
MANUAL_COUNT = 4


def export_text(engine: Engine, **options: Any) -> str:
    out = io.StringIO(newline="")
    export_template_csv(engine, out, **options)
    return out.getvalue()


def export_file(engine: Engine, path: Path, **options: Any) -> tuple[Path, int]:
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        count = export_template_csv(engine, out, **options)
    return path, count


def given_ids_of_their_own(path: Path) -> int:
    """The export's UHRI rows given ids of their own (``uhri:x`` becomes ``copy-x``), to import them as
    manual recommendations on purpose: as exported they are rejected (test_feed_rows_in_template.py).
    How many rows were."""
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(text.replace("\r\nuhri:", "\r\ncopy-").encode())
    return text.count("\r\nuhri:")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def ok(summary: RunSummary) -> RunSummary:
    assert summary.ok, summary.line()
    assert summary.counts.rejected == 0, summary.line()
    return summary


def every_state(settings: Settings) -> Settings:
    """An instance of every State: the files hold other States' recommendations (Lesotho's)."""
    return settings.model_copy(update={"country": ""})


@pytest.fixture
def manual(engine: Engine, settings: Settings, tmp_path: Path) -> Engine:
    return import_manual(engine, settings, tmp_path)


def import_manual(engine: Engine, settings: Settings, tmp_path: Path) -> Engine:
    """UPR Info's Peru sample and the manual CSV above, imported."""
    ok(import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv"))
    path = tmp_path / "manual.csv"
    path.write_text(MANUAL_CSV, encoding="utf-8")
    assert ok(import_csv_template(engine, every_state(settings), path)).counts.created == MANUAL_COUNT
    return engine


@pytest.fixture
def uhri(engine: Engine, settings: Settings) -> Engine:
    ok(import_uhri(engine, settings, str(SAMPLE / "export-full-en.json"), country="Peru"))
    return engine


def count_recommendations(engine: Engine, *conditions: Any) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(Recommendation).where(*conditions)
        return conn.execute(query).scalar_one()


# --- the round trip ---------------------------------------------------------------------------


def test_manual_export_reimports_unchanged_and_writes_nothing(
    manual: Engine, settings: Settings, tmp_path: Path
) -> None:
    path, count = export_file(manual, tmp_path / "export.csv", source="manual")
    assert count == MANUAL_COUNT
    before = snapshot(manual, skip=WRITES)

    summary = ok(import_csv_template(manual, every_state(settings), path))

    assert (summary.counts.created, summary.counts.updated) == (0, 0)
    assert summary.counts.unchanged == MANUAL_COUNT
    assert snapshot(manual, skip=WRITES) == before
    # ...and exporting again gives the same bytes.
    assert export_file(manual, tmp_path / "again.csv", source="manual")[0].read_bytes() == path.read_bytes()


def test_manual_export_cells(manual: Engine) -> None:
    text = export_text(manual, source="manual")
    rows = rows_of(text)

    # One row per recommendation, a text column per language present, the UN languages in order.
    assert len(rows) == MANUAL_COUNT
    assert text.splitlines()[0] == (
        "external_id,mechanism,type,symbol,text_en,text_fr,text_es,text_ar,text_ru,text_zh,"
        "publication_date,countries,regions,themes,affected_persons,sdgs,recommending_states,"
        "recommending_regions,upr_session,position"
    )
    by_id = {row["external_id"]: row for row in rows}
    achpr = by_id["ACHPR-LSO-2023-17"]
    assert achpr["text_en"].startswith(
        '17. Criminalise marital rape and adopt a law "on gender-based violence"'
    )
    assert "\n- Article 4 of the Maputo Protocol;\n" in achpr["text_en"]
    assert achpr["text_fr"].startswith("17. Ériger le viol conjugal")
    assert achpr["text_ar"].startswith("17. تجريم الاغتصاب الزوجي")
    assert achpr["text_es"] == achpr["text_ru"] == achpr["text_zh"] == ""
    assert achpr["mechanism"] == "African Commission on Human and Peoples' Rights"
    assert achpr["countries"] == "Lesotho; South Africa"
    assert achpr["affected_persons"] == "Children; Women & girls"
    assert achpr["sdgs"] == "5.2; 16.3; 16.a"
    assert achpr["publication_date"] == "2023-05-10"

    (iachr,) = [row for row in rows if row["mechanism"] == "CIDH"]
    assert iachr["type"] == "observation"
    assert iachr["countries"] == "Peru"  # "PE" as stored: the UHRI name
    assert len(iachr["external_id"]) == 32  # the derived id, now explicit
    assert iachr["text_es"].startswith("La Comisión observa") and iachr["text_en"] == ""

    upr = by_id["UPR-PER-42-118.7"]
    assert (
        upr["text_en"] == "'=Ratify the Optional Protocol to the Convention against Torture (Norway) (Chile);"
    )
    assert upr["text_ru"] == "'=Ратифицировать Факультативный протокол к Конвенции против пыток;"
    assert upr["text_zh"] == "批准《禁止酷刑公约任择议定书》；"
    assert upr["recommending_states"] == "Chile; Norway; Türkiye"
    assert (upr["upr_session"], upr["position"]) == ("42", "supported")

    ombudsman = by_id["DP-2024-3"]
    assert ombudsman["mechanism"] == "Defensoría del Pueblo del Perú"  # a body the user named: its name
    assert ombudsman["text_es"].startswith("'- Garantizar")


def test_only_the_languages_of_the_selection_get_a_column(manual: Engine) -> None:
    header = export_text(manual, source="upr-info").splitlines()[0].split(",")
    assert [name for name in header if name.startswith("text")] == ["text_en"]


def test_mechanism_is_written_as_one_of_its_stored_spellings(manual: Engine) -> None:
    """Re-importing then adds no spelling: the file's ACHPR name, not the code it never used;
    IACHR's alias "CIDH", its only spelling so far."""
    rows = rows_of(export_text(manual, source="manual"))
    assert {row["mechanism"] for row in rows} == {
        "African Commission on Human and Peoples' Rights",
        "CIDH",
        "UPR",
        "Defensoría del Pueblo del Perú",
    }


def test_other_sources_are_left_out_and_exported_on_request(manual: Engine) -> None:
    upr_info = rows_of(export_text(manual, source="upr-info"))
    assert len(upr_info) == count_recommendations(manual, Recommendation.source == "upr-info") == 11
    assert all(row["external_id"].startswith("upr-info:") for row in upr_info)
    assert {row["mechanism"] for row in upr_info} == {"UPR"}
    assert len(rows_of(export_text(manual))) == 11 + MANUAL_COUNT


def test_export_of_the_uhri_sample(uhri: Engine) -> None:
    total = count_recommendations(uhri, Recommendation.source == "uhri")
    assert total == 47

    rows = rows_of(export_text(uhri, source="uhri"))

    assert len(rows) == total  # English only: one row each
    by_id = {row["external_id"]: row for row in rows}
    crc = by_id["uhri:b57cfd85-d969-4e68-a3b2-c31b5d56b85a"]
    assert crc["mechanism"] == "CRC"
    assert crc["type"] == "recommendation"
    assert crc["symbol"] == "CRC/C/PER/CO/6-7"
    assert crc["publication_date"] == "2025-02-12"
    assert crc["countries"] == "Peru"
    assert crc["regions"] == "Latin America and the Caribbean"
    assert crc["sdgs"] == "2.2; 3; 3.7; 3.8"  # codes, in SDG order
    # Plain text, not the index's HTML; paragraphs on lines of their own.
    assert crc["text_en"].startswith("Right to health\n18. The Committee recommends that the State party:\n")
    assert "<" not in "".join(row["text_en"] for row in rows)
    upr = by_id["uhri:b50ce82e-ffa8-4ed3-be1a-3ee1f3075011"]
    assert upr["recommending_states"] == "Bolivia (Plurinational State of); Norway"
    assert upr["recommending_regions"] == "GRULAC; WEOG"
    assert (upr["upr_session"], upr["position"]) == ("14", "supported")
    assert by_id["uhri:30d01336-c30f-4bf3-a646-aacdaa15d9eb"]["countries"] == "Peru"  # the "PE" stub
    assert by_id["uhri:5eb87990-b692-4867-86eb-b7a26ba4e6e6"]["countries"] == "Chile; Peru"


def test_uhri_rows_given_ids_of_their_own_import_as_manual_onto_the_same_mechanisms_and_terms(
    uhri: Engine, settings: Settings, tmp_path: Path
) -> None:
    path, count = export_file(uhri, tmp_path / "uhri.csv", source="uhri")
    assert given_ids_of_their_own(path) == count
    vocabulary = ("mechanisms", "mechanism_labels", "terms")
    before = {name: rows for name, rows in snapshot(uhri).items() if name in vocabulary}

    summary = ok(import_csv_template(uhri, every_state(settings), path))

    assert summary.counts.created == count == 47
    assert {name: rows for name, rows in snapshot(uhri).items() if name in vocabulary} == before
    with uhri.connect() as conn:
        links = select(Recommendation.source, Recommendation.mechanism_id, func.count()).group_by(
            Recommendation.source, Recommendation.mechanism_id
        )
        counts: dict[str, set[tuple[int, int]]] = {}
        for source, mechanism_id, n in conn.execute(links):
            counts.setdefault(source, set()).add((mechanism_id, n))
    assert counts["manual"] == counts["uhri"]


def test_country_filter(uhri: Engine) -> None:
    everything = export_text(uhri)
    assert export_text(uhri, country="Peru") == everything
    assert export_text(uhri, country="PE") == everything
    chile = rows_of(export_text(uhri, country="chile"))
    assert [row["external_id"] for row in chile] == ["uhri:5eb87990-b692-4867-86eb-b7a26ba4e6e6"]
    nowhere = export_text(uhri, country="Narnia")
    assert nowhere.startswith("external_id,mechanism,") and rows_of(nowhere) == []


def test_withdrawn_recommendations_only_on_request(uhri: Engine) -> None:
    with uhri.begin() as conn:
        conn.execute(
            update(Recommendation)
            .where(Recommendation.external_id == "b57cfd85-d969-4e68-a3b2-c31b5d56b85a")
            .values(withdrawn=True)
        )
    ids = {row["external_id"] for row in rows_of(export_text(uhri))}
    assert len(ids) == 46 and "uhri:b57cfd85-d969-4e68-a3b2-c31b5d56b85a" not in ids
    assert len(rows_of(export_text(uhri, include_withdrawn=True))) == 47


def test_semicolon_in_a_label_becomes_a_comma_and_maps_to_the_same_term(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    feed = write_export(tmp_path / "export.json", [uhri_record(1, Themes=["Rights; duties of States"])])
    ok(import_uhri(engine, settings, str(feed)))
    path, count = export_file(engine, tmp_path / "export.csv")
    (row,) = rows_of(path.read_text(encoding="utf-8-sig"))
    assert count == 1 and row["themes"] == "Rights, duties of States"
    terms_before = snapshot(engine)["terms"]

    assert given_ids_of_their_own(path) == 1
    ok(import_csv_template(engine, every_state(settings), path))

    assert snapshot(engine)["terms"] == terms_before
    with engine.connect() as conn:
        theme = conn.execute(
            select(Term.id).where(Term.kind == "theme", Term.key == label_key("Rights; duties of States"))
        ).scalar_one()
        tagged = conn.execute(
            select(Recommendation.source)
            .join(RecommendationTerm, RecommendationTerm.recommendation_id == Recommendation.id)
            .where(RecommendationTerm.role == "theme", RecommendationTerm.term_id == theme)
        ).scalars()
        assert sorted(tagged) == ["manual", "uhri"]


def test_a_recommendation_that_would_not_read_back_is_skipped_and_reported(uhri: Engine) -> None:
    with uhri.begin() as conn:
        rec_id = conn.execute(
            select(Recommendation.id).where(
                Recommendation.external_id == "b57cfd85-d969-4e68-a3b2-c31b5d56b85a"
            )
        ).scalar_one()
        conn.execute(delete(RecommendationText).where(RecommendationText.recommendation_id == rec_id))
    skipped: list[tuple[int, str]] = []
    out = io.StringIO(newline="")

    count = export_template_csv(uhri, out, on_skip=lambda rec, reason: skipped.append((rec, reason)))

    assert count == 46 == len(rows_of(out.getvalue()))
    assert skipped == [(rec_id, "it has no text")]


@pytest.fixture
def statements(uhri: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(uhri, "before_cursor_execute", record)
    yield seen
    event.remove(uhri, "before_cursor_execute", record)


def test_chunks_stream_in_id_order_with_bulk_queries(uhri: Engine, statements: list[str]) -> None:
    whole = export_text(uhri)
    in_one_chunk = len(statements)
    statements.clear()
    chunked = export_text(uhri, chunk_size=5)

    assert chunked == whole
    ids = [row["external_id"] for row in rows_of(chunked)]
    with uhri.connect() as conn:
        stored = conn.execute(select(Recommendation.external_id).order_by(Recommendation.id)).scalars()
        assert ids == [f"uhri:{external_id}" for external_id in stored]
    # One query for the languages of the header, then a few a chunk (rows, texts, terms, and the
    # mechanisms not seen yet), never one a recommendation: 47 recommendations take 7 statements
    # in one chunk (BEGIN on SQLite included), and at most 5 a chunk in 10.
    assert in_one_chunk <= 7, statements
    assert len(statements) <= 2 + 10 * 5, statements


# --- the reader's text_<language> columns -------------------------------------------------------


def read_file(tmp_path: Path, content: str) -> list[SourceRecord | Rejection]:
    path = tmp_path / "wide.csv"
    path.write_text(content, encoding="utf-8")
    return list(read_csv_template(path))


def test_text_columns_read_as_the_languages_of_one_recommendation(tmp_path: Path) -> None:
    (record,) = read_file(
        tmp_path,
        "mechanism,text_en,text_FR,text_pt-BR\r\nCRC,Adopt a law.,,Adotar uma lei.\r\nCRC,,Adopter une loi.,\r\n",
    )[:1]
    assert isinstance(record, SourceRecord)
    assert record.texts == {"en": "Adopt a law.", "pt-BR": "Adotar uma lei."}


def test_text_columns_beside_text_and_language(tmp_path: Path) -> None:
    agreeing, differing, empty = read_file(
        tmp_path,
        "external_id,mechanism,text,language,text_fr\r\n"
        "a,CRC,Adopt a law.,en,Adopter une loi.\r\n"
        "b,CRC,Adopter une loi.,fr,Adopter une autre loi.\r\n"
        "c,CRC,,,\r\n",
    )
    assert isinstance(agreeing, SourceRecord)
    assert agreeing.texts == {"en": "Adopt a law.", "fr": "Adopter une loi."}
    assert isinstance(differing, Rejection)
    assert differing.reason == "text_fr: differs from the text in column 'text', also 'fr'"
    assert isinstance(empty, Rejection) and empty.reason == "text: empty"


def test_a_file_without_any_text_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MalformedInput, match=r"missing required column\(s\) 'text'.*text_<language>"):
        read_file(tmp_path, "mechanism,symbol\r\nCRC,CRC/C/PER/CO/6-7\r\n")
    with pytest.raises(MalformedInput, match="column 'text_fr' appears twice"):
        read_file(tmp_path, "mechanism,text_fr,TEXT_FR\r\nCRC,a,b\r\n")
