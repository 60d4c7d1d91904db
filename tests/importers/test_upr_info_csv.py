"""The UPR Info CSV reader, on files shaped like real exports: legacy encodings, CR-only lines, Excel's
separators and byte-order marks (the rows themselves: test_upr_info_rows.py)."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.
# ruff: noqa: RUF001

from __future__ import annotations

import logging
import random
import re
import time
from pathlib import Path

import pytest

from app.feed.records import MalformedInput, SourceRecord
from importers.upr_info_csv import read_upr_info_csv
from importers.upr_info_encoding import _non_ascii_windows, detect_encoding
from tests.importers.upr_info_files import records, upr_row, write_csv


def test_mac_roman_with_cr_only_line_endings(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = [
        upr_row(
            to="Côte d’Ivoire",
            text="Ensure girls’ access to education – in particular in rural areas\rand in “zones à risque”",
            from_="France",
            issue="Education,Women's rights, Rights of the Child,,",
            session="33",
        ),
        upr_row(
            to="Türkiye",
            text="Ratify the OPCAT &#40;2006&#41; &amp; the CED",
            from_="&#40;Unknown&#41;",
            response="Noted",
            action="",
            issue="Torture and other CID",
            session="35",
        ),
    ]
    path = write_csv(tmp_path / "upr-info.csv", rows, encoding="mac_roman", newline="\r")
    assert b"\r\n" not in path.read_bytes()

    with caplog.at_level(logging.INFO, logger="importers.upr_info_csv"):
        first, second = records(path)

    assert "reading it as mac_roman" in caplog.text
    assert first.source == "upr-info"
    assert first.mechanism == "UPR"
    assert first.type == "recommendation"
    assert first.input_position == "row 2"
    assert first.countries == ["Côte d’Ivoire"]
    assert first.regions == ["GRULAC"]
    assert first.texts == {
        "en": "Ensure girls’ access to education – in particular in rural areas\nand in “zones à risque”"
    }
    assert first.recommending_states == ["France"]
    assert first.recommending_regions == ["WEOG"]
    assert first.position == "supported"
    assert first.upr_info_action == 4
    assert first.issues == ["Education", "Women's rights", "Rights of the Child"]
    assert (first.upr_session, first.upr_cycle) == (33, 3)
    assert re.fullmatch(r"[0-9a-f]{32}", first.external_id)

    assert second.input_position == "row 3"
    assert second.countries == ["Türkiye"]
    assert second.texts == {"en": "Ratify the OPCAT (2006) & the CED"}
    assert second.recommending_states == ["(Unknown)"]
    assert second.position == "noted"
    assert second.upr_info_action is None
    assert (second.upr_session, second.upr_cycle) == (35, 3)


def test_windows_1252_with_crlf(tmp_path: Path) -> None:
    text = "Guarantee freedom of expression – including journalists’ “online” work (€)"
    rows = [upr_row(to="Perú", text=text, from_="Côte d'Ivoire", response="Noted", action="5")]
    path = write_csv(tmp_path / "upr-info.csv", rows, encoding="cp1252")

    assert detect_encoding(path) == "cp1252"
    (record,) = records(path)
    assert record.texts == {"en": text}
    assert record.countries == ["Perú"]
    assert record.recommending_states == ["Côte d'Ivoire"]
    assert (record.position, record.upr_info_action) == ("noted", 5)
    assert record.issues == ["Torture and other CID", "Detention"]


@pytest.mark.parametrize(
    "text",
    [
        "Protect niños y niñas from economic exploitation",  # no byte Windows-1252 leaves undefined
        "Strengthen the Ombudsman of Côte d’Ivoire",
        "Renforcer l’indépendance du système judiciaire",
    ],
)
def test_mac_roman_is_told_from_windows_1252_by_its_letters(tmp_path: Path, text: str) -> None:
    for encoding in ("mac_roman", "cp1252"):
        path = write_csv(tmp_path / f"{encoding}.csv", [upr_row(text=text)], encoding=encoding)
        assert detect_encoding(path) == encoding
        assert records(path)[0].texts == {"en": text}


def test_the_encoding_of_a_large_file_is_told_in_a_moment(tmp_path: Path) -> None:
    """Telling Windows-1252 from Mac Roman looks at the text around each accented letter. It tried a
    pattern at every byte of the file that backtracked 30 bytes each time: two seconds a megabyte, so
    the whole UPR Info database (some 30 MB) waited a minute before it was read, twice from the
    staff workspace (its check, then the import), and a 20 MB line without a break 25 s before being
    refused."""
    rows = [upr_row(text="Guarantee freedom of expression " * 8 + str(n)) for n in range(24_000)]
    rows.append(upr_row(text="Protect niños y niñas from economic exploitation"))
    path = write_csv(tmp_path / "large.csv", rows, encoding="mac_roman")
    assert path.stat().st_size > 6_000_000

    started = time.monotonic()
    encoding = detect_encoding(path)
    elapsed = time.monotonic() - started

    assert encoding == "mac_roman"
    assert elapsed < 2.5  # 12 s before


def test_the_text_around_accented_letters_is_what_the_pattern_finds() -> None:
    """The faster search gives exactly the windows the pattern gives, so no file is decided otherwise."""
    pattern = re.compile(rb"[^\r\n]{0,30}[\x80-\xff]+[^\r\n]{0,30}")
    rng = random.Random(7)
    for _ in range(2000):
        share = rng.choice([0.02, 0.1, 0.4])
        chunk = bytes(
            rng.choice(b"c \r\n\x93\xe9\x8e") if rng.random() < share else rng.choice(b"abcdefgh ")
            for _ in range(rng.randint(0, 300))
        )
        assert list(_non_ascii_windows(chunk)) == [m.group() for m in pattern.finditer(chunk)], chunk


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    rows = [upr_row(to="Türkiye", text="Protect “human rights defenders” – 中文")]
    plain = write_csv(tmp_path / "plain.csv", rows)
    bom = write_csv(tmp_path / "bom.csv", rows, encoding="utf-8-sig")
    assert bom.read_bytes().startswith(b"\xef\xbb\xbf")
    assert records(plain) == records(bom)
    assert records(bom)[0].texts == {"en": "Protect “human rights defenders” – 中文"}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_excel_semicolon_and_tab_separated_files_read_like_comma_separated(
    tmp_path: Path, delimiter: str
) -> None:
    # Excel in a French or Spanish locale saves "CSV" with ';' (the template import reads it too).
    rows = [upr_row(text="Ratify the Protocol; then, report on it", issue="Torture and other CID,Detention")]
    comma = write_csv(tmp_path / "comma.csv", rows)
    other = write_csv(tmp_path / "other.csv", rows, encoding="utf-8-sig", delimiter=delimiter, newline="\r")
    assert records(other) == records(comma)
    assert records(other)[0].issues == ["Torture and other CID", "Detention"]


@pytest.mark.parametrize("separator", [";", ","])
def test_excels_separator_line_is_read_not_taken_for_the_header(tmp_path: Path, separator: str) -> None:
    """A first line "sep=;" (Excel's hint of the separator, not shown as a row) was taken for the
    header: "not a UPR Info export: missing column(s) 'To' ...; the header row holds 'sep='"."""
    rows = [upr_row(text="Ratify the Protocol; then, report on it")]
    comma = write_csv(tmp_path / "comma.csv", rows)
    hinted = write_csv(tmp_path / "hinted.csv", rows, delimiter=separator)
    hinted.write_bytes(f"sep={separator}\r\n".encode() + hinted.read_bytes())
    assert records(hinted) == records(comma)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_excels_unicode_text_is_read_by_its_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    """Excel's "Save as Unicode Text": UTF-16 with a byte-order mark, tab-separated. It was refused as
    "not a CSV file: it contains NUL bytes (a binary file?)"."""
    rows = [upr_row(to="Türkiye", text="Protect “human rights defenders” – 中文")]
    comma = write_csv(tmp_path / "comma.csv", rows)
    wide = write_csv(tmp_path / "unicode.txt", rows, encoding=encoding, delimiter="\t")
    if encoding == "utf-16-be":  # the codec of one byte order writes no mark: add it as Excel would
        wide.write_bytes(b"\xfe\xff" + wide.read_bytes())
    assert detect_encoding(wide) == ("utf-32" if encoding == "utf-32" else "utf-16")
    assert records(wide) == records(comma)


def test_explicit_encoding(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row(to="Perú")], encoding="latin-1")
    assert records(path, "latin-1")[0].countries == ["Perú"]
    with pytest.raises(MalformedInput, match="unknown text encoding 'klingon'"):
        records(path, "klingon")
    with pytest.raises(MalformedInput) as refused:
        records(path, "utf-8")
    # What to do: the encoding named is the wrong one.
    assert str(refused.value) == (
        "cannot decode the file as utf-8: byte b'\\xfa' on line 2 (invalid start byte): the file is "
        "in another encoding; leave --encoding out to have it detected, or name the one it was saved in"
    )


@pytest.mark.parametrize("named", ["latin-1", "iso-8859-1", "latin1"])
def test_latin_1_named_for_a_windows_file_reads_its_quotes_and_dashes(tmp_path: Path, named: str) -> None:
    """What people call "Latin-1" is Windows-1252 (as browsers read it): its curly quotes and dashes,
    read as ISO-8859-1, became invisible control characters (U+0092), stored, shown and searched
    so, and a run importing it "updated" every such text. Read as Windows-1252 where it can be."""
    path = write_csv(
        tmp_path / "x.csv",
        [upr_row(to="Perú", text="Protect “defenders” – the State’s duty")],
        encoding="cp1252",
    )
    (record,) = records(path, named)
    assert record.texts["en"] == "Protect “defenders” – the State’s duty"
    assert record.countries == ["Perú"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_title_above_the_header_is_passed_over_as_the_template_import_does(
    tmp_path: Path, delimiter: str
) -> None:
    """A title row above the header (as a spreadsheet saved with one writes it) was taken for the
    header: the file was refused, "the header row holds 'UPR Info database: Peru'"."""
    path = write_csv(tmp_path / "titled.csv", [upr_row()], delimiter=delimiter)
    title = delimiter.join(["UPR Info database: Peru", *[""] * 10])
    path.write_bytes(f"{title}\r\n{delimiter * 10}\r\n".encode() + path.read_bytes())
    notes: list[str] = []
    (record,) = [
        result for result in read_upr_info_csv(path, on_note=notes.append) if isinstance(result, SourceRecord)
    ]
    assert record.input_position == "row 4" and record.countries == ["Peru"]
    assert notes == [
        "the header is row 3: the row(s) above it were passed over, holding 'UPR Info database: Peru'"
    ]


def test_a_file_whose_header_never_comes_is_still_refused_naming_its_first_row(tmp_path: Path) -> None:
    path = tmp_path / "no-header.csv"
    path.write_text("UPR Info database: Peru\r\nPeru,GRULAC\r\n", encoding="utf-8")
    with pytest.raises(MalformedInput, match="the header row holds 'UPR Info database: Peru'"):
        list(read_upr_info_csv(path))
