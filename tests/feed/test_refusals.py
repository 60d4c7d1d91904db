"""An import's refusals are stored in English; a page reads them back into the catalogue message they
were written from (app/feed/refusals.py) to show them in its language."""

from __future__ import annotations

import csv
import io
import socket
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ijson
import pytest
from babel.messages.extract import extract_from_file
from openpyxl import load_workbook

from app.core.catalogue import Reason, translated
from app.feed import download_refusals, file_refusals, record_refusals, refusals
from app.feed.records import MalformedInput, RecordError, Rejection
from app.feed.sniff import broken_csv, kind_of, not_a_csv, other_import
from app.feed.template import cells
from app.feed.template.reader import read_csv_template
from app.feed.values import (
    check_text,
    clean_label,
    named_labels,
    parse_date,
    parse_datetime,
    parse_int,
    sdg_code,
    spreadsheet_date_advice,
)
from app.web.i18n import translations
from importers import uhri_json, uhri_xlsx
from importers.csv_runs import _unplaced_country
from importers.download import DownloadError, download
from importers.json_stream import TooDeep
from importers.pipeline.terms import TermIndex
from importers.uhri_mapping import as_object, to_record
from importers.upr_info_csv import detect_encoding, read_upr_info_csv
from importers.xlsx_checks import _not_a_zip, check_archive
from tests.fake_uhri import fake_uhri
from tests.importers.test_uhri_xlsx import upr_row, write_xlsx


def _bracketed(message: str) -> str:
    """A catalogue that "translates" every message, so that a test sees which parts were translated."""
    return f"[{message}]"


def _refusal(call: object, *args: object) -> str:
    try:
        result = call(*args)  # type: ignore[operator]
    except RecordError as exc:
        return str(exc)
    assert isinstance(result, str)
    return result


UPR_INFO_HEADER = ["To", "Text", "From", "Response", "Action", "Issue", "Session"]
PRODUCED = [
    not_a_csv(kind_of(b"PK\x03\x04") or ""),
    not_a_csv(kind_of(b"%PDF-1.4") or ""),
    other_import(UPR_INFO_HEADER, "csv"),
    other_import(UPR_INFO_HEADER, "uhri-xlsx"),
    _not_a_zip(b"", ValueError()),
    _not_a_zip(b"[{}]", ValueError()),
    _not_a_zip(b"\xd0\xcf\x11\xe0", ValueError()),
    _not_a_zip(b"a,b\n", ValueError()),
    _refusal(parse_date, "5/3/2025", "Publication date"),
    _refusal(parse_date, 7, "Publication date"),
    _refusal(parse_datetime, "yesterday", "Date of publication on UHRI"),
    _refusal(cells.publication_date, "2025-13-45"),
    _refusal(cells.publication_date, "05/03/2025"),
    _refusal(cells.publication_date, "45000"),
    spreadsheet_date_advice("13/03/2025"),
    _unplaced_country(["Republica del Peru"]),
    broken_csv(csv.Error("unexpected end of data"), 3),
]


@pytest.mark.parametrize("text", PRODUCED)
def test_each_refusal_reads_back_into_its_message(text: str | None) -> None:
    assert text
    stored = str(text)  # what the database keeps: the English sentence, nothing more
    read = refusals.reason_of(stored)
    assert isinstance(read, Reason) and read == stored
    assert read.message in {*refusals._WITH_VALUES, *refusals._FIXED}
    assert translated(read, _bracketed).startswith("[")


def test_the_values_that_are_messages_are_translated_too() -> None:
    stored = "input rejected: " + str(not_a_csv(kind_of(b"PK\x03\x04") or ""))
    assert translated(refusals.reason_of(stored), _bracketed) == (
        "[input rejected: [this is [an Excel workbook (XLSX) or another ZIP file], not a CSV file: save a "
        "workbook as 'CSV UTF-8' first; a UHRI export is imported with `nrtd import uhri` (in the staff "
        "workspace: the search page's .xlsx file as 'UHRI search export (XLSX)')]]"
    )
    # What the user typed stays as typed.
    date = translated(refusals.reason_of(_refusal(parse_date, "5 mai", "Publication date")), _bracketed)
    assert date == "[Publication date: not an ISO date: '5 mai']"


def test_a_text_no_message_wrote_stays_as_stored() -> None:
    # A field's problem is read back only when the problem is a message too.
    for text in ("internal error: KeyError: 'x'", "Text: something new", "Text: Themes: nothing known", ""):
        assert not isinstance(refusals.reason_of(text), Reason) and refusals.reason_of(text) == text


