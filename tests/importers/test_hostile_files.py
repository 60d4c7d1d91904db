"""Files built to hurt the importer are refused whole, quickly and with bounded memory: JSON nested
far deeper than the UHRI format (ijson's prefixes grow with the square of the depth), and XLSX zip
bombs. The stream guard in front of the JSON parser changes nothing in a well-formed export."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from app.core.config import Settings
from app.feed.records import MalformedInput, SourceRecord
from importers.json_stream import MAX_DEPTH, GuardedStream, TooDeep
from importers.run import import_uhri
from importers.uhri_json import read_uhri_json
from importers.uhri_xlsx import read_uhri_xlsx
from importers.xlsx_checks import check_archive
from tests.conftest import SAMPLE
from tests.uhri_records import snapshot, uhri_record

ROOT = Path(__file__).resolve().parents[2]
DEPTH = 200_000  # the attack's file: 1.2 MB, 23 GB of memory before the guard


def deep_objects(path: Path, depth: int = DEPTH) -> Path:
    path.write_text("[" + '{"a":' * depth + "1" + "}" * depth + "]")
    return path


def deep_arrays(path: Path, depth: int = DEPTH) -> Path:
    # Never more than one opener in a row: depth that no run of brackets shows.
    path.write_text("[" + "[[]," * depth + "1" + "]" * depth + "]")
    return path


# --- deep nesting --------------------------------------------------------------------------


@pytest.mark.parametrize("build", [deep_objects, deep_arrays])
def test_deep_nesting_is_a_malformed_file_named_by_its_byte(tmp_path: Path, build: Any) -> None:
    path = build(tmp_path / "deep.json")
    with pytest.raises(
        MalformedInput, match=r"deep\.json: invalid JSON: nested deeper than 16 levels at byte"
    ):
        list(read_uhri_json(path))


def test_nesting_is_refused_exactly_past_the_limit(tmp_path: Path) -> None:
    # The array is level 1, so MAX_DEPTH - 1 nested objects reach the limit and one more passes it.
    at_limit = deep_objects(tmp_path / "ok.json", MAX_DEPTH - 1)
    assert [type(item).__name__ for item in read_uhri_json(at_limit)] == ["Rejection"]
    past = deep_objects(tmp_path / "deep.json", MAX_DEPTH)
    offset = 1 + 5 * (MAX_DEPTH - 1)  # "[" then 15 times '{"a":': the 16th "{" is level 17
    with pytest.raises(MalformedInput, match=f"at byte {offset} "):
        list(read_uhri_json(past))


_MEASURE = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # a regression fails, not the machine
from app.models.taxonomy import ROLE_KIND
from importers.pipeline.terms import TermIndex
from importers.pipeline.prepare import read_uhri_json_described
from importers.reader_process import read_in_process
from app.feed.records import MalformedInput
from importers.uhri_json import read_uhri_json
path = Path(sys.argv[1])
if sys.argv[2] == "reader process":
    items = read_in_process(read_uhri_json_described, path, "en", None, None, TermIndex(ROLE_KIND))
else:
    items = read_uhri_json(path)
try:
    list(items)
except MalformedInput as exc:
    print(exc)
# VmHWM, not RUSAGE_SELF: a child's ru_maxrss starts from its parent's (pytest's) at the fork.
own = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024)
"""


@pytest.mark.slow
@pytest.mark.parametrize("where", ["in process", "reader process"])
def test_the_attack_file_is_refused_in_bounded_memory(tmp_path: Path, where: str) -> None:
    path = deep_objects(tmp_path / "deep.json")
    assert path.stat().st_size > 1_200_000
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_MEASURE), str(path), where],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    message, peak_mb = done.stdout.strip().splitlines()
    assert "nested deeper than 16 levels" in message
    assert int(peak_mb) < 200, f"peak RSS {peak_mb} MB"


