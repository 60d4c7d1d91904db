"""Local files an import cannot read as the kind it was asked for, end to end on the real database:
the run fails naming what the file is and nothing is written; and a workbook saved without its
suffix, read for what its bytes say."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.feed.template.columns import template_download
from app.models import ImportRun
from importers.csv_runs import import_csv_template, import_upr_info
from importers.run import import_uhri
from importers.run_record import RunSummary
from tests.importers.file_samples import UHRI_JSON, UHRI_XLSX, UPR_INFO, data_unchanged

UPR_INFO_HEADER = b"To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
UHRI_CSV_HEADER = (
    b"Text,Countries Concerned,Reccomending Body,Document Symbol,Themes,Affected Persons,Sdgs,"
    b"Document Publication Date,UPR Reccomending States,UPR Position,Type,OHCHR Annotation Id,UPR Session,"
    b"Regions Concerned,Recommending Regions,Date of publication on UHRI\r\n"
)


@pytest.fixture
def existing(engine: Engine, settings: Settings) -> Callable[[], bool]:
    """Data already in the database (the UPR Info sample); whether it is still exactly there."""
    assert import_upr_info(engine, settings, UPR_INFO).outcome == "succeeded"
    return data_unchanged(engine)


def assert_failed(engine: Engine, run: RunSummary, *fragments: str) -> None:
    assert run.outcome == "failed" and not run.ok
    assert run.message is not None
    for fragment in fragments:
        assert fragment in run.message, run.message
    with engine.connect() as conn:
        row = conn.execute(
            select(ImportRun.outcome, ImportRun.message, ImportRun.created, ImportRun.finished_at).where(
                ImportRun.id == run.run_id
            )
        ).one()
    assert (row.outcome, row.message, row.created) == ("failed", run.message, 0)
    assert row.finished_at is not None


def test_a_workbook_named_without_xlsx_is_read_as_the_search_export(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """A browser may save the download without its suffix ("export", "export.xlsx.part" renamed): it
    was read as JSON and refused as "an Excel workbook ..., not the UHRI JSON export; the UHRI search
    page's export is an .xlsx file", which it was. A local file is what its bytes say."""
    path = tmp_path / "uhri-export"
    path.write_bytes(UHRI_XLSX.read_bytes())

    run = import_uhri(engine, settings, str(path))

    assert run.outcome == "succeeded", run.message
    assert (run.counts.read, run.counts.created, run.counts.withdrawn) == (10, 10, 0)
    with engine.connect() as conn:
        stored = conn.execute(
            select(ImportRun.format, ImportRun.full_export).where(ImportRun.id == run.run_id)
        )
        assert tuple(stored.one()) == ("xlsx", False)  # never a full export: it withdraws nothing


def test_xlsx_that_is_a_text_file_fails(
    engine: Engine, settings: Settings, tmp_path: Path, existing: Callable[[], bool]
) -> None:
    fake = tmp_path / "uhri-search-export.xlsx"
    fake.write_text("Text,Countries Concerned\r\nRatify the Convention,Peru\r\n", encoding="utf-8")

    run = import_uhri(engine, settings, str(fake))

    assert_failed(engine, run, "not an XLSX spreadsheet")
    assert existing()


def test_a_workbook_cut_short_is_named_so(
    engine: Engine, settings: Settings, tmp_path: Path, existing: Callable[[], bool]
) -> None:
    """A search-page export whose download stopped half-way: its first bytes are a workbook's, its end
    (the ZIP archive's directory) is missing. It was refused as "not an XLSX spreadsheet: File is not a
    zip file", though its name, its icon and its first bytes say it is one."""
    cut = tmp_path / "uhri-search-export.xlsx"
    whole = UHRI_XLSX.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])

    run = import_uhri(engine, settings, str(cut))

    assert_failed(
        engine,
        run,
        "not an XLSX spreadsheet: the workbook is cut short or damaged (its end is missing, as when a "
        "download or copy did not finish): download or copy it again",
    )
    assert "File is not a zip file" not in (run.message or "")
    assert existing()


def _encrypted_workbook() -> bytes:
    """A Compound File as Excel writes an .xlsx saved with a password (MS-OFFCRYPTO): its streams
    EncryptionInfo and EncryptedPackage (empty here), one FAT sector and one directory sector."""
    free, end, fat = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0)
    )
    header += struct.pack("<109I", 0, *[free] * 108)
    fat_sector = struct.pack("<128I", fat, end, *[free] * 126)

    def entry(name: str, kind: int, right: int = free, child: int = free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
            + bytes(36)
            + struct.pack("<IQ", end if kind == 5 else 0, 0)
        )

    directory = (
        entry("Root Entry", 5, child=1)
        + entry("EncryptionInfo", 2, right=2)
        + entry("EncryptedPackage", 2)
        + entry("", 0)
    )
    return header + fat_sector + directory


