"""The UPR Info CSV reader, on files shaped like real exports: legacy encodings, CR-only lines."""

# Typographic quotes and dashes are the point here: they are where legacy encodings differ.
# ruff: noqa: RUF001

from __future__ import annotations

import csv
import io
import logging
import random
import re
import time
from pathlib import Path

import pytest

from app.feed.records import MalformedInput, Rejection, SourceRecord
from importers.upr_info_csv import COLUMNS, read_upr_info_csv
from importers.upr_info_encoding import _non_ascii_windows, detect_encoding

HEADER = list(COLUMNS)


def upr_row(
    to: str = "Peru",
    text: str = "Ratify the Optional Protocol to the Convention against Torture",
    from_: str = "Norway",
    response: str = "Accepted",
    action: str = "4",
    issue: str = "Torture and other CID,Detention",
    session: str = "42",
) -> list[str]:
    return [to, "GRULAC", "OAS", text, from_, "WEOG", "EU", response, action, issue, session]


def write_csv(
    path: Path,
    rows: list[list[str]],
    *,
    encoding: str = "utf-8",
    newline: str = "\r\n",
    header: list[str] | None = None,
    delimiter: str = ",",
) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator=newline, delimiter=delimiter)
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def records(path: Path, encoding: str | None = None) -> list[SourceRecord]:
    results = list(read_upr_info_csv(path, encoding))
    assert all(isinstance(result, SourceRecord) for result in results), results
    return [result for result in results if isinstance(result, SourceRecord)]


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
    with pytest.raises(
        MalformedInput, match=r"cannot decode the file as utf-8: byte b'\\xfa' on line 2 \(invalid"
    ):
        records(path, "utf-8")


@pytest.mark.parametrize(
    ("response", "position"),
    [
        ("Accepted", "supported"),
        ("supported", "supported"),
        ("Noted", "noted"),
        ("Rejected", "noted"),
        # UPR Info's value for a recommendation the State supported in part: it has a part to
        # implement, so it is followed up as supported, like "Partially accepted".
        ("Supported/Noted", "supported"),
        ("Supported / Noted", "supported"),
        ("Accepted/Noted", "supported"),
        ("", "none"),
        ("Pending", "none"),
        ("Unclear response", "none"),
        ("No response", "none"),
    ],
)
def test_responses(tmp_path: Path, response: str, position: str) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row(response=response)])
    assert records(path)[0].position == position


def test_id_is_stable_across_spacing_case_and_entities(tmp_path: Path) -> None:
    legacy = write_csv(
        tmp_path / "old.csv",
        [upr_row(to="Côte d’Ivoire", text="Ratify the OPCAT &#40;2006&#41;")],
        encoding="mac_roman",
        newline="\r",
    )
    modern = write_csv(tmp_path / "new.csv", [upr_row(to="Ivory Coast", text="  ratify the  OPCAT (2006).")])
    other_session = write_csv(
        tmp_path / "s.csv", [upr_row(to="Côte d'Ivoire", text="Ratify the OPCAT (2006)", session="43")]
    )
    assert records(legacy)[0].external_id == records(modern)[0].external_id
    assert records(legacy)[0].external_id != records(other_session)[0].external_id


def test_duplicates_within_a_file_are_rejected(tmp_path: Path) -> None:
    rows = [
        upr_row(),
        upr_row(to="Chile"),
        upr_row(text="RATIFY the Optional Protocol to the Convention against Torture "),
    ]
    first, other, duplicate = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows))
    assert isinstance(first, SourceRecord)
    assert isinstance(other, SourceRecord)
    assert duplicate == Rejection("row 4", "duplicate of row 2", first.external_id)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (upr_row(session="abc"), "Session: expected a whole number, got 'abc'"),
        (upr_row(session=""), "Session: empty"),
        (upr_row(text="  "), "Text: empty"),
        (upr_row(to=""), "To: empty"),
        (upr_row(action="7"), "Action: 7 is outside 1..5"),
        (upr_row(action="high"), "Action: expected a whole number, got 'high'"),
        ([*upr_row(), "stray"], "12 cells but the header has 11 (a stray comma or quote?)"),
    ],
)
def test_malformed_rows_are_rejected_and_the_run_goes_on(tmp_path: Path, row: list[str], reason: str) -> None:
    path = write_csv(tmp_path / "x.csv", [row, upr_row(to="Chile")])
    rejection, record = read_upr_info_csv(path)
    assert rejection == Rejection("row 2", reason)
    assert isinstance(record, SourceRecord)
    assert record.countries == ["Chile"]


def test_numbers_a_program_wrote_as_decimals_are_read(tmp_path: Path) -> None:
    """A file that went through a data tool writes a column of numbers with empty cells as decimals
    ("42.0", "4.0"); a whole number so written is that number, a fraction is still refused."""
    rows = [
        upr_row(session="42.0", action="4.0"),
        upr_row(to="Chile", session=" 7.00 ", action=""),
        upr_row(to="Peru", text="Other", session="42.5"),
    ]
    first, second, third = read_upr_info_csv(write_csv(tmp_path / "x.csv", rows))
    assert isinstance(first, SourceRecord) and (first.upr_session, first.upr_info_action) == (42, 4)
    assert isinstance(second, SourceRecord) and second.upr_session == 7
    assert third == Rejection("row 4", "Session: expected a whole number, got '42.5'")


