"""On every import: the paragraphs a follow-up request names are selected with their due date, the next
report's date is kept, and a paragraph named but missing is a warning of the run."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from app.core.advisory import DOCUMENT_LOCKS
from app.core.config import Settings
from app.followup.detection import detect_all
from app.followup.reading import follow_up_due, next_reports_due
from app.models import FollowUpDocument, ImportWarning, RecommendationFollowUp
from importers.run import import_uhri
from tests.factories import import_records, record
from tests.followup.documents import CAT, CRC, CRC_REQUEST, cat_document, crc_document, selected, selection
from tests.followup.phrasings import FOLLOW_UP, NEXT_REPORT
from tests.uhri_records import uhri_record, write_export


def test_an_import_selects_exactly_the_named_paragraphs_with_the_due_date(engine: Engine) -> None:
    summary = import_records(engine, crc_document())

    assert selected(engine, CRC) == {
        "10": (date(2027, 2, 12), "b"),
        "20": (date(2027, 2, 12), None),
        "32": (date(2027, 2, 12), None),
    }
    with Session(engine) as session:
        document = session.get(FollowUpDocument, CRC)
        assert document is not None
        assert (document.request_paragraph, document.request_months) == ("49", 24)
        assert document.named == ["10 (b)", "20", "32"] and document.missing == []
        assert (document.report_due, document.report_what) == (
            date(2030, 10, 3),
            "combined eighth and ninth periodic reports",
        )
        assert document.detected_run_id == summary.run_id
    assert summary.warnings == 0


def test_a_paragraph_named_but_missing_is_a_warning_of_the_run(engine: Engine) -> None:
    summary = import_records(engine, cat_document())

    assert selected(engine, CAT) == {"9": (date(2025, 11, 28), None), "13": (date(2025, 11, 28), "a")}
    assert summary.warnings == 1 and "1 warning" in summary.line() and "1 warnings" not in summary.line()
    with Session(engine) as session:
        (warning,) = session.scalars(select(ImportWarning))
    assert warning.import_run_id == summary.run_id
    assert warning.position == f"{CAT}, paragraph 45"
    assert "paragraph 31" in warning.message


def test_a_changed_request_moves_the_detected_selection(engine: Engine) -> None:
    import_records(engine, crc_document())
    changed = CRC_REQUEST.replace("twenty-four months", "one year").replace("10 (b), 20 and 32", "11 and 20")

    import_records(engine, crc_document(changed))

    assert selected(engine, CRC) == {"11": (date(2026, 2, 12), None), "20": (date(2026, 2, 12), None)}
    assert selection(engine, CRC)["10"] == (False, None, None)


def test_a_document_whose_request_is_gone_keeps_no_selection(engine: Engine) -> None:
    import_records(engine, crc_document())
    import_records(engine, crc_document("49. The Committee thanks the State party for its dialogue."))

    assert selected(engine, CRC) == {}
    with Session(engine) as session:
        document = session.get(FollowUpDocument, CRC)
    assert document is not None and document.follow_up_due is None and document.report_due is not None


def test_an_unchanged_reimport_reads_nothing_again(engine: Engine) -> None:
    import_records(engine, crc_document())
    with Session(engine) as session:
        before = session.get(FollowUpDocument, CRC)
        assert before is not None
        first_run = before.detected_run_id
    import_records(engine, crc_document())
    with Session(engine) as session:
        after = session.get(FollowUpDocument, CRC)
        assert after is not None and after.detected_run_id == first_run


def test_detect_all_reads_the_stored_documents(engine: Engine) -> None:
    import_records(engine, [*crc_document(), *cat_document()])
    with engine.begin() as conn:
        conn.execute(delete(RecommendationFollowUp))
        conn.execute(delete(FollowUpDocument))
        result = detect_all(conn)

    assert (result.documents, result.requests, result.reports, result.selected) == (2, 2, 1, 5)
    assert [position for position, _ in result.warnings] == [f"{CAT}, paragraph 45"]
    assert set(selected(engine, CRC)) == {"10", "20", "32"}


def test_the_calendar_reads_follow_up_and_report_dates(engine: Engine) -> None:
    import_records(engine, [*crc_document(), *cat_document()])
    with Session(engine) as session:
        due = follow_up_due(session)
        reports = next_reports_due(session)
        later = follow_up_due(session, date_from=date(2026, 1, 1))

    assert [(item.due, item.mechanism, item.symbol, len(item.recommendation_ids)) for item in due] == [
        (date(2025, 11, 28), "CAT", CAT, 2),
        (date(2027, 2, 12), "CRC", CRC, 3),
    ]
    assert [item.symbol for item in later] == [CRC]
    assert due[0].grade is None and due[0].grades == {}
    assert [(r.due, r.mechanism, r.symbol) for r in reports] == [(date(2030, 10, 3), "CRC", CRC)]


def test_a_uhri_export_goes_the_same_way(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    """Through the UHRI JSON reader, as the scheduled import reads it: a CEDAW document."""
    symbol = "CEDAW/C/PER/CO/9"
    texts = {
        15: "15. The Committee recommends that the State party adopt a law on gender equality.",
        16: "16. The Committee recommends that the State party: (a) train judges; (b) fund legal aid; (c) "
        "collect data.",
        38: "38. The Committee recommends that the State party: (a) amend its labour code; (b) raise wages.",
        55: "55. The Committee requests the State party to provide, within two years, written information "
        "on the steps taken to implement the recommendations contained in paragraphs 16 (c) and 38 (b) "
        "above.",
        57: "57. The Committee invites the State party to submit its tenth periodic report by 1 November "
        "2028.",
    }
    records = [
        uhri_record(
            n, Symbol=symbol, Body="- CEDAW", Text=f"<p>{text}</p>", PublicationDate="2024-10-30T00:00:00"
        )
        for n, text in texts.items()
    ]

    run = import_uhri(engine, settings, str(write_export(tmp_path / "export.json", records)))

    assert run.outcome == "succeeded", run.message
    assert selected(engine, symbol) == {"16": (date(2026, 10, 30), "c"), "38": (date(2026, 10, 30), "b")}
    with Session(engine) as session:
        reports = next_reports_due(session)
    assert [(r.due, r.mechanism, r.what) for r in reports] == [
        (date(2028, 11, 1), "CEDAW", "tenth periodic report")
    ]


def test_a_document_without_a_date_selects_without_a_due_date_and_warns(engine: Engine) -> None:
    undated = [replace(item, publication_date=None) for item in crc_document()]

    summary = import_records(engine, undated)

    assert selected(engine, CRC) == {"10": (None, "b"), "20": (None, None), "32": (None, None)}
    with Session(engine) as session:
        messages = session.scalars(select(ImportWarning.message)).all()
    assert messages == ["the follow-up request's due date is unknown: the document has no date"]
    assert summary.warnings == 1


def test_every_known_phrasing_passes_the_search_index_hint(engine: Engine) -> None:
    """A paragraph is read only if the search index finds "para*" or "periodic report(s)" in it:
    each committee phrasing the reader knows, alone in a document of its own (a paragraph number
    written against its word, "paragraphs10", too), is still read on import."""
    follow_up = [
        *(text for _, text, _, _ in FOLLOW_UP),
        FOLLOW_UP[1][1].replace("paragraphs 10", "paragraphs10"),
    ]
    reports = [text for _, text, _, _ in NEXT_REPORT]
    import_records(
        engine,
        [
            record(
                f"hint-{n}", f"<p>{text}</p>", symbol=f"CRC/C/HNT/CO/{n}", publication_date=date(2025, 1, 1)
            )
            for n, text in enumerate([*follow_up, *reports])
        ],
    )
    with Session(engine) as session:
        documents = {doc.symbol: doc for doc in session.scalars(select(FollowUpDocument))}
    for n, text in enumerate(follow_up):
        document = documents.get(f"CRC/C/HNT/CO/{n}")
        assert document is not None and document.request_paragraph is not None, text
    for n, text in enumerate(reports, start=len(follow_up)):
        document = documents.get(f"CRC/C/HNT/CO/{n}")
        assert document is not None and document.report_due is not None, text


def test_reading_many_documents_holds_a_bounded_number_of_locks(engine: Engine) -> None:
    # Each document read took a lock of its own until the import committed: PostgreSQL keeps every
    # session's locks in one table (64 a connection by default), so an import of a few thousand
    # documents would have failed, "out of shared memory".
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writers hold the database's write lock: no lock of a document")
    documents = 2 * DOCUMENT_LOCKS + 50
    import_records(
        engine,
        [
            record(f"doc-{n}", f"<p>{n}. The Committee recommends.</p>", symbol=f"CRC/C/X/CO/{n}")
            for n in range(documents)
        ],
    )
    with engine.connect() as conn:
        assert detect_all(conn).documents == documents
        held = conn.execute(
            sql("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        ).scalar_one()
        conn.rollback()
    assert 0 < held <= DOCUMENT_LOCKS