PASSWORD_REFUSAL = (
    "this is an Excel workbook (or another Office file) protected by a password, which cannot be read: "
    "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password: "
    "clear it), save it, and import it again"
)


def test_a_workbook_saved_with_a_password_is_named_so(
    engine: Engine, settings: Settings, tmp_path: Path, existing: Callable[[], bool]
) -> None:
    """A search export (or a ministry's template) saved with a password is no ZIP archive but a
    Compound File, as an old XLS is: it was refused as "an old Excel workbook (XLS): open it in Excel
    and save it as 'Excel Workbook (.xlsx)'", which Excel does with the password kept, and the same
    refusal again."""
    locked = tmp_path / "uhri-search-export.xlsx"
    locked.write_bytes(_encrypted_workbook())

    run = import_uhri(engine, settings, str(locked))

    assert_failed(engine, run, f"not an XLSX spreadsheet: {PASSWORD_REFUSAL}")
    assert "XLS)" not in (run.message or "")
    # The CSV imports name it too (saved as CSV UTF-8, it has no password).
    run = import_csv_template(engine, settings, locked)
    locked_csv = "this is an Excel workbook (or another Office file) protected by a password, not a CSV file"
    assert_failed(engine, run, locked_csv)
    assert existing()


@pytest.mark.parametrize(
    ("importer", "content", "fragments"),
    [
        pytest.param(
            "csv",
            b"mechanism,text,country\r\nIACHR,Adopt a law,Peru\r\n",
            ("unknown column(s) 'country'", "the columns are: external_id, mechanism"),
            id="template-unknown-column",
        ),
        pytest.param(
            "csv",
            b"mechanism,symbol\r\nIACHR,OEA/Ser.L/V/II\r\n",
            ("missing required column(s) 'text'",),
            id="template-missing-column",
        ),
        pytest.param(
            "upr-info",
            b"Country,Text,Body\r\nPeru,Adopt a law,IACHR\r\n",
            ("not a UPR Info export: missing column(s) 'To'", "the header row holds 'Country'"),
            id="upr-info-wrong-columns",
        ),
        pytest.param(
            "csv",
            # UTF-8, then a Windows-1252 letter: no one encoding reads it (one in Windows-1252 alone
            # is read: tests/importers/test_template_encoding.py).
            "mechanism,text\r\nIACHR,Café\r\n".encode()
            + "IACHR,Garantizar la educación\r\n".encode("cp1252"),
            ("not UTF-8: byte b'\\xf3' on line 3", "re-save the file as UTF-8"),
            id="template-not-utf8",
        ),
        # The wrong kind of file is named, not the first thing the reader chokes on.
        pytest.param(
            "csv",
            UHRI_JSON.read_bytes()[:4096],
            ("this is a JSON document, not a CSV file", "nrtd import uhri"),
            id="template-given-json",
        ),
        pytest.param(
            "csv",
            UHRI_XLSX.read_bytes(),
            # A workbook is read as the template (saved as .xlsx) and named for what it is.
            (
                "sheet 'Recommendations': this is the UHRI search page's export, not the template of manual "
                "recommendations: import it with `nrtd import uhri FILE.xlsx` (in the staff workspace: 'UHRI "
                "search export (XLSX)')",
            ),
            id="template-given-xlsx",
        ),
        pytest.param(
            "upr-info",
            UHRI_XLSX.read_bytes(),
            ("this is an Excel workbook (XLSX)",),
            id="upr-info-given-xlsx",
        ),
        pytest.param(
            "upr-info",
            UHRI_JSON.read_bytes()[:4096],
            # Not told to save "a workbook" as CSV: it is the UHRI export, with an import of its own.
            (
                "this is a JSON document, not a CSV file: a UHRI export is imported with `nrtd import uhri` "
                "(in the staff workspace: the search page's .xlsx file as 'UHRI search export (XLSX)')",
            ),
            id="upr-info-given-json",
        ),
        # A CSV of another import is named as such, with the import that reads it (the command and
        # the staff workspace's kind), not refused for its columns (or its encoding) alone.
        pytest.param(
            "csv",
            UPR_INFO_HEADER + b"Peru,GRULAC,OAS,Ratify the Convention,Norway,WEOG,,Accepted,5,Torture,14\r\n",
            (
                "this is a UPR Info database export, not the template of manual recommendations",
                "`nrtd import upr-info`",
                "'UPR Info database (CSV)'",
            ),
            id="template-given-upr-info",
        ),
        pytest.param(
            "csv",
            UPR_INFO.read_bytes(),  # Mac Roman: named for what it is, not for its encoding
            (
                "this is a UPR Info database export, not the template of manual recommendations",
                "`nrtd import upr-info`",
            ),
            id="template-given-upr-info-in-mac-roman",
        ),
        pytest.param(
            "upr-info",
            template_download(),
            (
                "this is the template of manual recommendations, not a UPR Info export",
                "`nrtd import csv`",
                "'Template of manual recommendations (CSV or Excel)'",
            ),
            id="upr-info-given-template",
        ),
        pytest.param(
            "csv",
            UHRI_CSV_HEADER + b"Ratify the Convention,- Peru,- UPR\r\n",
            (
                "this is the UHRI search page's export saved as CSV",
                "`nrtd import uhri FILE.xlsx`",
                "'UHRI search export (XLSX)'",
            ),
            id="template-given-uhri-export-as-csv",
        ),
        pytest.param(
            "upr-info",
            UHRI_CSV_HEADER.replace(b",", b";") + b"Ratify the Convention;- Peru;- UPR\r\n",
            ("this is the UHRI search page's export saved as CSV",),
            id="upr-info-given-uhri-export-as-csv",
        ),
    ],
)
def test_unreadable_csv_fails(
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    existing: Callable[[], bool],
    importer: str,
    content: bytes,
    fragments: tuple[str, ...],
) -> None:
    path = tmp_path / "input.csv"
    path.write_bytes(content)

    if importer == "csv":
        run = import_csv_template(engine, settings, path)
    else:
        run = import_upr_info(engine, settings, path)

    assert_failed(engine, run, "input rejected: ", *fragments)
    assert existing()


