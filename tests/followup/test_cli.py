"""``nrtd followup detect`` reads the stored documents, keeps corrections and prints the warnings."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from app.models import FollowUpDocument, Recommendation, RecommendationFollowUp
from tests.cli.test_cli import nrtd
from tests.factories import import_records
from tests.followup.documents import CAT, CRC, cat_document, crc_document, selected


@pytest.mark.slow
def test_detect_reads_every_document_and_keeps_corrections(engine: Engine, database_url: str) -> None:
    import_records(engine, [*crc_document(), *cat_document()])
    with Session(engine) as session, session.begin():
        # As after an upgrade: nothing read yet, but a correction entered meanwhile.
        session.execute(delete(FollowUpDocument))
        session.execute(update(RecommendationFollowUp).values(detected_selected=False, detected_due=None))
        rec_id = session.scalars(
            select(Recommendation.id).where(Recommendation.symbol == CRC, Recommendation.paragraph == "20")
        ).one()
        session.execute(
            update(RecommendationFollowUp)
            .where(RecommendationFollowUp.recommendation_id == rec_id)
            .values(corrected_selected=False, corrected_note="withdrawn by the committee")
        )

    result = nrtd(database_url, "followup", "detect")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "2 documents read: 2 follow-up requests (5 recommendations selected), 1 next report date, 1 warning"
    )
    assert f"warning: {CAT}, paragraph 45: the follow-up request names paragraph 31" in result.stderr
    assert set(selected(engine, CRC)) == {"10", "20", "32"}
    with Session(engine) as session:
        row = session.get(RecommendationFollowUp, rec_id)
        assert row is not None
        assert (row.detected_selected, row.detected_due) == (True, date(2027, 2, 12))
        assert (row.corrected_selected, row.corrected_note) == (False, "withdrawn by the committee")
        assert session.get(FollowUpDocument, CRC) is not None
