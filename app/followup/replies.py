"""Each follow-up reply's lasting name and revision, settled after every write that can change one.

The calendar lists one follow-up reply per document and due date (app.followup.reading): the
recommendations of a document selected for follow-up with that date. What it holds changes (a
coordinator adds a recommendation to the selection, takes one out, moves a date; the committee
grades them), so its name (the feed's UID, what a coordinator publishes) is not read from them but
kept in a ``FollowUpReply`` row, and its ``version`` (the feed's SEQUENCE) grows with each change.

A row follows its recommendations: it keeps its date while any of them holds it, and moves with them
when all have moved. A reply split in two keeps its row on the part that stays and names the other
part anew; two replies joined on one date keep the older row. A new row takes the smallest id of its
recommendations that no row has (as the calendar named replies before the rows). A row follows them
to another document too (UHRI corrected their symbol): settled with the document they left, a row
none of whose recommendations its own document still holds goes to the one that holds most of them,
keeping its name and raising its version.

Two writers settle one document one after the other. On PostgreSQL two coordinators changing the
same document in two transactions each read the selection without the other's change and each named
a new reply on the same date (two rows, two UIDs for one reply), or the second's grade was left out
of the row settled last. The settling takes its documents' locks first (app.core.advisory: a
transaction's advisory locks, documents sharing them by their symbol's hash), so the second waits
for the first to commit (at most its lock timeout, then 503 like any lock waited out) and reads
the selection and the rows as the first left them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import suppress
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.core import advisory
from app.followup.reading import selected_groups
from app.models import FollowUpReply, Recommendation

Held = list[tuple[int, str | None]]  # each recommendation with its latest grade
Document = tuple[int, str | None]  # (mechanism id, symbol)
Settling = dict[Document, tuple[dict[date, Held], list[FollowUpReply]]]  # its dates, its rows oldest first
# Namings of a new row that another document's took meanwhile before giving up (each waits for a commit).
_NAMING_TRIES = 5


def settle_reply_of(session: Session, mechanism_id: int, symbol: str | None) -> None:
    """Settle the replies of one recommendation's document (its mechanism's without a symbol)."""
    settle_replies(session, symbols=[symbol] if symbol else [], unnamed=[] if symbol else [mechanism_id])


def settle_replies(session: Session, *, symbols: Iterable[str], unnamed: Iterable[int] = ()) -> None:
    """Bring the replies' rows of the documents ``symbols`` (and of the recommendations without a
    symbol of the mechanisms ``unnamed``) in line with the selection as it now is."""
    symbols, unnamed = set(symbols), set(unnamed)
    if not symbols and not unnamed:
        return
    lock_documents(session, symbols, unnamed)
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
        # As the writer before it left them, should this session have read them already.
        .execution_options(populate_existing=True)
    )
    by_document: Settling = defaultdict(lambda: ({}, []))
    for (due, mechanism_id, symbol), held in groups.items():
        by_document[(mechanism_id, symbol)][0][due] = held
    for row in rows:
        by_document[(row.mechanism_id, row.symbol)][1].append(row)
    _follow_to_other_documents(by_document)
    for (mechanism_id, symbol), (dues, replies) in by_document.items():
        _settle(session, mechanism_id, symbol, dues, replies)
    session.flush()


def carry_reply(session: Session, member_id: int, leader_id: int, *, selection_moved: bool) -> None:
    """A copy's follow-up work moved to (or was dropped for) the record it was linked to
    (app.recommendations.carry): both documents settled, and when its selection moved, the reply that
    held the copy holds the record instead and follows it to the record's document (it stayed on the
    copy's, and the calendar named the record's anew, unpublished)."""
    rows = session.execute(
        select(Recommendation.id, Recommendation.mechanism_id, Recommendation.symbol).where(
            Recommendation.id.in_([member_id, leader_id])
        )
    ).all()
    symbols = {symbol for _, _, symbol in rows if symbol}
    unnamed = {mechanism_id for _, mechanism_id, symbol in rows if not symbol}
    lock_documents(session, symbols, unnamed)
    held_there = or_(
        FollowUpReply.symbol.in_(symbols),
        and_(FollowUpReply.symbol.is_(None), FollowUpReply.mechanism_id.in_(unnamed)),
    )
    for row in session.scalars(select(FollowUpReply).where(held_there)) if selection_moved else ():
        if member_id in _ids(row.held) and leader_id not in _ids(row.held):
            entries = [part.split(":", 1) for part in row.held.split(",") if part]
            row.held = ",".join(
                f"{leader_id if int(rec) == member_id else rec}:{grade}" for rec, grade in entries
            )
    session.flush()
    settle_replies(session, symbols=symbols, unnamed=unnamed)


def _follow_to_other_documents(by_document: Settling) -> None:
    """Each row none of whose recommendations its own document holds any more, but another of these
    does (their symbol corrected), joins that one's rows (the one holding most of them), oldest first."""
    holds = {
        document: {rec_id for held in dues.values() for rec_id, _ in held}
        for document, (dues, _) in by_document.items()
    }
    home = {rec_id: document for document, ids in holds.items() for rec_id in ids}
    moved: set[Document] = set()
    for document, (_, replies) in list(by_document.items()):
        for row in list(replies):
            ids = _ids(row.held)
            destinations = {home[rec_id] for rec_id in ids if rec_id in home}
            if ids & holds[document] or not destinations:
                continue
            target = max(destinations, key=lambda to: (len(ids & holds[to]), str(to[1]), to[0]))
            replies.remove(row)
            by_document[target][1].append(row)
            moved.add(target)
    for document in moved:
        by_document[document][1].sort(key=lambda row: (row.created_at, row.id))


