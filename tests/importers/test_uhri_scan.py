"""One State from a UHRI export: the other States' records, passed over by their bytes (unparsed),
give exactly what parsing every record gives: the same Skipped runs, positions, mapped records,
raw hashes and rejections."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import importers.uhri_scan
from app.feed.countries import CountryMatcher
from app.feed.records import KnownHashes, Rejection, Skipped, SourceRecord
from importers.uhri_json import raw_hash, split_point
from importers.uhri_scan import Record, scan
from tests.importers.scan_exports import NO_KEY, export_text, raw, read_both, record, write

ROOT = Path(__file__).resolve().parents[2]
PERU = CountryMatcher("Peru")


def _cuts(path: Path, keep: Any = PERU) -> list[Any]:
    """What the scan makes of a whole file: runs passed over as counts, "parse" for a Record."""
    with path.open("rb") as file:
        start = file.read().index(b"[") + 1
        return [
            cut if isinstance(cut, int) else "parse" if isinstance(cut, Record) else "rest"
            for cut in scan(file, start, None, keep)
        ]


# --- which records are passed over unparsed, and which are parsed ----------------------------

# (a record, whether the scan may pass it over unparsed, whether Peru's import keeps it)
_ONE_RECORD: dict[str, tuple[dict[str, Any], bool, bool]] = {
    "another State": (record(2, ["Chile"]), True, False),
    "two other States": (record(2, ["Chile", "Argentina"]), True, False),
    "no State": (record(2, []), True, False),
    "the State": (record(2, ["Peru"]), False, True),
    "the State among others": (record(2, ["Chile", "Peru"]), False, True),
    "its ISO stub": (record(2, ["PE"]), False, True),
    "padded, lower case": (record(2, [" peru "]), False, True),
    "with an accent": (record(2, ["Perú"]), False, True),
    "another State's stub": (record(2, ["PK"]), True, False),
    "the State, escaped": (record(2, [raw("escaped Peru")]), False, True),
    "another State, escaped": (record(2, [raw("escaped Chile")]), False, False),
    "a ] inside a label": (record(2, ["Chile]"]), False, False),
    "the State after a ] inside a label": (record(2, ["x]", "Peru"]), False, True),
    "a null label": (record(2, ["Chile", None]), False, True),  # rejected by the mapping
    "a number label": (record(2, [3]), False, True),
    "Countries null": (record(2, None), False, True),
    "Countries a string": (record(2, "Chile"), False, True),  # rejected by the mapping
    "no Countries key": (record(2, NO_KEY), False, True),
    "Countries twice, the State last": (record(2, ["Chile"], **{raw("Countries"): ["Peru"]}), False, True),
    "Countries twice, the State first": (record(2, ["Peru"], **{raw("Countries"): ["Chile"]}), False, False),
    "Countries again, escaped": (record(2, ["Chile"], **{raw("escaped Countries"): ["Peru"]}), False, True),
    "a key with an escape": (record(2, ["Chile"], **{"Not\\u0065": 1}), False, False),
    "braces in its text": (record(2, ["Chile"], Text="<p>1. Protect {all} children.</p>"), False, False),
    "a } in its text": (record(2, ["Chile"], Text="<p>1. Protect all} children.</p>"), False, False),
    "the State's Countries in its text": (
        record(2, ["Chile"], Text='<p>1. "Countries": ["Peru"]</p>'),
        True,
        False,
    ),
    "another State's Countries in the State's text": (
        record(2, ["Peru"], Text='<p>1. "Countries": ["Chile"]</p>'),
        False,
        True,
    ),
    "a lone surrogate escape in its text": (record(2, ["Chile"], Text=raw("lone surrogate")), True, False),
    "the State, a lone surrogate escape in its text": (
        record(2, ["Peru"], Text=raw("lone surrogate")),
        False,
        True,
    ),
    "non-ASCII text": (record(2, ["Chile"], Text="<p>1. Ñandú 😀 ١٢٣</p>"), True, False),
    "Countries first": (
        {"Countries": ["Chile"], **{k: v for k, v in record(2).items() if k != "Countries"}},
        True,
        False,
    ),
    "Countries last": (
        {**{k: v for k, v in record(2).items() if k != "Countries"}, "Countries": ["Chile"]},
        True,
        False,
    ),
    "numbers and floats": (record(2, ["Chile"], UprCycle=4.0, UprSession=[43], Extra=1e300), True, False),
}
# Not the UHRI format (the mapping rejects it): the scan's cut inside it shows, the rest is parsed.
_OBJECTS_IN_A_LIST = record(2, ["Chile"], Themes=[{"a": 1}, {"b": 2}])


@pytest.mark.parametrize("layout", ["one a line", "compact", "indented", "ascii, CRLF and tabs"])
@pytest.mark.parametrize("case", list(_ONE_RECORD))
def test_a_record_between_two_others_is_read_as_a_full_parse_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, layout: str
) -> None:
    middle, passed_over, kept = _ONE_RECORD[case]
    path = write(tmp_path / "e.json", [record(1), middle, record(3)], layout)
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full
    items = scanned[0][0]
    assert any(isinstance(item, (SourceRecord, Rejection)) for item in items) == kept
    assert _cuts(path) == ([3] if passed_over else [1, "parse", 1])


@pytest.mark.parametrize("layout", ["one a line", "indented"])
def test_a_record_holding_objects_leaves_the_rest_to_the_full_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    records = [record(1), _OBJECTS_IN_A_LIST, record(3), record(4, ["Peru"]), record(5)]
    path = write(tmp_path / "e.json", records, layout)
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full
    assert [type(item).__name__ for item in scanned[0][0]] == ["Skipped", "SourceRecord", "Skipped"]
    assert scanned[0][0][1].input_position == "record 4"
    # Cut between its two objects: its first piece does not parse alone, so the reader parses
    # the rest in full from there.
    assert _cuts(path)[:2] == [1, "parse"]


def test_with_ascii_escapes_only_plain_labels_are_passed_over(tmp_path: Path) -> None:
    # ensure_ascii writes "Per\u00fa" and "C\u00f4te": those arrays hold escapes, so they are parsed.
    records = [record(1, ["Chile"]), record(2, ["Côte d'Ivoire"]), record(3, ["Perú"]), record(4)]
    path = write(tmp_path / "e.json", records, "ascii, CRLF and tabs")
    assert _cuts(path) == [1, "parse", "parse", 1]


# --- a varied export, every layout, several States, blocks of every size ----------------------


def _varied(count: int = 240) -> list[Any]:
    """Mostly other States' records, a tenth Peru's in its spellings, every oddity now and then."""
    odd = [middle for middle, _, _ in _ONE_RECORD.values()]
    others = [["Chile"], ["Pakistan"], ["PK"], ["Côte d'Ivoire"], ["Türkiye", "Chile"], []]
    peru = [["Peru"], ["PE"], [" peru "], ["Perú"], ["Chile", "Peru"]]
    records: list[Any] = []
    for n in range(1, count + 1):
        if n % 10 == 0:
            records.append(record(n, peru[n // 10 % len(peru)]))
        elif n % 7 == 0:
            records.append({**odd[n // 7 % len(odd)], "AnnotationId": record(n)["AnnotationId"]})
        else:
            records.append(record(n, others[n % len(others)], Text=f"<p>{n}. Protect children.</p>"))
    records[5]["Text"] = None  # another State's: passed over all the same
    records[19]["Text"] = None  # Peru's: rejected
    return records


@pytest.mark.parametrize("block", [importers.uhri_scan.BLOCK_BYTES, 4096, 500])
@pytest.mark.parametrize("layout", ["one a line", "compact", "indented", "ascii, CRLF and tabs"])
@pytest.mark.parametrize("state", ["Peru", "Chile", "PK", "Côte d'Ivoire"])
def test_a_varied_export_is_read_as_a_full_parse_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str, layout: str, block: int
) -> None:
    monkeypatch.setattr(importers.uhri_scan, "BLOCK_BYTES", block)
    path = write(tmp_path / "e.json", _varied(), layout)
    keep = CountryMatcher(state)
    scanned, full = read_both(monkeypatch, path, keep)
    assert scanned == full
    assert scanned[0][1] is None
    items = scanned[0][0]
    assert sum(item.count for item in items if isinstance(item, Skipped)) > 100
    if block > 2000:  # the scan went through to the end, and passed most records over
        cuts = _cuts(path, keep)
        assert "rest" not in cuts
        assert sum(cut for cut in cuts if isinstance(cut, int)) > 80
    else:  # a record larger than a block: the rest is parsed in full
        assert _cuts(path, keep)[-1] == "rest"


def test_stored_hashes_make_the_same_records_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _varied()
    path = write(tmp_path / "e.json", records)
    known = KnownHashes(frozenset(raw_hash(r) for r in records[:120]))
    scanned, full = read_both(monkeypatch, path, PERU, known=known)
    assert scanned == full
    assert "Unchanged" in {type(item).__name__ for item in scanned[0][0]}


@pytest.mark.parametrize("layout", ["one a line", "compact", "indented"])
def test_a_bom_and_whitespace_around_the_array(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(b"\xef\xbb\xbf \n\t" + export_text(_varied(), layout).encode() + b"\n\n")
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full and scanned[0][1] is None
    assert "rest" not in _cuts(path)


@pytest.mark.parametrize("content", [b"[]", b" [ \n ] ", b"[\n]\n"])
def test_an_empty_array(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(content)
    scanned, full = read_both(monkeypatch, path, PERU)
    assert scanned == full == (([], None), ([], None))


@pytest.mark.parametrize("layout", ["one a line", "compact", "indented", "ascii, CRLF and tabs"])
def test_each_half_is_read_as_a_full_parse_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    path = write(tmp_path / "e.json", _varied(400), layout)
    at = split_point(path)
    assert at is not None
    for part in [(0, at), (at + 1, None)]:
        scanned, full = read_both(monkeypatch, path, PERU, part=part)
        assert scanned == full
        assert scanned[0][1] is None
        assert any(isinstance(item, SourceRecord) for item in scanned[0][0])
        assert any(isinstance(item, Skipped) and item.count > 1 for item in scanned[0][0])


# --- a generated export ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("state", ["Peru", "Chile"])
def test_a_generated_export_is_read_as_a_full_parse_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, state: str
) -> None:
    path = tmp_path / "export.json"
    subprocess.run(
        [sys.executable, "benchmarks/generate_uhri_export.py", str(path), "--records", "3000", "--seed", "3",
         "--country", "Peru", "--country-records", "300"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    keep = CountryMatcher(state)
    scanned, full = read_both(monkeypatch, path, keep)
    assert scanned == full
    assert scanned[0][1] is None
    if state == "Peru":
        assert len([item for item in scanned[0][0] if isinstance(item, SourceRecord)]) == 300
    assert sum(cut for cut in _cuts(path, keep) if isinstance(cut, int)) > 2000
    # Pretty-printed, the same records read the same.
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(json.loads(path.read_text()), indent=2, ensure_ascii=False))
    again, _ = read_both(monkeypatch, pretty, keep)
    assert again == scanned
