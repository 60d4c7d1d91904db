"""Concluding observations as UHRI holds them: one record per paragraph, sharing the symbol."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.feed.records import SourceRecord
from app.models import Recommendation, RecommendationFollowUp
from tests.factories import record

CRC = "CRC/C/PER/CO/6-7"
CAT = "CAT/C/PER/CO/8"
CRC_DATE = date(2025, 2, 12)
CAT_DATE = date(2024, 11, 28)

CRC_REQUEST = (
    "49. The Committee requests the State party to provide, within twenty-four months of the adoption "
    "of the present concluding observations, information on the implementation of the recommendations "
    "made in paragraphs 10 (b), 20 and 32 above."
)
CRC_REPORT = (
    "51. The Committee invites the State party to submit its combined eighth and ninth periodic reports "
    "by 3 October 2030 and to include therein information on the follow-up to the present concluding "
    "observations."
)
CAT_REQUEST = (
    "45. The Committee requests the State party to provide, by 28 November 2025, information on "
    "follow-up to the Committee's recommendations on safeguards, on detention and on redress "
    "(see paras. 9, 13 (a) and 31 above)."
)


def _paragraph(
    symbol: str, number: int, text: str, published: date, mechanism: str, **fields: Any
) -> SourceRecord:
    return record(
        f"{symbol}#{number}",
        f"<p>{text}</p>",
        mechanism=mechanism,
        symbol=symbol,
        publication_date=published,
        countries=["Peru"],
        **fields,
    )


def crc_document(request: str = CRC_REQUEST, *, extra: str = "") -> list[SourceRecord]:
    def para(number: int, text: str | None = None, **fields: Any) -> SourceRecord:
        body = (
            text or f"{number}. The Committee recommends that the State party act on matter {number}.{extra}"
        )
        return _paragraph(CRC, number, body, CRC_DATE, "CRC", **fields)

    return [
        para(9, "9. The Committee is concerned about violence against children.", type="observation"),
        para(10, "10. The Committee recommends that the State party: (a) adopt a law; (b) fund it."),
        para(11),
        para(20),
        para(32),
        para(49, request),
        para(51, CRC_REPORT),
    ]


def cat_document() -> list[SourceRecord]:
    def para(number: int, text: str | None = None) -> SourceRecord:
        body = text or f"{number}. The State party should ensure safeguard {number}."
        return _paragraph(CAT, number, body, CAT_DATE, "CAT")

    # Paragraph 31, which the request names, is not in the document.
    return [para(9), para(13), para(17), para(45, CAT_REQUEST)]


def selection(engine: Engine, symbol: str) -> dict[str, tuple[bool, date | None, str | None]]:
    """paragraph -> (detected selected, detected due, letters), for the document's rows."""
    with Session(engine) as session:
        rows = session.execute(
            select(Recommendation.paragraph, RecommendationFollowUp)
            .join(RecommendationFollowUp, RecommendationFollowUp.recommendation_id == Recommendation.id)
            .where(Recommendation.symbol == symbol)
        )
        return {
            str(paragraph): (row.detected_selected, row.detected_due, row.detected_letters)
            for paragraph, row in rows
        }


def selected(engine: Engine, symbol: str) -> dict[str, tuple[date | None, str | None]]:
    return {p: (due, letters) for p, (chosen, due, letters) in selection(engine, symbol).items() if chosen}
