"""What an import run reports for its progress bar: the records it expects, then those it read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from app.core.config import Settings
from app.feed.sniff import MAX_LINE_CHARS
from importers.csv_runs import import_csv_template, import_upr_info
from importers.pipeline.records import Counts
from importers.progress import count_csv_rows, count_uhri_records
from importers.run import import_uhri
from tests.conftest import SAMPLE
from tests.uhri_records import uhri_record, write_export


class Recorder:
    """An ``importers.progress.Progress`` that keeps what it is told."""

    def __init__(self) -> None:
        self.expected: list[int | None] = []
        self.read = 0

    def __call__(self, stage: str, counts: Counts) -> None:
        self.read = counts.read

    def transfer(self, received: int, total: int | None) -> None:
        pass

    def expect(self, count: Callable[[], int | None]) -> None:
        self.expected.append(count())

    def notice(self, message: str) -> None:
        pass


def test_uhri_records_are_counted_by_their_id_key(tmp_path: Path) -> None:
    # A text quoting the key holds it escaped (\"AnnotationId\"), which is no record.
    records = [uhri_record(n, Text='<p>See "AnnotationId": 1.</p>') for n in range(1, 6)]
    assert count_uhri_records(write_export(tmp_path / "export.json", records)) == 5
    assert count_uhri_records(SAMPLE / "export-full-en.json") == 80


def test_csv_rows_are_counted_as_the_readers_parse_them(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    # A quoted line break, a blank line, Windows-1252 bytes, semicolons as Excel writes them.
    path.write_bytes(b'mechanism;text\r\nCRC;"Adopt\r\na law"\r\n\r\nCRC;Ratifier le trait\xe9\r\n')
    assert count_csv_rows(path) == 2
    path.write_bytes(b"mechanism,text\r\n")
    assert count_csv_rows(path) == 0
    # As the readers read them: blank rows above the header, Excel's Unicode Text (UTF-16, tabs).
    path.write_bytes(b",,\r\nmechanism,text\r\nCRC,One\r\nCRC,Two\r\n")
    assert count_csv_rows(path) == 2
    path.write_bytes("mechanism\ttext\r\nCRC\tOne\r\nCRC\tTwo\r\n".encode("utf-16"))
    assert count_csv_rows(path) == 2
    # A line the readers refuse is not split into its millions of cells to be counted.
    path.write_bytes(b"mechanism,text\r\nCRC," + b"," * (MAX_LINE_CHARS + 1) + b"\r\n")
    assert count_csv_rows(path) is None


def test_each_import_tells_the_records_it_expects(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    json = Recorder()
    export = write_export(tmp_path / "export.json", [uhri_record(n) for n in range(1, 13)])
    assert import_uhri(engine, settings, str(export), progress=json).ok
    assert json.expected == [12] and json.read == 12

    upr_info = Recorder()
    assert import_upr_info(engine, settings, SAMPLE / "upr-info-peru.csv", progress=upr_info).ok
    assert upr_info.expected == [upr_info.read] and upr_info.read > 0

    template = Recorder()
    path = tmp_path / "manual.csv"
    path.write_text("mechanism,text\r\nCRC,Adopt a law.\r\nIACHR,Publish the data.\r\n", encoding="utf-8")
    assert import_csv_template(engine, settings, path, progress=template).ok
    assert template.expected == [2] and template.read == 2
