"""Imports from local files, end to end on the real database: the bundled UPR Info CSV and UHRI
XLSX samples, the CSV template's export -> import round trip, and a one-State instance's rows about
other States. Files that cannot be read: test_unreadable_files.py."""

# Typographic quotes and dashes are the point here: they are what legacy encodings get wrong.
# ruff: noqa: RUF001

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.feed.records import SourceRecord
from app.feed.template.reader import read_csv_template
from app.feed.template.writer import write_template_rows
from app.models import ImportRun, Mechanism, Recommendation, RecommendationTerm, RecommendationText, Term
from app.models.imports import RejectedRecord
from importers.csv_runs import import_csv_template, import_upr_info
from importers.run import import_uhri
from importers.run_record import RunSummary
from tests.importers.file_samples import UHRI_JSON, UHRI_XLSX, UPR_INFO, data_unchanged


def counts(run: RunSummary) -> dict[str, int]:
    return vars(run.counts)


def by_text_start(engine: Engine, start: str) -> Recommendation:
    """The one recommendation whose English text starts with ``start``."""
    with Session(engine) as session:
        return session.execute(
            select(Recommendation)
            .join(RecommendationText, RecommendationText.recommendation_id == Recommendation.id)
            .where(RecommendationText.lang == "en", RecommendationText.text.startswith(start))
        ).scalar_one()


def linked_labels(engine: Engine, recommendation_id: int, role: str) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                select(Term.label)
                .join(RecommendationTerm, RecommendationTerm.term_id == Term.id)
                .where(
                    RecommendationTerm.recommendation_id == recommendation_id,
                    RecommendationTerm.role == role,
                )
            ).scalars()
        )


# --- UPR Info CSV ----------------------------------------------------------------------------


def test_upr_info_sample_imports_and_reimports_unchanged(engine: Engine, settings: Settings) -> None:
    # Windows-1252, old-Mac CR-only line endings: the sample is exactly what the wild holds.
    raw = UPR_INFO.read_bytes()
    assert b"\r" in raw and b"\n" not in raw and b"\x93" in raw  # cp1252's left double quote

    run = import_upr_info(engine, settings, UPR_INFO)

    assert run.outcome == "succeeded", run.message
    assert counts(run) == {
        "read": 11,
        "skipped": 0,
        "created": 11,
        "updated": 0,
        "unchanged": 0,
        "withdrawn": 0,
        "rejected": 0,
    }
    with engine.connect() as conn:
        texts = set(conn.execute(select(RecommendationText.text)).scalars())
        positions = dict(
            conn.execute(
                select(Recommendation.position, func.count()).group_by(Recommendation.position)
            ).all()
        )
        cycles = dict(
            conn.execute(select(Recommendation.upr_session, Recommendation.upr_cycle).distinct()).all()
        )
        mechanisms = conn.execute(select(Mechanism.code, Mechanism.family)).all()
        issues = set(conn.execute(select(Term.label).where(Term.kind == "issue")).scalars())
        run_row = conn.execute(select(ImportRun.source, ImportRun.format)).one()
        stored_message = conn.execute(select(ImportRun.message)).scalar_one()
    # Accents, typographic quotes, dashes and the ellipsis decoded as Windows-1252, not Mac Roman.
    assert (
        "Guarantee intercultural bilingual education and reduce the school dropout rate among "
        "indigenous and rural children, as in the “Escuelas Bilingües” programme"
    ) in texts
    assert (
        "Strengthen the protection of human rights defenders – including environmental defenders and "
        "indigenous leaders – and ensure that attacks against them are investigated and punished"
    ) in texts
    assert any(text.endswith("national preventive mechanism of the Defensoría del Pueblo") for text in texts)
    assert any(text.endswith("Venezuelan migrants and refugees…") for text in texts)
    assert any("(minería informal)" in text for text in texts)
    assert positions == {"supported": 9, "noted": 2}
    assert cycles == {14: 2, 28: 3, 42: 4}
    assert [tuple(row) for row in mechanisms] == [("UPR", "upr")]
    assert tuple(run_row) == ("upr-info", "csv")
    # The encoding was guessed: the run says which one, where the run is read (API, staff page).
    assert stored_message == run.message
    assert run.message is not None
    assert run.message.startswith(
        "the file is not UTF-8: it was read as Windows-1252 (its accented letters read as Windows-1252); "
        "if its accented letters look wrong, save it as 'CSV UTF-8' and import it again"
    )
    # Issues: one quoted cell, several issues joined by commas; stored as terms of kind "issue".
    assert issues == {
        "International instruments",
        "ESC rights - general",
        "Detention conditions",
        "Indigenous peoples",
        "Development",
        "Environment",
        "Business and Human Rights",
        "Human rights defenders",
        "Impunity",
        "Women's rights",
        "Right to health",
        "Sexual and reproductive health",
        "Right to education",
        "Rights of the Child",
        "Torture and other CID",
        "NHRI",
        "Migrants",
        "Asylum-seekers - refugees",
        "Labour",
        "Child labour",
    }

    rec = by_text_start(engine, "Adopt the necessary measures to prevent and punish torture")
    assert (rec.source, rec.position, rec.upr_info_action, rec.upr_session) == (
        "upr-info",
        "supported",
        4,
        42,
    )
    assert linked_labels(engine, rec.id, "issue") == [
        "Detention conditions",
        "NHRI",
        "Torture and other CID",
    ]
    assert linked_labels(engine, rec.id, "recommending_state") == ["Côte d'Ivoire"]
    assert linked_labels(engine, rec.id, "recommending_region") == ["Africa"]
    assert linked_labels(engine, rec.id, "country") == ["Peru"]
    assert linked_labels(engine, rec.id, "region") == ["GRULAC"]

    abortion = by_text_start(engine, "Decriminalize abortion")
    assert (abortion.position, abortion.upr_info_action, abortion.upr_cycle) == ("noted", 5, 3)
    migrants = by_text_start(engine, "Continue to implement measures")
    assert migrants.upr_info_action == 1
    assert linked_labels(engine, migrants.id, "recommending_state") == ["Türkiye"]

    unchanged = data_unchanged(engine)
    again = import_upr_info(engine, settings, UPR_INFO, encoding="cp1252")
    assert again.outcome == "succeeded", again.message
    assert again.message is None  # an encoding named is no guess
    assert (again.counts.created, again.counts.updated, again.counts.unchanged) == (0, 0, 11)
    assert unchanged()