def test_other_spellings_of_a_state_and_unknown_labels_are_kept(tmp_path: Path) -> None:
    rows = [
        upr_row(to="Turkey", from_="Korea (Republic of)"),
        upr_row(to="Bolivia", from_="&#40;Unknown&#41;"),
        upr_row(to="PE", from_=""),
    ]
    kept = records(write_csv(tmp_path / "x.csv", rows))
    assert [(r.countries, r.recommending_states) for r in kept] == [
        (["Turkey"], ["Korea (Republic of)"]),
        (["Bolivia"], ["(Unknown)"]),
        (["PE"], []),
    ]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row(), [""] * 11, [], upr_row(to="Chile")])
    assert [record.input_position for record in records(path)] == ["row 2", "row 5"]


def test_header_is_matched_trimmed_and_case_insensitively(tmp_path: Path) -> None:
    header = [f" {name.upper()} " for name in HEADER[:-1]] + ["session"]
    assert records(write_csv(tmp_path / "x.csv", [upr_row()], header=header))[0].upr_session == 42
    # Words separated otherwise than by the original hyphen: a header retyped in a spreadsheet.
    header = [name.replace("-", " ") for name in HEADER[:2]] + [
        "From_Rgrp" if n == "From-Rgrp" else n for n in HEADER[2:]
    ]
    assert records(write_csv(tmp_path / "x.csv", [upr_row()], header=header))[0].upr_session == 42


def test_organisation_columns_are_optional(tmp_path: Path) -> None:
    header = [name for name in HEADER if not name.endswith("-Org")]
    row = [value for name, value in zip(HEADER, upr_row(), strict=True) if not name.endswith("-Org")]
    assert records(write_csv(tmp_path / "x.csv", [row], header=header))[0].countries == ["Peru"]


def test_missing_columns_are_named(tmp_path: Path) -> None:
    header = [name for name in HEADER if name not in ("Response", "Session")]
    path = write_csv(tmp_path / "x.csv", [], header=header)
    with pytest.raises(MalformedInput, match=r"missing column\(s\) 'Response', 'Session'"):
        list(read_upr_info_csv(path))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "this is an Excel workbook"),
        (b"CSV\x00with NUL", "contains NUL bytes"),
        ("To,Text\nPérou,x\n".encode() + b"Per\xfa,y\n", "mixes encodings"),
        # UTF-8's byte-order mark, then a Windows-1252 letter: it was read as Windows-1252, the mark
        # as three letters in the first column's name, and refused for "missing column 'To'".
        (
            b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\nPer\xfa,x\n",
            r"mixes encodings: it starts as UTF-8 \(its byte-order mark\) but then holds b'\\xfa' on line 2,",
        ),
        (",".join(COLUMNS).encode() + b'\nPeru,"unterminated\n' + b"x" * 200_000, "not a valid CSV file"),
    ],
)
def test_unusable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match=message):
        list(read_upr_info_csv(path))


def test_an_unclosed_quote_refuses_the_file_rather_than_swallowing_the_rows_below(tmp_path: Path) -> None:
    rows = [upr_row(text=text, issue="Detention") for text in ("First", "Second", "Third")]
    path = write_csv(tmp_path / "x.csv", rows)
    content = path.read_bytes().replace(b"Peru,GRULAC,OAS,Second", b'Peru,GRULAC,OAS,"Second', 1)
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match=r"^not a valid CSV file: row 3: a quoted cell is never closed"):
        list(read_upr_info_csv(path))


def test_blank_rows_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [upr_row()])
    path.write_bytes(b"\r\n,,,\r\n" + path.read_bytes())
    (record,) = records(path)
    assert record.input_position == "row 4"


def test_a_file_cut_short_in_its_last_row_says_so(tmp_path: Path) -> None:
    """A UPR Info file whose download stopped inside its last row: that row was rejected as "Session:
    empty", which sends the user looking for a session in a row that was never complete."""
    path = tmp_path / "upr.csv"
    header = "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
    whole = "Peru,GRULAC,,Ratify the OP,Norway,WEOG,,Accepted,5,Torture,43\r\n"
    path.write_bytes((header + whole + "Peru,GRULAC,,Adopt a law,Chile").encode("cp1252"))
    results = list(read_upr_info_csv(path))
    assert [result.texts for result in results if isinstance(result, SourceRecord)] == [
        {"en": "Ratify the OP"}
    ]
    assert [result for result in results if isinstance(result, Rejection)] == [
        Rejection(
            "row 3",
            "5 cells but the header has 11, and the file ends inside this row, without a line break: it "
            "looks cut short (a download or copy that did not finish); import the complete file",
        )
    ]


def test_a_file_cut_short_inside_a_quoted_cell_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "upr.csv"
    header = "To,To-Rgrp,Text,From,From-Rgrp,Response,Action,Issue,Session\r\n"
    path.write_bytes((header + 'Peru,GRULAC,"Ratify the OP",Norway,WEOG,Accepted,5,"Torture, Det').encode())
    with pytest.raises(
        MalformedInput, match=r"^not a valid CSV file: row 2: the file ends inside a quoted cell"
    ):
        list(read_upr_info_csv(path))
