"""What may be evidence, from the content: the accepted kinds, the refused ones with their reason, and
names made safe (no database: these run once, on the SQLite run)."""

from __future__ import annotations

import codecs

import pytest

from app.core.downloads import content_disposition
from app.evidence.content import ContentCheck, Refused, format_name
from app.evidence.names import FALLBACK_NAME, MAX_NAME, safe_filename
from tests.evidence import samples


def _kind(data: bytes, name: str = "file", piece: int = 7) -> str:
    check = ContentCheck()
    for start in range(0, len(data), piece):  # in small pieces, as a stream arrives
        check.feed(data[start : start + piece])
    return check.kind(name).media_type


@pytest.mark.parametrize(
    ("data", "name", "media_type"),
    [
        (samples.PDF, "report.pdf", "application/pdf"),
        (samples.PNG, "photo.png", "image/png"),
        (
            samples.docx(),
            "minutes.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (samples.TEXT, "notes.txt", "text/plain"),
        (samples.CSV, "judges.csv", "text/csv"),
        ("Acta: año 2025 — niños\n".encode(), "acta", "text/plain"),
        (samples.PDF, "report.exe", "application/pdf"),  # the content decides, not the name
    ],
)
def test_accepted_kinds(data: bytes, name: str, media_type: str) -> None:
    assert _kind(data, name) == media_type


def _heif(brand: bytes) -> bytes:
    """The start of a HEIF file (ISO base media: an ``ftyp`` box naming its brand), as a camera writes it."""
    return b"\x00\x00\x00\x18ftyp" + brand + b"\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (samples.EXE_AS_PDF, "Windows program"),
        (samples.HTML, "web page"),
        (b"  \n<html><p>hi</p></html>", "web page"),
        (samples.SVG, "SVG"),
        (samples.SCRIPT, "script"),
        (samples.plain_zip(), "ZIP archive"),
        (b"plain text \x00 with a NUL", "no accepted kind"),
        # A CSV or text file a spreadsheet saved in its Windows encoding (Excel's "CSV" in Spanish or
        # French): it read "of no accepted kind (... CSV or plain text)", which it seemed to be.
        (b"latin-1 \xe9t\xe9", "text in another encoding than UTF-8"),
        ("regi\u00f3n;a\u00f1o;\u20ac\r\nLima;2025;3\r\n".encode("cp1252"), r"save it as UTF-8 \(in Excel"),
        # Excel's "Unicode Text" and Notepad's "Unicode": UTF-16 with its byte order mark, read "of no
        # accepted kind (... plain text)" for its NUL bytes.
        ("regi\u00f3n\ta\u00f1o\r\nLima\t2025\r\n".encode("utf-16-le"), "no accepted kind"),
        (codecs.BOM_UTF16_LE + "regi\u00f3n\ta\u00f1o\r\n".encode("utf-16-le"), r"save it as UTF-8 \(in"),
        (codecs.BOM_UTF16_BE + "Lima\t2025\r\n".encode("utf-16-be"), "text in another encoding than UTF-8"),
        (codecs.BOM_UTF16_LE + b"\x01\x00\x02\x00\x03\x00", "no accepted kind"),
        (b"\x01\x02 binary \xe9", "no accepted kind"),  # control characters: no text in any encoding
        ("é".encode()[:1], "no accepted kind"),  # UTF-8 cut in the middle of a character
        # A photo from an iPhone (HEIC, or HEIF of another brand): "of type image/heic" (or "of no
        # accepted kind" for a brand the type guess does not know) said neither what it is nor what to do.
        (_heif(b"heic"), r"HEIC photo \(an iPhone's\).*export it as JPEG"),
        (_heif(b"heix"), r"HEIC photo \(an iPhone's\).*export it as JPEG"),
        (_heif(b"mif1"), r"HEIC photo \(an iPhone's\).*export it as JPEG"),
        (_heif(b"avif"), "of type image/avif"),  # another image of the same box, not a photo's format
    ],
)
def test_refused_kinds_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(Refused, match=reason):
        _kind(data, "report.pdf")


@pytest.mark.parametrize(
    ("raw", "extension", "safe"),
    [
        ("../../etc/passwd.txt", "txt", "passwd.txt"),
        ("C:\\Users\\ana\\Informe final.pdf", "pdf", "Informe final.pdf"),
        ("report\x00\x1b[31m.pdf", "pdf", "report[31m.pdf"),
        ("evil\u202egnp.pdf", "pdf", "evilgnp.pdf"),  # a right-to-left override hid the real extension
        ("invoice.exe", "pdf", "invoice.exe.pdf"),
        ("photo.JPEG", "jpg", "photo.JPEG"),
        # The other usual names of a kind are its own (they became "scan.tiff.tif", "web.jfif.jpg").
        ("scan.tiff", "tif", "scan.tiff"),
        ("Scan.TIF", "tif", "Scan.TIF"),
        ("web.jfif", "jpg", "web.jfif"),
        ("scan.tiff.exe", "tif", "scan.tiff.exe.tif"),
        ("", "csv", "evidence.csv"),
        (None, "pdf", "evidence.pdf"),
        ("...", "pdf", "evidence.pdf"),
        ('a "quoted" <name>.pdf', "pdf", "a _quoted_ _name_.pdf"),
    ],
)
def test_safe_filename(raw: str | None, extension: str, safe: str) -> None:
    assert safe_filename(raw, extension) == safe


def test_long_names_keep_their_extension() -> None:
    name = safe_filename("x" * 1000 + ".pdf", "pdf")
    assert len(name) == MAX_NAME and name.endswith(".pdf")


def test_content_disposition_is_an_attachment_with_both_names() -> None:
    header = content_disposition("Informe año 2025.pdf", FALLBACK_NAME)
    assert header.startswith('attachment; filename="Informe ano 2025.pdf"; ')
    assert header.endswith("filename*=UTF-8''Informe%20a%C3%B1o%202025.pdf")
    # The fallback keeps a dash and one space, and never is a bare extension (a hidden file).
    dash = content_disposition("Informe de avance — educación 2026.pdf", FALLBACK_NAME)
    assert 'filename="Informe de avance - educacion 2026.pdf"' in dash
    assert 'filename="evidence.pdf"' in content_disposition("报告.pdf", FALLBACK_NAME)


def test_a_files_format_is_named_as_people_name_it() -> None:
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert [format_name(kind) for kind in ("application/pdf", docx, "image/jpeg", "text/plain")] == [
        "PDF",
        "DOCX",
        "JPG",
        "TXT",
    ]
    assert format_name("application/x-unknown") == "application/x-unknown"