def test_similar_messages_are_told_apart() -> None:
    """A shorter message whose value could swallow a longer one's words is not taken for it."""
    with_advice = refusals.reason_of(_refusal(cells.publication_date, "05/03/2025"))
    assert isinstance(with_advice, Reason) and with_advice.message == refusals.NOT_YYYY_MM_DD_ADVICE
    assert with_advice.values["value"] == "'05/03/2025'"
    plain = refusals.reason_of(_refusal(cells.publication_date, "2025-13-45"))
    assert isinstance(plain, Reason) and plain.message == refusals.NOT_YYYY_MM_DD
    pdf = refusals.reason_of(str(not_a_csv(kind_of(b"%PDF") or "")))
    assert isinstance(pdf, Reason) and pdf.message == refusals.NOT_A_CSV


def test_a_french_page_reads_the_refusals_the_catalogue_has() -> None:
    stored = "input rejected: " + str(broken_csv(csv.Error("unexpected end of data"), 3))
    french = translated(refusals.reason_of(stored), translations("fr").gettext)
    assert (
        "fichier CSV non valide : ligne 3 : une cellule entre guillemets n\u2019est jamais fermée" in french
    )


def test_every_message_is_extracted_for_the_catalogue() -> None:
    """pybabel extracts ``_("...")`` calls (app/web/translations/babel.cfg): each message is one."""
    extracted = {
        message
        for module in (refusals, record_refusals, file_refusals, download_refusals)
        for _line, message, _comments, _context in extract_from_file("python", str(module.__file__))
    }
    assert {*refusals._WITH_VALUES, *refusals._FIXED} <= extracted


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
        "a1,UPR,recommendation,Ensure access,en,Peru,,,,",
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
        "j1,UPR,recommendation,x,en,Peru,99,,,",
        "k1,,recommendation,x,en,Peru,,,,",
        "l1,UPR,recommendation,,en,Peru,,,,",
        "m1,UPR,recommendation,x,en,Peru,,5000,,",
        "n1,UPR,recommendation,x,en,Peru,,,#N/A,",
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
    upr_header = "To,Text,From,Response,Action,Issue,Session,To-Rgrp,From-Rgrp\n"
    upr.write_text(upr_header + "\n".join(upr_rows) + "\n")
    return [
        *_rejections(template),
        *_rejections(texts),
        *_rejections(upr),
        _refusal(as_object, []),
        _refusal(to_record, {}, "record 1", "en"),
        _uhri_json(AnnotationId=5),
        _uhri_json(AnnotationId="x"),
        _uhri_json(Text=None),
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
    ]


RECORD_REASONS = 64


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


def test_the_parts_of_a_sentence_are_translated_too() -> None:
    """The dates a day and a month may be, the template's columns, the sheet a workbook was read at."""
    advice = translated(refusals.reason_of(spreadsheet_date_advice("12/02/2025")), _bracketed)
    assert advice == (
        "[a spreadsheet wrote it its own way ([12 [February] or [December] 2?]); format the column as text "
        "and type [2025-02-12 or 2025-12-02]]"
    )
    one = translated(refusals.reason_of(spreadsheet_date_advice("28.02.2025")), _bracketed)
    assert one == "[a spreadsheet wrote it its own way; format the column as text and type 2025-02-28]"
    with pytest.raises(MalformedInput) as unknown:
        list(read_csv_template(_written("name,text\nAna,x\n")))
    columns = translated(refusals.reason_of(str(unknown.value)), _bracketed)
    assert columns.startswith("[unknown column(s) 'name'; the columns are: [external_id, ")
    assert columns.endswith(", text_<language> (text_fr, text_es ...)]]")
    place = uhri_xlsx._sheet_place("Notes", [f"Sheet{n}" for n in range(12)])
    with pytest.raises(MalformedInput) as missing:
        uhri_xlsx._column_positions(("Text",), place)
    sheets = translated(refusals.reason_of(str(missing.value)), _bracketed)
    assert sheets.endswith(
        "in the header row of [the first sheet, 'Notes'; the workbook's other sheet(s): ['Sheet0', 'Sheet1', "
        "'Sheet2', 'Sheet3', 'Sheet4', 'Sheet5', 'Sheet6', 'Sheet7', 'Sheet8', 'Sheet9' and 2 more]: only "
        "the first sheet is read, so put the UHRI results sheet first (or save it alone)]]"
    )
    for refused, start in (
        (uhri_xlsx._no_header(place), "[not a UHRI export: [the first sheet, 'Notes'], has none of "),
        (uhri_xlsx._no_header(uhri_xlsx._sheet_place("Notes", [])), "[not a UHRI export: [the first sheet, "),
    ):
        text = translated(refusals.reason_of(str(refused)), _bracketed)
        assert text.startswith(start)
    empty = "empty spreadsheet: the first sheet, 'Notes', has no header row" + place.others
    assert translated(refusals.reason_of(empty), _bracketed).startswith(
        "[empty spreadsheet: [the first sheet, 'Notes'], has no header row[; the workbook's other sheet(s): "
    )


