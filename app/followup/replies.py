"""Each follow-up reply's lasting name and revision, settled after every write that can change one.

The calendar lists one follow-up reply per document and due date (app.followup.reading): the
recommendations of a document selected for follow-up with that date. What it holds changes (a
coordinator adds a recommendation to the selection, takes one out, moves a date; the committee
grades them), so its name (the feed's UID, what a coordinator publishes) is not read from them but
kept in a ``FollowUpReply`` row, and its ``version`` (the feed's SEQUENCE) grows with each change.

A row follows its recommendations: it keeps its date while any of them holds it, and moves with them
when all have moved. A reply split in two keeps its row on the part that stays and names the other
part anew; two replies joined on one date keep the older row. A new row takes the smallest id of its
recommendations that no row has (as the calendar named replies before the rows).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.followup.reading import selected_groups
from app.models import FollowUpReply, Recommendation

Held = list[tuple[int, str | None]]  # each recommendation with its latest grade


def settle_reply_of(session: Session, mechanism_id: int, symbol: str | None) -> None:
    """Settle the replies of one recommendation's document (its mechanism's without a symbol)."""
    settle_replies(session, symbols=[symbol] if symbol else [], unnamed=[] if symbol else [mechanism_id])


def settle_replies(session: Session, *, symbols: Iterable[str], unnamed: Iterable[int] = ()) -> None:
    """Bring the replies' rows of the documents ``symbols`` (and of the recommendations without a
    symbol of the mechanisms ``unnamed``) in line with the selection as it now is."""
    symbols, unnamed = set(symbols), set(unnamed)
    if not symbols and not unnamed:
        return
    groups = selected_groups(
        session,
        [
            or_(
                Recommendation.symbol.in_(symbols),
                and_(Recommendation.symbol.is_(None), Recommendation.mechanism_id.in_(unnamed)),
            )
        ],
    )
    rows = session.scalars(
        select(FollowUpReply)
        .where(
            or_(
                FollowUpReply.symbol.in_(symbols),
                and_(FollowUpReply.symbol.is_(None), FollowUpReply.mechanism_id.in_(unnamed)),
            )
        )
        .order_by(FollowUpReply.created_at, FollowUpReply.id)
    )
    by_document: dict[tuple[int, str | None], tuple[dict[date, Held], list[FollowUpReply]]] = defaultdict(
        lambda: ({}, [])
    )
    for (due, mechanism_id, symbol), held in groups.items():
        by_document[(mechanism_id, symbol)][0][due] = held
    for row in rows:
        by_document[(row.mechanism_id, row.symbol)][1].append(row)
    for (mechanism_id, symbol), (dues, replies) in by_document.items():
        _settle(session, mechanism_id, symbol, dues, replies)
    session.flush()


def _ids(held: str) -> set[int]:
    return {int(part.split(":")[0]) for part in held.split(",") if part}


def _held(held: Held) -> str:
    return ",".join(f"{rec_id}:{grade or ''}" for rec_id, grade in sorted(held))


def _settle(
    session: Session,
    mechanism_id: int,
    symbol: str | None,
    dues: dict[date, Held],
    replies: list[FollowUpReply],
) -> None:
    """``replies`` oldest first; each date of ``dues`` gets one: the oldest of those on that date and
    those whose recommendations left theirs for it."""
    free = list(replies)
    for due in sorted(dues):
        held = dues[due]
        ids = {rec_id for rec_id, _ in held}
        left = [row for row in free if row.due is None or row.due not in dues]
        candidates = [row for row in free if row.due == due] + [row for row in left if _ids(row.held) & ids]
        if candidates:
            row = min(candidates, key=replies.index)
            free.remove(row)
        else:
            row = FollowUpReply(
                id=_new_id(session, ids),
                mechanism_id=mechanism_id,
                symbol=symbol,
                due=None,
                held="",
                version=0,
            )
            session.add(row)
            session.flush()
        state = _held(held)
        if row.due != due or row.held != state:
            row.due, row.held, row.version = due, state, row.version + 1
    for row in free:  # nothing holds it any more (or an older row took its date): off the calendar,
        row.due = None  # kept for its recommendations, should they come back


def _new_id(session: Session, ids: set[int]) -> int:
    taken = set(session.scalars(select(FollowUpReply.id).where(FollowUpReply.id.in_(ids))))
    free = sorted(ids - taken)
    if free:
        return free[0]
    # Every one of them names a reply already (rows that split and joined again): a number past them all.
    highest = max(
        session.scalar(select(func.max(FollowUpReply.id))) or 0,
        session.scalar(select(func.max(Recommendation.id))) or 0,
    )
    return int(highest) + 1