# --- UHRI search-page XLSX -------------------------------------------------------------------


def test_xlsx_export_of_the_same_records_changes_nothing(engine: Engine, settings: Settings) -> None:
    first = import_uhri(engine, settings, str(UHRI_JSON))
    assert first.outcome == "succeeded", first.message
    assert (first.counts.read, first.counts.created, first.counts.skipped) == (80, 47, 33)
    unchanged = data_unchanged(engine)

    run = import_uhri(engine, settings, str(UHRI_XLSX))

    assert run.outcome == "succeeded", run.message
    assert counts(run) == {
        "read": 10,
        "skipped": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 10,
        "withdrawn": 0,
        "rejected": 0,
    }
    # Plain text without DocumentId, dates as Excel serials: the same records, so nothing is written
    # (no revision, no needs_review, DocumentId and HTML text kept).
    assert unchanged()
    with engine.connect() as conn:
        xlsx_run = conn.execute(
            select(ImportRun.format, ImportRun.full_export).where(ImportRun.id == run.run_id)
        ).one()
    assert tuple(xlsx_run) == ("xlsx", False)  # a search-page export never withdraws the rest


# --- the CSV template: export -> import ------------------------------------------------------

# As a person fills it in: codes and long names, other spellings, spaces, a translation row.
USER_TEMPLATE = (
    "external_id,mechanism,type,symbol,text,language,publication_date,countries,regions,themes,"
    "affected_persons,sdgs,recommending_states,recommending_regions,upr_session,position\r\n"
    'IACHR-PER-2024-3,IACHR,Observations,OEA/Ser.L/V/II Doc. 3/24,"3. The Commission is concerned '
    'about the ""Reinfo"" register; it calls for:\nconsultation, and data.",en,2024-02-01, Peru ;Chile,'
    "Americas,Indigenous peoples ; Right to a healthy environment,Indigenous peoples,"
    "16.2 - Protect children from abuse; 5,,,,\r\n"
    'IACHR-PER-2024-3,,,,"3. La Comisión expresa preocupación por el registro «Reinfo»; pide consulta.",'
    "es,,,,,,,,,,\r\n"
    ",ACHPR,recommendation,,- Adopt a law on defenders,en,2023-05-10,Peru,,Human rights defenders,,,,,,\r\n"
    "UPR-PER-42-1,UPR,,A/HRC/56/12,118.12 Ratify the Escazú Agreement,,2024-07-01,PE,,,,13,"
    "Norway; Chile,WEOG; GRULAC,42,accepted\r\n"
)


