"""Why a record or row was rejected, stored in English, read back into the catalogue message it was
written from (app/feed/record_refusals.py): each reason a reader gives, and what is said of a field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.core.catalogue import Reason, translated
from app.feed import record_refusals, refusals
from app.feed.records import Rejection
from app.feed.row_problems import MAX_PROBLEMS, joined, problems_of
from app.feed.template import cells
from app.feed.template.reader import read_csv_template
from app.feed.values import (
    check_text,
    clean_label,
    named_labels,
    parse_int,
    sdg_code,
)
from importers import uhri_xlsx
from importers.pipeline.terms import TermIndex
from importers.uhri_mapping import as_object, to_record
from importers.upr_info_csv import read_upr_info_csv
from tests.feed.test_refusals import _bracketed, _refusal

UUID = "a9ceae8c-fe1c-40f9-a326-1529e0ab678f"
UHRI_RECORD = {"AnnotationId": UUID, "Text": "<p>Ensure access</p>", "AnnotationType": "Recommendation"}
UHRI_RECORD |= {"Body": "UPR"}


def _uhri_json(**fields: Any) -> str:
    return _refusal(to_record, {**UHRI_RECORD, **fields}, "record 1", "en")


def _rejections(path: Path) -> list[str]:
    reader = read_upr_info_csv if path.name.startswith("upr") else read_csv_template
    return [result.reason for result in reader(path) if isinstance(result, Rejection)]


@pytest.fixture(scope="module")
def record_reasons(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A record rejected for each reason a reader gives one for, as the reader writes it."""
    folder = tmp_path_factory.mktemp("reasons")
    terms = TermIndex({"theme": "theme", "sdg": "sdg"})
    template = folder / "template.csv"
    header = "external_id,mechanism,type,text,language,countries,sdgs,upr_session,symbol,"
    rows = [
        "a1,UPR,recommendation,Ensure access,en,Peru,,,,",  # rejected with its refused translations
        "a1,UPR,recommendation,Assurer,fr,Peru,,,,",  # a translation, then a second French one
        "a1,UPR,recommendation,Assurer encore,fr,Peru,,,,",
        "a1,CRC,recommendation,Asegurar,es,Peru,,,,",  # differs in its mechanism
        "b1,UPR,recommendation,Ensure access,en,Peru,,,,,extra",
        "c1,UPR,recommendation,Ensure access,en,Peru,,,,stray",
        "d1,UPR,resolution,x,en,Peru,,,,",
        "d1,UPR,recommendation,y,fr,Peru,,,,",  # a translation of a rejected row
        "e1,UPR,recommendation,x,english!,Peru,,,,",
        'f1,UPR,recommendation,x,en,"Peru, Chile",,,,',
        'g1,UPR,recommendation,x,en,Peru,"16,2",,,',
        'h1,UPR,recommendation,x,en,Peru,"16,a",,,',
        "i1,UPR,recommendation,x,en,Peru,5-févr,,,",
        'i2,UPR,recommendation,x,en,Peru,"5.2, 16.3",,,',
        "j1,UPR,recommendation,x,en,Peru,99,,,",
        "k1,,recommendation,x,en,Peru,,,,",
        "l1,UPR,recommendation,,en,Peru,,,,",
        "m1,UPR,recommendation,x,en,Peru,,5000,,",
        "n1,UPR,recommendation,x,en,Peru,,,#N/A,",
        "uhri:o1,UPR,recommendation,x,en,Peru,,,,",  # a UHRI record's row of an export
        ",UPR,recommendation,Ensure access,en,Peru,,,,",
        ",UPR,recommendation,Ensure access,en,Peru,,,,",
    ]
    template.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    texts = folder / "texts.csv"
    texts_rows = 't1,UPR,Ensure,en,"<p> </p>"\nt2,UPR,Assurer,fr,Assurer encore\n'
    texts.write_text("external_id,mechanism,text,language,text_fr\n" + texts_rows, encoding="utf-8")
    upr = folder / "upr-info.csv"
    upr_rows = ['"",Ensure,Chile,Supported,3,Health,43,,', 'Peru,"",Chile,Supported,3,Health,43,,']
    upr_rows += ["Peru,Ensure,Chile,Supported,3,Health,,,", "Peru,Ensure,Chile,Supported,3,Health,43,,,x"]
    upr_rows += ["Peru,Again,Chile,Supported,3,Health,43,,", "Peru,Again,Chile,Noted,3,Health,43,,"]
    upr_header = "To,Text,From,Response,Action,Issue,Session,To-Rgrp,From-Rgrp\n"
    upr.write_text(upr_header + "\n".join(upr_rows) + "\n")
    cut = folder / "cut.csv"  # a file that ends inside its last row
    cut.write_text(
        "external_id,mechanism,text,countries\nz1,UPR,Ensure access,Peru\nz2,UPR,Ens", encoding="utf-8"
    )
    return [
        *_rejections(template),
        *_rejections(texts),
        *_rejections(upr),
        *_rejections(cut),
        _refusal(as_object, []),
        _refusal(to_record, {}, "record 1", "en"),
        _uhri_json(AnnotationId=5),
        _uhri_json(AnnotationId="x"),
        _uhri_json(Text=None),
        _refusal(  # a key spelt otherwise (camelCase)
            to_record,
            {**{k: v for k, v in UHRI_RECORD.items() if k != "Text"}, "text": "x"},
            "record 1",
            "en",
        ),
        _uhri_json(Text="<p></p>"),
        _uhri_json(Text=True),
        _uhri_json(AnnotationType="Resolution"),
        _uhri_json(Body=None),
        _uhri_json(Body={}),
        _uhri_json(UprSession=["abc"]),
        _uhri_json(UprSession=[True]),
        _uhri_json(UprCycle="12345678901234567890"),
        _uhri_json(UprPositions=["maybe"]),
        _uhri_json(Themes=["x" * 300]),
        _uhri_json(Themes="Health"),
        _uhri_json(Sdgs=["16.99"]),
        _uhri_json(Sdgs=["PEACE"]),
        _uhri_json(Symbol=3),
        _refusal(uhri_xlsx._annotation_id, "12345"),
        _refusal(uhri_xlsx._annotation_id, " "),
        _refusal(uhri_xlsx._annotation_type, "- Resolutions"),
        _refusal(uhri_xlsx._annotation_type, None),
        _refusal(uhri_xlsx._session, "- 43\n- 44"),
        _refusal(uhri_xlsx._single, "- UPR\n- CRC", "Reccomending Body"),
        _refusal(uhri_xlsx._position, "- Maybe"),
        _refusal(uhri_xlsx._labels, True, "Countries Concerned"),
        _refusal(check_text, "a\x00b", "Text"),
        _refusal(check_text, "a\udc00b", "Text"),
        _refusal(check_text, "a\uffffb", "Text"),
        _refusal(check_text, "x" * 20, "Text", 10),
        _refusal(named_labels, ["\x00"], "Themes"),
        _refusal(clean_label, 3),
        _refusal(parse_int, 1e300, "UprSession"),
        _refusal(sdg_code, "18"),
        _refusal(cells.text, " "),
        _refusal(terms.role_key, "theme", "!!!"),
        _refusal(terms.role_key, "theme", "x" * 300),
        _refusal(terms.term, "sdg", "99"),
        _refusal(terms.mechanism_code, " "),
        _refusal(terms.mechanism_code, "x" * 300),
        "duplicate id, first seen at row 3",  # as the pipeline stores it (tests/staff/test_import_reasons.py)
        # The last of a record's problems listed, when it has more (app/feed/row_problems.py).
        problems_of(joined([f"text_x{n}: empty" for n in range(MAX_PROBLEMS + 2)]))[-1],
    ]