def test_a_value_that_looks_like_a_part_is_not_taken_for_one() -> None:
    """A part is read back only where it is whole: a month that is one, a day that is a number."""
    for text in ("12 Februar or December 2?", "a spreadsheet wrote it its own way (x or y?); format it"):
        assert not isinstance(refusals.reason_of(text), Reason)
    typed = refusals.reason_of("Publication date: not an ISO date: 'May'")
    assert translated(typed, _bracketed) == "[Publication date: not an ISO date: 'May']"


def _written(content: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "t.csv"
    path.write_text(content, encoding="utf-8")
    return path


def _refused(call: object, *args: object) -> str:
    try:
        call(*args)  # type: ignore[operator]
    except MalformedInput as exc:
        return str(exc)
    raise AssertionError("not refused")


def _too_deep() -> Iterator[object]:
    raise TooDeep(123_456, 64)
    yield


@pytest.fixture(scope="module")
def file_reasons(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A file refused for each thing wrong inside it, as the importer words it."""
    folder = tmp_path_factory.mktemp("files")
    export = Path("export.json")
    merged = write_xlsx(folder / "merged.xlsx", [upr_row(), upr_row(), upr_row()])
    workbook = load_workbook(merged)
    workbook.active.merge_cells("B2:B4")
    workbook.active.merge_cells("C2:C3")
    workbook.save(merged)
    formula = write_xlsx(folder / "formula.xlsx", [upr_row(**{"Document Symbol": "=1+1"})])
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (17 << 20))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uhri_xlsx, "MAX_ROWS", 1)
        too_long = _refused(list, uhri_xlsx.read_uhri_xlsx(write_xlsx(folder / "rows.xlsx", [upr_row()])))
    latin = folder / "upr-latin.csv"
    latin.write_bytes(b"external_id,mechanism,text\nx1,UPR,caf\xe9\n")
    nul = folder / "nul.csv"
    nul.write_bytes(b"To,Text\x00\n")
    mixed = folder / "mixed.csv"
    mixed.write_bytes("To,Text\nPerú,x\n".encode() + b"Chile,caf\xe9\n")
    return [
        _refused(list, read_csv_template(latin)),
        _refused(list, read_upr_info_csv(latin, "no-such-encoding")),
        _refused(list, read_upr_info_csv(latin, "utf-8")),
        _refused(list, read_upr_info_csv(latin, "utf-16")),
        _refused(detect_encoding, nul),
        _refused(detect_encoding, mixed),
        "cannot decode the file as cp1252: character maps to <undefined>",  # as a run stores it
        _refused(uhri_json._check_top_level, io.BytesIO(b"  "), export),
        _refused(uhri_json._check_top_level, io.BytesIO(b'{"a": 1}'), export),
        _refused(uhri_json._check_top_level, io.BytesIO(b"42"), export),
        _refused(uhri_json._check_top_level, io.BytesIO(b"\xff\xfe[\x00"), export),
        str(
            uhri_json._malformed(ijson.JSONError("parse error: premature EOF\n  [{ (right here)"), export, 3)
        ),
        str(uhri_json._malformed(ijson.JSONError("lexical error: invalid char in json text."), export, 3)),
        str(uhri_json._malformed(ijson.JSONError("invalid UTF8 sequence"), export, 7)),
        _refused(list, uhri_json._numbered(_too_deep(), export, 0)),
        _refused(list, uhri_xlsx.read_uhri_xlsx(merged)),
        _refused(list, uhri_xlsx.read_uhri_xlsx(formula)),
        _refused(check_archive, io.BytesIO(bomb.read_bytes())),
        _refused(check_archive, io.BytesIO(bomb.read_bytes()), 1000),
        too_long,
        _refused(list, uhri_xlsx._read_workbook(SimpleNamespace(worksheets=[]), "en")),
        # As a run stores it: openpyxl's words for a broken sheet kept as they are.
        "not an XLSX spreadsheet: corrupt worksheet: Bad CRC-32 for file 'xl/worksheets/sheet1.xml'",
        # As runs store them (tests/importers/test_withdrawal_guard.py).
        "refused: the export would withdraw 60 of the 61 recommendations stored for Peru (98%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, run the "
        "import again with --allow-withdraw",
        "refused: the export would withdraw 3 of the 4 recommendations stored from uhri (75%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, run the "
        "import again with --allow-withdraw",
        "input rejected: the export holds 0 usable records in scope and 3 rejected ones; refusing to "
        "withdraw 5 stored recommendations",
    ]


def test_each_file_reason_reads_back_into_its_message(file_reasons: list[str]) -> None:
    read = [refusals.reason_of(stored) for stored in file_reasons]
    for stored, reason in zip(file_reasons, read, strict=True):
        assert isinstance(reason, Reason) and reason == stored, stored
    messages = {reason.message for reason in read}  # type: ignore[attr-defined]
    inner = {
        value.message
        for reason in read
        for value in reason.values.values()  # type: ignore[attr-defined]
        if isinstance(value, Reason)
    }
    assert set(file_refusals.WITH_VALUES) | set(file_refusals.FIXED) <= messages | inner
    merged = translated(read[15], _bracketed)
    assert merged.startswith("[merged cells C2:C3 (column 'Reccomending Body')[ and 1 more]: ")
    cut_short = translated(read[11], _bracketed)
    assert cut_short.startswith("[export.json: invalid JSON at record 3: [the file ends inside it")
    # What the JSON parser said in its own words stays as it said it.
    assert translated(read[0], _bracketed).endswith(
        "[not UTF-8: byte b'\\xe9' on line 2 (['é' in Windows-1252, the encoding of Excel's plain 'CSV']); "
        "re-save the file as UTF-8 (in Excel: 'CSV UTF-8')]"
    )
    assert translated(read[12], _bracketed) == (
        "[export.json: invalid JSON at record 3: lexical error: invalid char in json text.]"
    )


def _download_refused(url: str, folder: Path, **limits: Any) -> str:
    try:
        download(url, folder / "export.json", retries=0, max_bytes=limits.get("max_bytes", 1000))
    except DownloadError as exc:
        return str(exc)
    raise AssertionError("downloaded")


@pytest.fixture(scope="module")
def download_reasons(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A feed not downloaded for each of the commoner reasons, as the run stores it."""
    folder = tmp_path_factory.mktemp("downloads")
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{unused.getsockname()[1]}/export.json"
    with fake_uhri(folder / "served") as server:
        server.put("big.json", b"[" + b" " * 2000 + b"]")
        reasons = [
            _download_refused("ftp://example.org/export.json", folder),
            _download_refused(server.url("missing.json"), folder),
            _download_refused(server.url("big.json"), folder),
            _download_refused(closed, folder),
        ]
    return [
        *(f"download failed: {reason}" for reason in reasons),
        # As runs store them (tests/importers/test_download.py).
        "download failed: download of https://example.org/export.json failed after 3 attempts: no answer "
        "within 20 s; gave up after 30 s without data",
        "download failed: download of https://example.org/export.json failed after 2 attempts: HTTP 503 "
        "Service Unavailable; no time left of the 600 s a download may take",
        "download failed: download of https://example.org/e.json failed after 1 attempts: the server stopped "
        "sending: nothing for 20 s after 1024 bytes",
        "download failed: download of https://example.org/e.json failed after 1 attempts: connection closed "
        "after 10 of 20 bytes",
        "download failed: download of https://example.org/e.json failed after 1 attempts: no connection "
        "within 10 s",
        "download failed: download of https://nowhere.invalid/e.json failed: unknown host 'nowhere.invalid' "
        "(Name or service not known); not retried",
    ]


def test_each_download_reason_reads_back_into_its_message(download_reasons: list[str]) -> None:
    for stored in download_reasons:
        read = refusals.reason_of(stored)
        assert isinstance(read, Reason) and read == stored, stored
        assert read.message == download_refusals.DOWNLOAD_FAILED
        inner = read.values["reason"]
        assert isinstance(inner, Reason) and inner.message in download_refusals.WITH_VALUES, stored
    missing = translated(refusals.reason_of(download_reasons[1]), _bracketed)
    assert missing.startswith("[download failed: [HTTP 404 Not Found for http://127.0.0.1:")
    assert missing.endswith("/missing.json ([no such file at this URL]); not retried]]")
    refused = translated(refusals.reason_of(download_reasons[3]), _bracketed)
    assert refused.endswith("/export.json failed after 1 attempts: [connection refused]]]")
    # What the server said in its own words stays as it said it.
    unavailable = translated(refusals.reason_of(download_reasons[5]), _bracketed)
    assert "failed after 2 attempts: HTTP 503 Service Unavailable; no time left of the 600 s" in unavailable