def test_template_export_round_trips_unchanged(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    user_file = tmp_path / "filled-in.csv"
    user_file.write_bytes(USER_TEMPLATE.encode("utf-8"))
    run = import_csv_template(engine, settings, user_file)
    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.rejected) == (3, 0)
    imported = [item for item in read_csv_template(user_file) if isinstance(item, SourceRecord)]
    assert len(imported) == 3

    exported = tmp_path / "export.csv"
    with exported.open("w", encoding="utf-8-sig", newline="") as out:
        write_template_rows(imported, out)
    assert exported.read_bytes() != user_file.read_bytes()  # the export's own spelling, with a BOM
    assert "'- Adopt a law on defenders" in exported.read_text(encoding="utf-8-sig")  # formula guard
    unchanged = data_unchanged(engine)

    again = import_csv_template(engine, settings, exported)

    assert again.outcome == "succeeded", again.message
    assert counts(again) == {
        "read": 3,
        "skipped": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "withdrawn": 0,
        "rejected": 0,
    }
    assert unchanged()
    with engine.connect() as conn:
        langs = [tuple(row) for row in conn.execute(select(RecommendationText.lang, RecommendationText.text))]
    assert ("es", "3. La Comisión expresa preocupación por el registro «Reinfo»; pide consulta.") in langs
    assert ("en", "- Adopt a law on defenders") in langs
    upr = by_text_start(engine, "118.12 Ratify")
    assert (upr.position, upr.upr_session, upr.upr_cycle, upr.paragraph) == ("supported", 42, 4, "118.12")


THREE_STATES = (
    "external_id,mechanism,type,symbol,text,language,publication_date,countries\r\n"
    "OWN-1,IACHR,recommendation,,1. Adopt the plan.,en,2024-02-01,Peru\r\n"
    "OTHER-1,ACHPR,recommendation,,2. Ratify the protocol.,en,2024-02-01,Lesotho\r\n"
    "NONE-1,ACHPR,recommendation,,3. Train the police.,en,2024-02-01,\r\n"
)


def test_on_a_one_state_instance_a_row_about_another_state_is_rejected(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """With NRTD_COUNTRY set, a row naming other States only would be stored beside the instance's own
    and shown on its portal: it is rejected, saying why; a row naming no State is the instance's."""
    path = tmp_path / "manual.csv"
    path.write_bytes(THREE_STATES.encode("utf-8"))
    run = import_csv_template(engine, settings.model_copy(update={"country": "PE"}), path)
    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.rejected) == (2, 1)
    with Session(engine) as session:
        stored = set(session.scalars(select(Recommendation.external_id)))
        reasons = list(session.scalars(select(RejectedRecord.reason)))
    assert stored == {"OWN-1", "NONE-1"}
    assert len(reasons) == 1 and "about Lesotho, not Peru" in reasons[0] and "NRTD_COUNTRY" in reasons[0]
    # A name no State has (a typo, a spelling out of the lists) was rejected as "about Republica del
    # Peru, not Peru ... import it into a database of its own": it names the closest States instead.
    typo = tmp_path / "typo.csv"
    typo.write_bytes(b"mechanism,text,countries\r\nIACHR,4. Adopt the law.,Republica del Peru\r\n")
    run = import_csv_template(engine, settings.model_copy(update={"country": "PE"}), typo)
    reason = run.rejections[0].reason
    assert reason.startswith("countries: 'Republica del Peru' is no State this import knows (closest: Peru")
    assert reason.endswith(
        "write the State as UHRI spells it, in a UN language, or as its ISO code (PE for Peru)"
    )
    # An instance of every State keeps every row.
    everything = import_csv_template(engine, settings.model_copy(update={"country": ""}), path)
    assert (everything.counts.created, everything.counts.rejected) == (1, 0)


def test_the_instances_own_state_named_with_country_keeps_the_instances_rule(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """`nrtd import csv FILE --country Peru` on an instance of Peru (the State typed out, as in a cron
    line) silently skipped the row naming no State, which the instance keeps as its own, and passed
    over the row about Lesotho instead of rejecting it with the reason README gives: the same file
    imported two ways. Naming the instance's own State changes nothing."""
    path = tmp_path / "manual.csv"
    path.write_bytes(THREE_STATES.encode("utf-8"))
    peru = settings.model_copy(update={"country": "PE"})

    run = import_csv_template(engine, peru, path, country="Peru")

    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.rejected, run.counts.skipped) == (2, 1, 0)
    assert "about Lesotho, not Peru" in run.rejections[0].reason


def test_a_manual_run_on_a_one_state_instance_records_its_state(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A manual import keeps the instance's State only (a row about another State is rejected), yet
    its run said "State: every State" on the runs page and "country": null in the API: it names the
    instance's State, with or without --country naming it; an instance of every State records none."""
    path = tmp_path / "manual.csv"
    path.write_bytes(THREE_STATES.encode("utf-8"))
    peru = settings.model_copy(update={"country": "PE"})

    first = import_csv_template(engine, peru, path)
    again = import_csv_template(engine, peru, path, country="Peru")
    everything = import_csv_template(engine, settings.model_copy(update={"country": ""}), path)

    with engine.connect() as conn:
        recorded = dict(conn.execute(select(ImportRun.id, ImportRun.country)).all())
    assert [recorded[run.run_id] for run in (first, again, everything)] == ["Peru", "Peru", None]