def test_a_deep_file_fails_the_run_and_writes_nothing(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    # Through the reader process a large export takes: the message crosses the process boundary.
    settings = Settings(database_url=database_url, country="Peru", import_reader_process="always")
    path = tmp_path / "deep.json"
    path.write_text(json.dumps([uhri_record(1)])[:-1] + "," + '{"a":' * 5000 + "1" + "}" * 5000 + "]")
    before = snapshot(engine, skip=("import_leases", "import_runs"))
    run = import_uhri(engine, settings, str(path))
    assert run.outcome == "failed"
    assert run.message is not None and "nested deeper than 16 levels" in run.message
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before


def test_a_number_beyond_64_bits_is_a_malformed_file_not_a_traceback(tmp_path: Path) -> None:
    # yajl stops at an integer it cannot hold, so the file cannot be read past it.
    path = tmp_path / "big.json"
    path.write_text('[{"UprSession": ' + "9" * 5000 + "}]")
    with pytest.raises(
        MalformedInput, match=r"big\.json: invalid JSON at record 1: parse error: integer overflow"
    ):
        list(read_uhri_json(path))


# --- the guard changes nothing in a well-formed document ----------------------------------

_PIECES = st.sampled_from(
    ["[", "]", "{", "}", '"', "\\", "a", " ", "é", "\U0001f600", "\udfff", "\ud83d", "ud83d"]
)
_STRINGS = st.lists(_PIECES, max_size=8).map("".join)
_JSON = st.recursive(
    st.none() | st.integers() | _STRINGS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_STRINGS, inner, max_size=3),
    max_leaves=12,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


def _without_lone_surrogates(value: Any) -> Any:
    """What the guard makes of a value: each unpaired surrogate becomes U+FFFF."""
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, str):
        paired = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        return "".join("\uffff" if "\ud800" <= char <= "\udfff" else char for char in paired)
    return value


class _Trickle:
    """A file that hands out a few bytes at a time, so chunks end inside escapes and strings."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data = io.BytesIO(data)
        self._sizes = sizes or [7]
        self._turn = 0

    def read(self, size: int = -1) -> bytes:
        self._turn += 1
        return self._data.read(self._sizes[self._turn % len(self._sizes)])


@settings(max_examples=300, deadline=None)
@given(
    value=st.lists(_JSON, max_size=3),
    limit=st.integers(1, 8),
    sizes=st.lists(st.integers(1, 40), max_size=5),
    ascii_only=st.booleans(),
)
def test_guard_counts_depth_exactly_and_keeps_every_byte(
    value: list[Any], limit: int, sizes: list[int], ascii_only: bool
) -> None:
    raw = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    if not ascii_only and b"\xed" in raw:
        return  # a raw surrogate is not UTF-8: the parser refuses that file, not the guard
    stream = GuardedStream(_Trickle(raw, sizes), max_depth=limit)
    out = b""
    try:
        while chunk := stream.read(65536):
            out += chunk
    except TooDeep:
        assert _depth(value) > limit
        return
    assert _depth(value) <= limit
    assert json.loads(out) == _without_lone_surrogates(json.loads(raw))
    if b"\\ud" not in raw.lower():
        assert out == raw


def test_guarded_reading_of_the_sample_export_is_unchanged() -> None:
    records = [
        item for item in read_uhri_json(SAMPLE / "export-full-en.json") if isinstance(item, SourceRecord)
    ]
    assert len(records) == 80


# --- XLSX zip bombs ----------------------------------------------------------------------------


def _bomb(path: Path, sheet_bytes: int) -> Path:
    """The sample workbook with its sheet replaced by ``sheet_bytes`` of identical rows."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row * (sheet_bytes // len(row))
        + b"</sheetData></worksheet>"
    )
    with (
        zipfile.ZipFile(SAMPLE / "uhri-search-export.xlsx") as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for member in source.infolist():
            data = sheet if member.filename == "xl/worksheets/sheet1.xml" else source.read(member)
            target.writestr(member.filename, data)
    return path


def test_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 40 << 20)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(
        MalformedInput, match=r"refused: xl/worksheets/sheet1\.xml would unpack .* a zip bomb"
    ):
        list(read_uhri_xlsx(path))


def test_zip_bomb_fails_the_run_and_writes_nothing(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 40 << 20)
    before = snapshot(engine, skip=("import_leases", "import_runs"))
    run = import_uhri(engine, settings, str(path))
    assert run.outcome == "failed"
    assert run.message is not None and "zip bomb" in run.message
    assert snapshot(engine, skip=("import_leases", "import_runs")) == before


def test_unpacked_size_is_bounded_whatever_the_ratio(tmp_path: Path) -> None:
    sample = SAMPLE / "uhri-search-export.xlsx"
    with sample.open("rb") as stream:
        check_archive(stream)  # the real thing passes
        assert stream.tell() == 0
        with pytest.raises(MalformedInput, match=r"would unpack to 32,000 bytes, more than 30,000"):
            check_archive(stream, max_bytes=30_000)
    with pytest.raises(MalformedInput, match="not an XLSX spreadsheet"):
        check_archive(io.BytesIO(b"PK\x03\x04 not a zip"))
