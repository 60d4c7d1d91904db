"""An archived manual recommendation (POST /recommendations/{id}/archive, docs/recommendation-work.md)
stays archived when a template import holds it again: the archive is a coordinator's, not the file's."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select, update

from app.core.config import Settings
from app.models import Recommendation, Revision
from app.models.base import utcnow
from importers.csv_export import export_template_csv
from importers.csv_runs import import_csv_template

TEMPLATE = (
    "external_id,mechanism,text,countries\r\n"
    "M-1,IACHR,1. Protect human rights defenders.,Peru\r\n"
    "M-2,IACHR,2. Protect journalists.,Peru\r\n"
)


def _archived(engine: Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        rows = conn.execute(select(Recommendation.external_id, Recommendation.withdrawn))
        return {external_id: withdrawn for external_id, withdrawn in rows}


def test_an_archived_manual_recommendation_stays_archived_on_reimport(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The file it came from imported again (to add a row, or an unedited export of --include-withdrawn)
    brought it back, counted 'updated' and marked for review, undoing the archive unasked."""
    path = tmp_path / "regional.csv"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert import_csv_template(engine, settings, path).counts.created == 2
    with engine.begin() as conn:  # as POST /recommendations/{id}/archive does
        conn.execute(
            update(Recommendation)
            .where(Recommendation.external_id == "M-1")
            .values(withdrawn=True, withdrawn_at=utcnow())
        )

    again = import_csv_template(engine, settings, path)

    assert (again.counts.updated, again.counts.unchanged) == (0, 2), again.message
    assert _archived(engine) == {"M-1": True, "M-2": False}
    # docs/csv-template.md: an unedited export imports with "created 0, updated 0", withdrawn ones too.
    exported = tmp_path / "manual.csv"
    with exported.open("w", encoding="utf-8-sig", newline="") as out:
        assert export_template_csv(engine, out, source="manual", include_withdrawn=True) == 2
    round_trip = import_csv_template(engine, settings, exported)
    assert (round_trip.counts.created, round_trip.counts.updated) == (0, 0), round_trip.message
    # An edited text is still a revision of the archived recommendation, which stays archived.
    path.write_text(TEMPLATE.replace("1. Protect human", "1. Protect all human"), encoding="utf-8")
    edited = import_csv_template(engine, settings, path)
    assert edited.counts.updated == 1
    assert _archived(engine) == {"M-1": True, "M-2": False}
    with engine.connect() as conn:
        changes = conn.execute(select(Revision.changes).order_by(Revision.id.desc())).scalars().first()
    assert changes is not None and "withdrawn" not in changes and "texts.en" in changes