def ods_workbook(path: Path) -> Path:
    """What LibreOffice Calc saves by default: a ZIP archive whose first member names its kind."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content/>')
    return path


@pytest.mark.parametrize(
    ("importer", "fragment"),
    [
        ("csv", "not an XLSX spreadsheet: this is an OpenDocument workbook (.ods, what LibreOffice saves"),
        ("uhri", "not an XLSX spreadsheet: this is an OpenDocument workbook (.ods, what LibreOffice saves"),
        ("upr-info", "this is an OpenDocument workbook (.ods, what LibreOffice saves by default), not a CSV"),
    ],
)
def test_a_libreoffice_workbook_is_named_for_what_it_is(
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    existing: Callable[[], bool],
    importer: str,
    fragment: str,
) -> None:
    """The template filled in LibreOffice and saved with its Save (an .ods file) was refused as "not an
    XLSX spreadsheet: \"There is no item named '[Content_Types].xml' in the archive\"": a library's
    words, with nothing to do about them. It is named, with the format to save it in."""
    path = ods_workbook(tmp_path / "recommendations.ods")

    if importer == "csv":
        run = import_csv_template(engine, settings, path)
    elif importer == "upr-info":
        run = import_upr_info(engine, settings, path)
    else:
        run = import_uhri(engine, settings, str(path))

    assert_failed(engine, run, fragment)
    assert "Content_Types" not in (run.message or "")
    assert existing()


@pytest.mark.parametrize("importer", ["csv", "uhri"])
def test_a_zip_archive_holding_the_file_is_named_with_what_it_holds(
    engine: Engine, settings: Settings, tmp_path: Path, existing: Callable[[], bool], importer: str
) -> None:
    """The search export or the template zipped to be sent by e-mail, given as it came: refused as "not
    an XLSX spreadsheet: \"There is no item named '[Content_Types].xml' in the archive\"", a library's
    words, with nothing to do about them. It is named a ZIP archive, with what it holds."""
    path = tmp_path / "recommendations.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("exports/", b"")
        archive.writestr("exports/uhri-search-export.xlsx", UHRI_XLSX.read_bytes())

    run = (
        import_csv_template(engine, settings, path)
        if importer == "csv"
        else import_uhri(engine, settings, str(path))
    )

    assert_failed(
        engine,
        run,
        "not an XLSX spreadsheet: this is a ZIP archive holding 'exports/uhri-search-export.xlsx', not a "
        "workbook: extract the file from it and import that file",
    )
    assert "Content_Types" not in (run.message or "")
    assert existing()


@pytest.mark.parametrize(
    ("part", "kind"),
    [
        ("word/document.xml", "a Word document (.docx)"),
        ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
    ],
)
def test_another_office_file_is_named_for_what_it_is(
    engine: Engine, settings: Settings, tmp_path: Path, existing: Callable[[], bool], part: str, kind: str
) -> None:
    """The reports' Word template (or a presentation) chosen in the upload's file dialog instead of the
    workbook: refused as "not an XLSX spreadsheet: File contains no valid workbook part", openpyxl's
    words. Named for what it is, as a PDF is."""
    path = tmp_path / "implementation-report.bin"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", b'<?xml version="1.0"?><Relationships/>')
        archive.writestr(part, b"<document/>")

    for run in (import_csv_template(engine, settings, path), import_uhri(engine, settings, str(path))):
        assert_failed(engine, run, f"not an XLSX spreadsheet: this is {kind}")
        assert "workbook part" not in (run.message or "")
    assert existing()
