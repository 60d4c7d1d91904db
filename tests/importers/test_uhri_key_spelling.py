"""The UHRI export spells its keys one way (`AnnotationId`, `Countries`, `PublicationDate`); a file
whose keys are spelt in another case (camelCase, as the UHRI search API and many JSON tools write
them: `annotationId`, `countries`) was read as if those fields were absent: its records were rejected
for an `AnnotationId: missing` the record plainly holds, and a record whose required keys were right
lost its differently spelt `countries`, `themes` or dates without a word (passed over as concerning
no State, or stored without them). Each such key now rejects its record, naming the key as typed and
the spelling the export uses; nothing of the record is stored half-read, and what is stored stays."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import Recommendation, RejectedRecord
from importers.run import import_uhri
from tests.importers.file_samples import RUN_BOOKKEEPING
from tests.uhri_records import snapshot, uhri_record, write_export

BOOKKEEPING = (*RUN_BOOKKEEPING, "import_rejections")


def camel(record: dict[str, object]) -> dict[str, object]:
    return {key[0].lower() + key[1:]: value for key, value in record.items()}


def reasons(engine: Engine, run_id: int) -> dict[str, str]:
    with engine.connect() as conn:
        query = select(RejectedRecord.position, RejectedRecord.reason)
        rows = conn.execute(query.where(RejectedRecord.import_run_id == run_id))
        return {position: reason for position, reason in rows}


def test_a_record_with_keys_in_another_case_is_rejected_naming_each_key(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    good = write_export(tmp_path / "export-full-en.json", [uhri_record(1)])
    assert import_uhri(engine, settings, str(good), country="Peru").outcome == "succeeded"
    before = snapshot(engine, skip=BOOKKEEPING)

    # The whole record in camelCase; then one whose required keys are right but whose States and
    # themes are spelt otherwise (it would have been passed over as concerning no State).
    record = uhri_record(2)
    partly = uhri_record(3)
    partly["countries"] = partly.pop("Countries")
    partly["THEMES"] = partly.pop("Themes")
    # Another State's record spelling every key as the export does: a file none of whose records
    # holds Countries or Themes is refused whole as a format change (test_uhri_format_change.py).
    other = uhri_record(4, Countries=["Chile"])
    export = write_export(tmp_path / "camel.json", [camel(record), partly, other])

    run = import_uhri(engine, settings, str(export), country="Peru", partial=True)

    assert run.outcome == "succeeded", run.message
    assert (run.counts.created, run.counts.skipped, run.counts.rejected) == (0, 1, 2)
    found = reasons(engine, run.run_id)
    assert found["record 1"].splitlines()[:2] == [
        "AnnotationId: missing, but the record has 'annotationId': the export spells this key "
        "AnnotationId (keys are read as the export spells them, case included)",
        "Text: missing, but the record has 'text': the export spells this key Text (keys are read as the "
        "export spells them, case included)",
    ]
    assert "Countries: missing, but the record has 'countries'" in found["record 1"]
    assert found["record 2"].splitlines() == [
        "Countries: missing, but the record has 'countries': the export spells this key Countries (keys "
        "are read as the export spells them, case included)",
        "Themes: missing, but the record has 'THEMES': the export spells this key Themes (keys are read as "
        "the export spells them, case included)",
    ]
    assert snapshot(engine, skip=BOOKKEEPING) == before  # the stored record kept, nothing half-read
    with engine.connect() as conn:
        assert conn.execute(select(Recommendation.external_id)).scalars().all() == [
            uhri_record(1)["AnnotationId"]
        ]
