"""An export of every source (``nrtd export csv``) imported back with ``nrtd import csv`` made each
UHRI and UPR Info row a second, manual copy of its record, counted twice in every list and statistic.
Such a row is now rejected, saying why and what to do, and the manual rows of the same file import."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, func, select

from app.core.catalogue import Reason
from app.feed import record_refusals, refusals
from app.feed.records import Rejection, SourceRecord
from app.feed.template.reader import read_csv_template
from app.models import Recommendation
from app.models.imports import RejectedRecord
from tests.cli.test_cli import nrtd
from tests.uhri_records import uhri_record, write_export

MANUAL = (
    "external_id,mechanism,text,language,countries\nDP-1,Defensoría del Pueblo,Garantizar el acceso,es,Peru\n"
)


def _by_source(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        query = select(Recommendation.source, func.count()).group_by(Recommendation.source)
        return {source: count for source, count in conn.execute(query)}


def test_an_export_of_every_source_imports_back_without_copying_the_feed_s_records(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    record = uhri_record(1)
    export = write_export(tmp_path / "export-full-en.json", [record])
    assert nrtd(database_url, "import", "uhri", str(export)).returncode == 0
    (tmp_path / "manual.csv").write_text(MANUAL, encoding="utf-8")
    assert nrtd(database_url, "import", "csv", str(tmp_path / "manual.csv")).returncode == 0
    before = _by_source(engine)
    assert before == {"uhri": 1, "manual": 1}

    path = tmp_path / "all.csv"
    assert nrtd(database_url, "export", "csv", str(path)).returncode == 0
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    uhri_id = f"uhri:{record['AnnotationId']}"
    assert [row["external_id"] for row in rows] == [uhri_id, "DP-1"]
    # The coordinator edits the manual row (and leaves the UHRI row in) and imports the file back.
    path.write_text(path.read_text(encoding="utf-8-sig").replace("Garantizar el acceso", "Garantizar"))

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "created 0, updated 1, unchanged 0, withdrawn 0, rejected 1" in result.stdout
    assert _by_source(engine) == before  # no manual copy of the UHRI record
    with engine.connect() as conn:
        last_run = select(func.max(RejectedRecord.import_run_id)).scalar_subquery()
        rejected = conn.execute(
            select(RejectedRecord.position, RejectedRecord.external_id, RejectedRecord.reason).where(
                RejectedRecord.import_run_id == last_run
            )
        ).all()
    assert [(position, external_id) for position, external_id, _reason in rejected] == [("row 2", uhri_id)]
    reason = rejected[0][2]
    assert reason.startswith(f"external_id: {uhri_id!r} is a record of UHRI: ")
    assert "remove the row, or give it an id of your own (without 'uhri:')" in reason
    assert f"row 2 ({uhri_id}): {reason}" in result.stderr  # the command line names it too
    read = refusals.reason_of(reason)  # the staff page translates it
    assert isinstance(read, Reason) and read.message == record_refusals.FEED_RECORD
    # A file of the feed's rows alone imports nothing, and says so.
    assert nrtd(database_url, "export", "csv", str(path), "--source", "uhri").returncode == 0
    result = nrtd(database_url, "import", "csv", str(path))
    assert result.returncode == 3, result.stdout + result.stderr
    assert "nothing was imported: the one record to import was rejected" in result.stderr
    assert _by_source(engine) == before


def test_a_row_naming_a_feed_record_is_rejected_and_a_manual_id_is_not(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    rows = ["UPR-info:PER-7,UPR,Ratify,en", " uhri : x,CRC,Protect,en", "uhri-2024:1,CRC,Protect,en"]
    rows += ["uhri:,CRC,Protect more,en", "ACHPR-1,ACHPR,Ensure,en"]
    path.write_text("external_id,mechanism,text,language\n" + "\n".join(rows) + "\n", encoding="utf-8")

    read = list(read_csv_template(path))

    assert [type(item) for item in read] == [Rejection, Rejection, SourceRecord, SourceRecord, SourceRecord]
    assert isinstance(read[0], Rejection) and "is a record of UPR Info: " in read[0].reason
    assert isinstance(read[1], Rejection) and "is a record of UHRI: " in read[1].reason
