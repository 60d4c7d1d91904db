"""The UHRI JSON export reader, on files shaped exactly like OHCHR's full export (a broken document:
test_uhri_json_malformed.py)."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from app.feed.fields import html_to_text
from app.feed.records import MalformedInput, Rejection, Skipped, SourceRecord, Unchanged
from app.feed.sdg import SDG_CODES
from importers.uhri_json import MAX_TEXT_CHARS, Translated, raw_hash, read_uhri_json, read_uhri_json_texts
from tests.conftest import production_gc

UPR_ID = "a9ceae8c-fe1c-40f9-a326-1529e0ab678f"
CRC_ID = "0b6f8f53-3c1d-4a8e-9a57-7d2f0f4b8f11"
SR_ID = "5d7e1c2a-9b3f-4e6d-8c1a-2f4b6d8e0a13"


def uhri_object(annotation_id: str = UPR_ID, **overrides: Any) -> dict[str, Any]:
    """One export object with every key present, as OHCHR publishes it."""
    record: dict[str, Any] = {
        "AnnotationId": annotation_id,
        "DocumentId": "41a0b08f-5a9a-4eb5-985f-05b47986ad82",
        "Symbol": "A/HRC/53/12",
        "Text": "<p>Recommendations</p><p>118.12 Ratify the Optional Protocol to the Convention</p>",
        "AnnotationType": "- Recommendations",
        "Body": "- UPR",
        "PublicationDate": "2023-04-05T00:00:00",
        "PublicationDateOnUhri": "2025-03-03T10:53:45.827",
        "Countries": ["Peru"],
        "Regions": ["Latin America and the Caribbean"],
        "Themes": ["Right to health", " Participation of women in political & public life "],
        "AffectedPersons": ["Children", "Women & girls", "Youth & juveniles"],
        "Sdgs": [
            "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS",
            "16.2 - Protect children from abuse, exploitation, trafficking and violence",
        ],
        "UprCycle": None,
        "UprPositions": ["Supported"],
        "UprRecommendingCountry": ["Norway", "Chile"],
        "UprRecommendingRegions": ["WEOG", "GRULAC"],
        "UprSession": ["43"],
    }
    record.update(overrides)
    return record


def non_upr_object(annotation_id: str, **overrides: Any) -> dict[str, Any]:
    """A treaty-body or special-procedure object: every UPR key present but empty."""
    values: dict[str, Any] = {
        "UprCycle": None,
        "UprPositions": [],
        "UprRecommendingCountry": [],
        "UprRecommendingRegions": [],
        "UprSession": [],
    }
    values.update(overrides)
    return uhri_object(annotation_id, **values)


def write_export(path: Path, records: list[Any]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read_all(path: Path, lang: str = "en") -> list[SourceRecord | Rejection | Skipped | Unchanged]:
    return list(read_uhri_json(path, lang))


def only_record(path: Path) -> SourceRecord:
    [result] = read_all(path)
    assert isinstance(result, SourceRecord), result
    return result


def only_rejection(path: Path) -> Rejection:
    [result] = read_all(path)
    assert isinstance(result, Rejection), result
    return result


def test_the_placeholder_of_no_date_is_no_date(tmp_path: Path) -> None:
    """A .NET export writes a date it does not have as the first day of year 1 (DateTime.MinValue):
    that is no date, not a document published in year 1 (shown so, and first in date order)."""
    placeholder = uhri_object(
        PublicationDate="0001-01-01T00:00:00", PublicationDateOnUhri="0001-01-01T00:00:00"
    )
    record = only_record(write_export(tmp_path / "export-full-en.json", [placeholder]))
    assert (record.publication_date, record.uhri_published_at) == (None, None)


# --- a realistic export -------------------------------------------------------------------


def test_upr_recommendation_is_mapped_field_by_field(tmp_path: Path) -> None:
    record = only_record(write_export(tmp_path / "export-full-en.json", [uhri_object()]))

    assert record.source_hash == raw_hash(uhri_object())
    record.source_hash = None
    assert record == SourceRecord(
        source="uhri",
        external_id=UPR_ID,
        input_position="record 1",
        type="recommendation",
        mechanism="UPR",
        texts={"en": "<p>Recommendations</p><p>118.12 Ratify the Optional Protocol to the Convention</p>"},
        document_id="41a0b08f-5a9a-4eb5-985f-05b47986ad82",
        symbol="A/HRC/53/12",
        publication_date=date(2023, 4, 5),
        uhri_published_at=datetime(2025, 3, 3, 10, 53, 45, 827000),
        countries=["Peru"],
        regions=["Latin America and the Caribbean"],
        themes=["Right to health", "Participation of women in political & public life"],
        affected_persons=["Children", "Women & girls", "Youth & juveniles"],
        sdgs=["16", "16.2"],
        upr_cycle=4,  # UprCycle is null: derived from session 43
        upr_session=43,
        position="supported",
        recommending_states=["Norway", "Chile"],
        recommending_regions=["WEOG", "GRULAC"],
    )


def test_every_quirk_of_the_export_in_one_file(tmp_path: Path) -> None:
    records = [
        uhri_object(),
        non_upr_object(
            CRC_ID,
            Symbol="CRC/C/PER/CO/6-7",
            Text="<p>4.The Committee reminds the State party of the indivisibility of rights</p>",
            AnnotationType="- Concerns/Observations",
            Body="- Committee on the Rights of the Child",
            Countries=["PK", "Pakistan"],
            Themes=["  Right to education", "right to education ", "Torture  and other ill-treatment"],
            Sdgs=[
                "1.a - Ensure significant mobilization of resources from a variety of sources",
                "16 - Peace, justice and strong institutions",
                "16 - PEACE, JUSTICE AND STRONG INSTITUTIONS",
                "4 - QUALITY EDUCATION",
            ],
        ),
        non_upr_object(
            SR_ID,
            AnnotationType="RECOMMENDATIONS",  # no "- " prefix, other case
            Body="- SR Torture",
            Countries=[],
            Regions=[],
            Sdgs=[],
        ),
        uhri_object(
            "7c9e6679-7425-40de-944b-e07fc1f90ae7",
            UprCycle=3,
            UprSession=["40"],
            UprPositions=["Noted"],
        ),
        uhri_object("16fd2706-8baf-433b-82eb-8c7fada847da", UprCycle="2", UprSession=["26"], UprPositions=[]),
    ]
    results = read_all(write_export(tmp_path / "export-full-en.json", records))

    assert all(isinstance(result, SourceRecord) for result in results), results
    upr, crc, sr, noted, cycle2 = (result for result in results if isinstance(result, SourceRecord))
    assert [r.input_position for r in (upr, crc, sr, noted, cycle2)] == [f"record {n}" for n in range(1, 6)]

    assert (crc.type, crc.mechanism, crc.symbol) == (
        "observation",
        "Committee on the Rights of the Child",
        "CRC/C/PER/CO/6-7",
    )
    assert crc.countries == ["PK", "Pakistan"]  # stubs kept: the pipeline resolves them
    assert crc.themes == ["Right to education", "Torture and other ill-treatment"]
    assert crc.sdgs == ["1.a", "16", "4"]  # keyed on the code, whatever the label text
    assert (crc.upr_session, crc.upr_cycle, crc.position) == (None, None, "none")
    assert crc.recommending_states == []

    assert (sr.type, sr.mechanism, sr.countries, sr.regions, sr.sdgs) == (
        "recommendation",
        "SR Torture",
        [],
        [],
        [],
    )
    assert (noted.upr_cycle, noted.upr_session, noted.position) == (3, 40, "noted")
    assert (cycle2.upr_cycle, cycle2.upr_session, cycle2.position) == (2, 26, "none")


def test_text_is_kept_as_published_including_script_tags(tmp_path: Path) -> None:
    html = "<p>18. Take measures</p><script>alert('owned')</script><p>&amp; report back</p>"
    record = only_record(write_export(tmp_path / "e.json", [uhri_object(Text=html)]))

    assert record.texts == {"en": html}
    plain = html_to_text(record.texts["en"])
    assert "alert" not in plain
    assert "owned" not in plain
    assert plain == "18. Take measures\n& report back"


def test_language_keys_the_text(tmp_path: Path) -> None:
    record = only_record(write_export(tmp_path / "e.json", [uhri_object(Text="<p>Ratifier</p>")]))
    [fr] = read_all(tmp_path / "e.json", lang="fr")
    assert record.texts == {"en": "<p>Ratifier</p>"}
    assert isinstance(fr, SourceRecord)
    assert fr.texts == {"fr": "<p>Ratifier</p>"}


def test_padded_annotation_id_is_trimmed(tmp_path: Path) -> None:
    record = only_record(write_export(tmp_path / "e.json", [uhri_object(f"  {UPR_ID}\n")]))
    assert record.external_id == UPR_ID


def test_missing_optional_keys_read_as_empty(tmp_path: Path) -> None:
    obj = uhri_object()
    for key in ("DocumentId", "Symbol", "Regions", "Sdgs", "UprCycle", "UprPositions", "PublicationDate"):
        del obj[key]
    record = only_record(write_export(tmp_path / "e.json", [obj]))
    assert (record.document_id, record.symbol, record.regions, record.sdgs) == (None, None, [], [])
    assert (record.upr_cycle, record.position, record.publication_date) == (4, "none", None)


def test_a_bom_at_the_start_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([uhri_object()]).encode())
    assert only_record(path).external_id == UPR_ID


def test_an_empty_array_yields_nothing(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(b" [ ] \n")
    assert read_all(path) == []


# --- bad records: rejected, the run goes on ----------------------------------------------


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        pytest.param("not an object", "record: expected a JSON object, got a string", id="string-record"),
        pytest.param([uhri_object()], "record: expected a JSON object, got an array", id="array-record"),
        pytest.param(
            uhri_object(Countries="Peru"), "Countries: expected a list of labels", id="countries-str"
        ),
        pytest.param(uhri_object(Themes=["Health", 3]), "Themes: expected a text label", id="theme-number"),
        pytest.param(uhri_object(Text=42), "Text: expected a string, got a number", id="text-number"),
        pytest.param(uhri_object(Text=None), "Text: missing", id="text-null"),
        pytest.param(uhri_object(Text="<p> &nbsp; </p>"), "Text: empty", id="text-blank"),
        pytest.param(uhri_object(Text="<script>alert(1)</script>"), "Text: empty", id="text-only-script"),
        pytest.param(
            uhri_object(Text="<p>" + "x" * MAX_TEXT_CHARS + "</p>"),
            f"Text: longer than {MAX_TEXT_CHARS} characters",
            id="text-huge",
        ),
        pytest.param(uhri_object(AnnotationId="  "), "AnnotationId: missing", id="id-blank"),
        pytest.param(uhri_object(AnnotationId=12), "AnnotationId: expected a string", id="id-number"),
        pytest.param(uhri_object(AnnotationId="A/HRC/53/12"), "AnnotationId: not a UUID", id="id-not-uuid"),
        pytest.param(uhri_object(AnnotationType="- Decisions"), "AnnotationType: unknown type", id="type"),
        pytest.param(uhri_object(AnnotationType=None), "AnnotationType: missing", id="type-null"),
        pytest.param(uhri_object(Body="- "), "Body: missing", id="body-dash"),
        pytest.param(uhri_object(Body=["UPR"]), "Body: expected a text label", id="body-list"),
        pytest.param(uhri_object(UprSession=["forty"]), "UprSession: expected a whole number", id="session"),
        # The first was kept without a word (cycle and session of 43), as the XLSX rejects it.
        pytest.param(
            uhri_object(UprSession=["43", "44"]), "UprSession: several sessions [43, 44]", id="sessions"
        ),
        pytest.param(uhri_object(UprSession=["43", "forty"]), "UprSession: expected a whole", id="second"),
        pytest.param(uhri_object(UprCycle="IV"), "UprCycle: expected a whole number", id="cycle"),
        pytest.param(uhri_object(UprPositions=["Maybe"]), "UprPositions: position: unknown", id="position"),
        pytest.param(uhri_object(Sdgs=["99 - NOT A GOAL"]), "Sdgs: '99' is not an SDG", id="sdg-code"),
        pytest.param(uhri_object(Sdgs=["PEACE"]), "Sdgs: no goal or target code", id="sdg-label"),
        pytest.param(
            uhri_object(PublicationDate="12/02/2025"), "PublicationDate: not an ISO date", id="date"
        ),
        pytest.param(uhri_object(DocumentId=7), "DocumentId: expected a string", id="document-id"),
    ],
)
def test_bad_record_is_rejected_and_the_next_one_still_read(tmp_path: Path, record: Any, reason: str) -> None:
    path = write_export(tmp_path / "e.json", [uhri_object(CRC_ID), record, uhri_object(SR_ID)])
    first, bad, last = read_all(path)

    assert isinstance(bad, Rejection)
    assert bad.input_position == "record 2"
    assert bad.reason.startswith(reason), bad.reason
    assert isinstance(first, SourceRecord)
    assert isinstance(last, SourceRecord)
    assert (first.external_id, last.external_id) == (CRC_ID, SR_ID)


def test_rejection_carries_the_id_when_it_is_usable(tmp_path: Path) -> None:
    rejection = only_rejection(write_export(tmp_path / "e.json", [uhri_object(Text="")]))
    assert (rejection.external_id, rejection.reason) == (UPR_ID, "Text: empty")


@pytest.mark.parametrize("key", ["AnnotationId", "Text", "Body", "AnnotationType"])
def test_missing_required_key_is_rejected(tmp_path: Path, key: str) -> None:
    obj = uhri_object()
    del obj[key]
    rejection = only_rejection(write_export(tmp_path / "e.json", [obj]))
    assert rejection.reason == f"{key}: missing"


# --- secondary-language texts --------------------------------------------------------------


def test_texts_reader_yields_id_and_text_and_rejects_bad_ones(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "export-full-fr.json",
        [
            uhri_object(
                Text="<p>118.12 Ratifier le Protocole facultatif</p>",
                Themes=[" Droit à la santé ", "droit à la  santé"],
                AffectedPersons=["Enfants"],
            ),
            uhri_object(CRC_ID, Text=""),
            {"Text": "<p>sans identifiant</p>"},
            7,
            # Fields the texts reader does not need may be anything.
            uhri_object(
                SR_ID, Text="<p>Prendre des mesures</p>", Countries="Pérou", Body=None, Themes=[["x"]]
            ),
        ],
    )
    results = list(read_uhri_json_texts(path, "fr"))

    assert results[0] == Translated(
        UPR_ID, "<p>118.12 Ratifier le Protocole facultatif</p>", ("Droit à la santé",), ("Enfants",)
    )
    assert results[1] == Rejection("record 2", "Text: empty", CRC_ID)
    assert results[2] == Rejection("record 3", "AnnotationId: missing", None)
    assert results[3] == Rejection("record 4", "record: expected a JSON object, got a number", None)
    # Labels that are not labels are left out; the text is kept.
    assert results[4] == Translated(
        SR_ID, "<p>Prendre des mesures</p>", (), ("Children", "Women & girls", "Youth & juveniles")
    )


def test_texts_reader_fails_on_a_broken_document(tmp_path: Path) -> None:
    path = tmp_path / "export-full-fr.json"
    path.write_bytes(b"[" + json.dumps(uhri_object()).encode() + b",")
    with pytest.raises(MalformedInput, match="at record 2"):
        list(read_uhri_json_texts(path, "fr"))


# --- memory ---------------------------------------------------------------------------------


def test_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    text = "<p>" + "Ensure that children are protected. " * 150 + "</p>"
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(1200):
            annotation_id = f"00000000-0000-4000-8000-{n:012d}"
            out.write(("," if n else "") + json.dumps(uhri_object(annotation_id, Text=text)))
        out.write("]")
    size = path.stat().st_size
    assert size > 6_000_000
    assert "16" in SDG_CODES  # the SDG taxonomy is loaded once per process: not the reader's memory

    with production_gc():
        tracemalloc.start()
        try:
            count = sum(1 for result in read_uhri_json(path) if isinstance(result, SourceRecord))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == 1200
    assert peak < size / 4, f"peak {peak} bytes while reading a {size}-byte file"
