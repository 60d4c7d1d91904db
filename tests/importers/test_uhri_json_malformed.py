"""A broken UHRI JSON document fails the whole run, naming the record where it broke: a file cut
short, a syntax error, no array at the top, bytes that are not UTF-8."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from app.feed.records import MalformedInput, SourceRecord
from importers.uhri_json import read_uhri_json
from tests.importers.test_uhri_json import CRC_ID, SR_ID, read_all, uhri_object


def test_truncated_document_fails_naming_the_record(tmp_path: Path) -> None:
    full = json.dumps([uhri_object(), uhri_object(CRC_ID), uhri_object(SR_ID)]).encode()
    path = tmp_path / "e.json"
    path.write_bytes(full[: len(full) - 200])

    reader = read_uhri_json(path)
    assert isinstance(next(reader), SourceRecord)  # streamed: records before the break come out
    with pytest.raises(MalformedInput, match=r"e\.json: invalid JSON at record 3: .*premature EOF") as cut:
        list(reader)
    # In words an operator acts on, not the parser's alone.
    assert str(cut.value) == (
        "e.json: invalid JSON at record 3: the file ends inside it (premature EOF): it was cut short, "
        "by a download or a copy that did not finish; download or copy it again"
    )


def test_syntax_error_fails_naming_the_record(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(b"[" + json.dumps(uhri_object()).encode() + b', {"AnnotationId": tru}]')
    with pytest.raises(MalformedInput, match="invalid JSON at record 2"):
        read_all(path)


def test_top_level_object_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"items": [uhri_object()]}), encoding="utf-8")
    with pytest.raises(MalformedInput, match="top level is an object; expected a JSON array"):
        read_all(path)


@pytest.mark.parametrize("content", [b"", b"  \n", b'"just a string"'])
def test_not_an_array_is_malformed(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "e.json"
    path.write_bytes(content)
    with pytest.raises(MalformedInput, match="expected a JSON array"):
        read_all(path)


def test_non_utf8_bytes_fail_naming_the_record(tmp_path: Path) -> None:
    good = json.dumps(uhri_object()).encode()
    latin1 = json.dumps(uhri_object(CRC_ID, Countries=["Côte d'Ivoire"]), ensure_ascii=False).encode(
        "latin-1"
    )
    path = tmp_path / "e.json"
    path.write_bytes(b"[" + good + b"," + latin1 + b"]")
    with pytest.raises(MalformedInput, match="not UTF-8 at record 2"):
        read_all(path)


def test_utf16_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "e.json"
    path.write_text(json.dumps([uhri_object()]), encoding="utf-16")
    with pytest.raises(MalformedInput, match="not UTF-8 at record 1"):
        read_all(path)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        # gzip's header holds NUL bytes (flags, a zero timestamp): they were taken for UTF-16's.
        (gzip.compress(b"[]", mtime=0), "this is a gzip-compressed file (decompress it first)"),
        (b"%PDF-1.7\n%\x00\x00\x00\x00", "this is a PDF document"),
    ],
    ids=["gzip", "pdf-with-nul-bytes"],
)
def test_a_compressed_or_binary_file_is_named_for_what_it_is(
    tmp_path: Path, content: bytes, kind: str
) -> None:
    """An export kept compressed (export-full-en.json.gz, or a download saved without being unpacked)
    was refused as "not UTF-8 at record 1 (looks like UTF-16)", sending the operator after an
    encoding; it is named for what it is, and what to do."""
    path = tmp_path / "export-full-en.json"
    path.write_bytes(content)
    with pytest.raises(MalformedInput) as refused:
        read_all(path)
    assert kind in str(refused.value)
    assert "UTF-16" not in str(refused.value)
