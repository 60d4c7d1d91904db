"""Why a file was refused for what is inside it or a feed could not be downloaded, stored in English,
read back into the catalogue message it was written from (app/feed/file_refusals.py,
app/feed/download_refusals.py)."""

from __future__ import annotations

import io
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import ijson
import pytest
from openpyxl import load_workbook

from app.core.catalogue import Reason, translated
from app.feed import download_refusals, file_refusals, refusals
from app.feed.records import MalformedInput
from app.feed.template.reader import read_csv_template
from importers import uhri_json, uhri_xlsx
from importers.download import DownloadError, download
from importers.json_stream import TooDeep
from importers.template_xlsx import read_xlsx_template
from importers.upr_info_csv import read_upr_info_csv
from importers.upr_info_encoding import EncodingGuess, detect_encoding, guess_encoding
from importers.xlsx_checks import check_archive
from tests.fake_uhri import fake_uhri
from tests.feed.test_refusals import _bracketed
from tests.importers.test_template_xlsx import write_template_xlsx
from tests.importers.test_uhri_xlsx import upr_row, write_xlsx


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
    zipped = io.BytesIO()  # files zipped to be sent, no workbook
    with zipfile.ZipFile(zipped, "w") as archive:
        for name in ("a.csv", "b.csv", "c.csv", "d.csv"):
            archive.writestr(name, b"mechanism,text\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(uhri_xlsx, "MAX_ROWS", 1)
        too_long = _refused(list, uhri_xlsx.read_uhri_xlsx(write_xlsx(folder / "rows.xlsx", [upr_row()])))
    latin = folder / "upr-latin.csv"
    latin.write_bytes(b"external_id,mechanism,text\nx1,UPR,caf\xe9\n")
    nul = folder / "nul.csv"
    nul.write_bytes(b"To,Text\x00\n")
    unmarked = folder / "unmarked.csv"
    unmarked.write_bytes("To,Text\r\nChile,x\r\n".encode("utf-16-le"))
    dos = folder / "dos.csv"
    dos.write_bytes("To,Text\r\nPerú,Garantizar la educación bilingüe de las niñas\r\n".encode("cp850"))
    mixed = folder / "mixed.csv"
    mixed.write_bytes("To,Text\nPerú,x\n".encode() + b"Chile,caf\xe9\n")
    marked = folder / "marked.csv"
    marked.write_bytes(b"\xef\xbb\xbfTo,Text\nChile,caf\xe9\n")
    example = folder / "example.csv"
    example.write_bytes(b"external_id,mechanism,text\nEXAMPLE,ACHPR,1. Ratify.\n")
    notes: list[str] = []
    filled = folder / "filled.csv"
    filled.write_bytes(b"external_id,mechanism,text\nEXAMPLE,ACHPR,1. Ratify.\nMY-1,ACHPR,2. Adopt.\n")
    list(read_csv_template(filled, on_note=notes.append))
    titled = folder / "titled.csv"
    titled.write_bytes(b"Recommendations 2026,,\nmechanism,text,\nACHPR,2. Adopt.,\n")
    list(read_csv_template(titled, on_note=notes.append))
    book = write_template_xlsx(folder / "template.xlsx", [["mechanism", "text"], ["ACHPR", "2. Adopt."]])
    list(read_xlsx_template(book, on_note=notes.append))
    # The legacy encoding a file was read in, and why (a succeeded run's message).
    for name, content in (
        ("windows.csv", b"To,Text\nChile,caf\xe9 d\xe9j\xe0 \xe9t\xe9\n"),
        ("mac.csv", b"To,Text\nChile,caf\x8e d\x8ej\x88 \x8et\x8e\n"),
        ("undefined.csv", b"To,Text\nChile,caf\x8f\n"),
    ):
        (folder / name).write_bytes(content)
        notes.append(guess_encoding(folder / name).note() or "")
    notes.append(EncodingGuess("cp1252", file_refusals.USUAL_LEGACY_ENCODING, decided=False).note() or "")
    notes.append(
        EncodingGuess("mac_roman", file_refusals.CHARSET_NORMALIZER_CHOICE, decided=False).note() or ""
    )
    return [
        _refused(list, read_csv_template(latin)),
        _refused(list, read_upr_info_csv(latin, "no-such-encoding")),
        _refused(list, read_upr_info_csv(latin, "utf-8")),
        _refused(list, read_upr_info_csv(latin, "utf-16")),
        _refused(detect_encoding, nul),
        _refused(detect_encoding, mixed),
        _refused(detect_encoding, marked),
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
        _refused(check_archive, io.BytesIO(merged.read_bytes()[:2000])),  # a workbook cut short
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
        # ... as the schedule's runs store them (its button on the staff workspace starts them too).
        "refused: the export would withdraw 60 of the 61 recommendations stored for Peru (98%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, ask the "
        "server's administrator: only they can run the import allowing the withdrawals",
        "refused: the export would withdraw 3 of the 4 recommendations stored from uhri (75%, more than "
        "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%); nothing was written. If they really left the feed, ask the "
        "server's administrator: only they can run the import allowing the withdrawals",
        # As a run stores it (tests/importers/test_url_workbook.py).
        "input rejected: export-en: this is an XLSX workbook (the UHRI search page's export), whose texts "
        "are read as English, not the JSON full export in en, fr: import it in English alone (--languages "
        "en, or NRTD_UHRI_LANGUAGES=en), or give the URL of the JSON full export",
        "input rejected: the export holds 0 usable records in scope and 3 rejected ones; refusing to "
        "withdraw 5 stored recommendations",
        # A succeeded run's message (tests/importers/test_withdrawal_guard.py).
        "withdrew none of the 2 stored recommendations missing from the export: 1 rejected record(s) have "
        "no id that can be read, and may be among them; the next export whose records all have their ids "
        "withdraws them",
        "input rejected: " + _refused(list, read_csv_template(example)),  # as a run stores it
        *notes,
        _refused(list, read_xlsx_template(formula)),  # the UHRI export as the template
        _refused(detect_encoding, unmarked),  # UTF-16 without its byte-order mark
        _refused(detect_encoding, dos),  # Excel's "CSV (MS-DOS)"
        _refused(check_archive, zipped),
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
    merged = translated(read[16], _bracketed)
    assert merged.startswith("[merged cells C2:C3 (column 'Reccomending Body')[ and 1 more]: ")
    cut_short = translated(read[12], _bracketed)
    assert cut_short.startswith("[export.json: invalid JSON at record 3: [the file ends inside it")
    # What the JSON parser said in its own words stays as it said it.
    assert translated(read[0], _bracketed).endswith(
        "[not UTF-8: byte b'\\xe9' on line 2 (['é' in Windows-1252, the encoding of Excel's plain 'CSV']); "
        "re-save the file as UTF-8 (in Excel: 'CSV UTF-8')]"
    )
    assert translated(read[6], _bracketed) == (
        "[the file mixes encodings: it starts as UTF-8[ (its byte-order mark)] but then holds b'\\xe9'[ on "
        "line 2], which is not UTF-8; re-save it in one encoding or name the encoding]"
    )
    assert translated(read[13], _bracketed) == (
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