def lock_document_of(session: Session, mechanism_id: int, symbol: str | None) -> None:
    """Wait for (then hold) the lock of one recommendation's document (its mechanism's without a symbol)."""
    lock_documents(session, {symbol} if symbol else set(), set() if symbol else {mechanism_id})


def lock_documents(session: Session, symbols: Iterable[str], unnamed: Iterable[int] = ()) -> None:
    """Wait for (then hold until the transaction ends) each document's lock. A writer of a document's
    follow-up rows takes it before reading them: two that each found no row of a recommendation and
    added one, the second was refused on the key (a coordinator's correction, or a whole import)."""
    advisory.lock_until_commit(
        session,
        [(advisory.REPLY_DOCUMENT_SYMBOL, advisory.bucket(symbol)) for symbol in symbols]
        + [(advisory.REPLY_DOCUMENT_UNNAMED, mechanism_id) for mechanism_id in unnamed],
    )


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
            row = _new_row(session, mechanism_id, symbol, ids)
        state = _held(held)
        if (row.due, row.held, row.mechanism_id, row.symbol) != (due, state, mechanism_id, symbol):
            row.due, row.held, row.version = due, state, row.version + 1
            row.mechanism_id, row.symbol = mechanism_id, symbol
    for row in free:  # nothing holds it any more (or an older row took its date): off the calendar,
        row.due = None  # kept for its recommendations, should they come back


def _new_row(session: Session, mechanism_id: int, symbol: str | None, ids: set[int]) -> FollowUpReply:
    """A new row, named as the module says. Past every id, two documents settled at once (each under
    its own lock) took the same number, and the second was refused (409): its insert waits for the
    first to commit, then fails on the key, and it names the row again, seeing the first's."""
    for _ in range(_NAMING_TRIES - 1):
        with suppress(IntegrityError):
            return _inserted(session, mechanism_id, symbol, ids)
    return _inserted(session, mechanism_id, symbol, ids)


def _inserted(session: Session, mechanism_id: int, symbol: str | None, ids: set[int]) -> FollowUpReply:
    row = FollowUpReply(
        id=_new_id(session, ids), mechanism_id=mechanism_id, symbol=symbol, due=None, held="", version=0
    )
    with session.begin_nested():  # a refusal undoes this insert only
        session.add(row)
    return row


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