RECORD_REASONS = 71


def test_each_record_reason_reads_back_into_its_message(record_reasons: list[str]) -> None:
    assert len(record_reasons) == RECORD_REASONS  # each row of the files above rejected, none twice
    for stored in record_reasons:
        read = refusals.reason_of(stored)
        assert isinstance(read, Reason) and read == stored, stored
        assert read.message in {*refusals._WITH_VALUES, *refusals._FIXED}
    messages = {refusals.reason_of(stored).message for stored in record_reasons}  # type: ignore[attr-defined]
    # Each message the readers write a record's reason from is among them (what it says of a field too).
    problems = {
        value.message
        for stored in record_reasons
        for value in refusals.reason_of(stored).values.values()  # type: ignore[attr-defined]
        if isinstance(value, Reason)
    }
    assert set(record_refusals.WITH_VALUES) - messages - problems == set()


def test_the_row_a_duplicate_id_was_first_seen_at_is_translated_within() -> None:
    # "id duplicado, visto por primera vez en row 3": the position was left in English.
    read = refusals.reason_of("duplicate id, first seen at row 3")
    assert translated(read, _bracketed) == "[duplicate id, first seen at [row 3]]"
    assert translated(refusals.reason_of("duplicate id, first seen at record 12"), _bracketed) == (
        "[duplicate id, first seen at [record 12]]"
    )


def test_what_is_said_of_a_field_is_translated_within() -> None:
    stored = _uhri_json(UprPositions=["maybe"])
    assert stored.startswith("UprPositions: position: unknown UPR position 'maybe'")
    assert translated(refusals.reason_of(stored), _bracketed) == (
        "[UprPositions: [position: [unknown UPR position 'maybe': expected supported or noted (also "
        "accepted, rejected, or these words in French or Spanish), or nothing]]]"
    )
    json_type = translated(refusals.reason_of(_uhri_json(Text=True)), _bracketed)
    assert json_type == "[Text: expected a string, got [a boolean]]"
    # What begins a message is what it is and no more: here the field's value, quoted, not the field.
    error = translated(refusals.reason_of(_refusal(check_text, "#N/A", "symbol")), _bracketed)
    assert error == "[symbol: ['#N/A' is a spreadsheet error (a formula that failed), not a value]]"
    sdg = translated(refusals.reason_of(_refusal(sdg_code, "18")), _bracketed)
    assert sdg == "[Sdgs: ['18' is not an SDG goal or target]]"
