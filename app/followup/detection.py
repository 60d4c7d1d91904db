"""Reading the follow-up procedure of stored documents into the follow-up tables.

A document is every live recommendation and observation sharing a symbol. Its English paragraphs
are read (``reader``); the paragraphs its follow-up request names are selected with the due date,
and the next periodic report's date is kept per document. Only the ``detected_*`` columns are
written: a coordinator's correction (``corrected_*``) stays as it is, and the effective values are
worked out from both when read (``state``).

It runs on the import's own connection inside the import's transaction (``detect_after_import``,
called by ``importers/run_record.py``) and on the whole database (``nrtd followup detect``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection, insert, or_, select
from sqlalchemy.orm import Session

from app.core.counts import count_of
from app.followup.reader import FollowUpRequest, NextReport, ParagraphRef, read_follow_up, read_next_report
from app.followup.replies import lock_documents, settle_replies
from app.models import (
    FollowUpDocument,
    ImportWarning,
    Recommendation,
    RecommendationFollowUp,
    RecommendationText,
    Revision,
)
from app.models.base import utcnow
from app.recommendations.search import matching_ids

CHUNK = 500  # documents read at a time
# A paragraph is read only if its text could hold a request or a report date, which needs the
# word "paragraph(s)" or "para(s)." before the numbers, or "periodic report(s)": the others are
# passed over through the search index (a match in the text, as ``GET /recommendations?q=`` finds
# it), not read by a scan of every text (PostgreSQL scanned them all once per chunk).
_HINTS = 'para* OR "periodic report" OR "periodic reports"'


@dataclass(frozen=True, slots=True)
class _Paragraph:
    rec_id: int
    paragraph: str | None
    mechanism_id: int
    published: date | None


@dataclass
class Detection:
    """What a detection did: documents read, follow-up requests and report dates found, warnings."""

    documents: int = 0
    requests: int = 0
    reports: int = 0
    selected: int = 0
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (position, message)

    def line(self) -> str:
        return (
            f"{count_of(self.documents, 'document')} read: {count_of(self.requests, 'follow-up request')} "
            f"({count_of(self.selected, 'recommendation')} selected), "
            f"{count_of(self.reports, 'next report date')}, {count_of(len(self.warnings), 'warning')}"
        )


def detect_after_import(conn: Connection, run_id: int) -> Detection:
    """The documents this run created or changed, read again; warnings recorded with the run."""
    touched = (
        select(Recommendation.symbol)
        .where(
            or_(Recommendation.created_run_id == run_id, Recommendation.updated_run_id == run_id),
            Recommendation.symbol.is_not(None),
        )
        .distinct()
    )
    symbols = [symbol for (symbol,) in conn.execute(touched) if symbol is not None]
    former, unnamed = _symbol_moves(conn, run_id)
    # The mechanisms whose recommendations without a symbol it wrote, withdrew or brought back: their
    # replies (selected by a coordinator) change with them too.
    unsymbolled = select(Recommendation.mechanism_id).where(
        or_(Recommendation.created_run_id == run_id, Recommendation.updated_run_id == run_id),
        Recommendation.symbol.is_(None),
    )
    mechanisms = set(conn.scalars(unsymbolled.distinct()))
    result = detect(conn, symbols, run_id=run_id, former=former, unnamed=unnamed, unsymbolled=mechanisms)
    if result.warnings:
        conn.execute(
            insert(ImportWarning),
            [{"import_run_id": run_id, "position": p[:300], "message": m} for p, m in result.warnings],
        )
    return result


def _symbol_moves(conn: Connection, run_id: int) -> tuple[dict[str, set[str]], dict[str, set[int]]]:
    """The symbols this run changed, for the replies' rows to follow their recommendations: each
    symbol it gave recommendations -> the symbols they had before (UHRI corrected them), and each
    symbol it gave recommendations that had none, or took from recommendations that now have none ->
    their mechanisms (whose recommendations without a symbol are a reply's document of their own)."""
    old = Revision.changes[("symbol", "old")].as_string()
    new = Revision.changes[("symbol", "new")].as_string()
    former: dict[str, set[str]] = defaultdict(set)
    unnamed: dict[str, set[int]] = defaultdict(set)
    query = (
        select(old, new, Recommendation.mechanism_id)
        .join(Recommendation, Recommendation.id == Revision.recommendation_id)
        .where(Revision.import_run_id == run_id, or_(old.is_not(None), new.is_not(None)))
    )
    for before, after, mechanism_id in conn.execute(query.distinct()):
        if before is not None and after is not None:
            former[after].add(before)
        else:
            unnamed[after or before].add(mechanism_id)
    return former, unnamed


def detect_all(conn: Connection) -> Detection:
    """Every stored document read again (``nrtd followup detect``)."""
    query = select(Recommendation.symbol).where(Recommendation.symbol.is_not(None)).distinct()
    return detect(conn, [symbol for (symbol,) in conn.execute(query) if symbol is not None], run_id=None)


def detect(
    conn: Connection,
    symbols: Iterable[str],
    *,
    run_id: int | None,
    former: Mapping[str, Iterable[str]] | None = None,
    unnamed: Mapping[str, Iterable[int]] | None = None,
    unsymbolled: Iterable[int] = (),
) -> Detection:
    """``former``: a symbol -> those its recommendations had before: read again (their readings go
    when nothing is left of them), their replies' rows settled with it, and its reading's version
    starts above theirs (the same periodic report's event, renamed). ``unnamed``: a symbol -> the
    mechanisms whose recommendations without a symbol took it or gave it up: read again, and their
    replies' rows settled with it. ``unsymbolled``: mechanisms whose replies without a symbol are settled
    too (their recommendations changed)."""
    result = Detection()
    former, unnamed = former or {}, unnamed or {}
    left_behind = {before for befores in former.values() for before in befores} | set(unnamed)
    with Session(bind=conn, autoflush=False) as session:
        versions = _former_versions(session, former)
        for chunk in _chunks(sorted(set(symbols) | left_behind)):
            left = {before for symbol in chunk for before in former.get(symbol, ())}
            traded = {mechanism_id for symbol in chunk for mechanism_id in unnamed.get(symbol, ())}
            # Before their follow-up rows are read: a coordinator changing one meanwhile is waited for.
            lock_documents(session, [*chunk, *left], traded)
            _detect_chunk(session, chunk, run_id, result, versions)
            session.flush()
            # The replies' rows follow the selection (their names stay, their versions grow), and
            # their recommendations from the documents whose symbol they had before, or from none.
            settle_replies(session, symbols=[*chunk, *left], unnamed=traded)
        settle_replies(session, symbols=(), unnamed=unsymbolled)
    return result


def _former_versions(session: Session, former: Mapping[str, Iterable[str]]) -> dict[str, int]:
    """A symbol -> the highest version of the readings of the symbols its recommendations had."""
    befores = {before for befores in former.values() for before in befores}
    if not befores:
        return {}
    query = select(FollowUpDocument.symbol, FollowUpDocument.version).where(
        FollowUpDocument.symbol.in_(befores)
    )
    stored = {symbol: version for symbol, version in session.execute(query)}
    versions = {
        symbol: max((stored.get(b, 0) for b in befores_of), default=0)
        for symbol, befores_of in former.items()
    }
    return {symbol: version for symbol, version in versions.items() if version}


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _detect_chunk(
    session: Session, symbols: list[str], run_id: int | None, result: Detection, versions: dict[str, int]
) -> None:
    paragraphs: dict[str, list[_Paragraph]] = defaultdict(list)
    for rec_id, symbol, number, mechanism_id, published in session.execute(
        select(
            Recommendation.id,
            Recommendation.symbol,
            Recommendation.paragraph,
            Recommendation.mechanism_id,
            Recommendation.publication_date,
        )
        .where(Recommendation.symbol.in_(symbols), Recommendation.withdrawn.is_(False))
        .order_by(Recommendation.id)
    ):
        if symbol is not None:
            paragraphs[symbol].append(_Paragraph(rec_id, number, mechanism_id, published))
    hinted = matching_ids(_HINTS, session.get_bind().dialect.name)
    assert hinted is not None  # the query has words
    texts: dict[int, str] = {
        rec_id: text
        for rec_id, text in session.execute(
            select(RecommendationText.recommendation_id, RecommendationText.text)
            .join(Recommendation, Recommendation.id == RecommendationText.recommendation_id)
            .where(
                Recommendation.symbol.in_(symbols),
                Recommendation.withdrawn.is_(False),
                RecommendationText.lang == "en",
                hinted,
            )
        )
    }
    stored = {
        row.symbol: row
        for row in session.scalars(select(FollowUpDocument).where(FollowUpDocument.symbol.in_(symbols)))
    }
    rows = {
        row.recommendation_id: row
        for row in session.scalars(
            select(RecommendationFollowUp)
            .join(Recommendation, Recommendation.id == RecommendationFollowUp.recommendation_id)
            .where(Recommendation.symbol.in_(symbols))
        )
    }
    for symbol in symbols:
        result.documents += 1
        found = _detect_document(
            session, symbol, paragraphs.get(symbol, []), texts, stored.get(symbol), rows, run_id, result
        )
        if found is not None and stored.get(symbol) is None and symbol in versions:
            found.version = versions[symbol] + 1  # its periodic report's event, under its new symbol


def _detect_document(
    session: Session,
    symbol: str,
    paragraphs: list[_Paragraph],
    texts: dict[int, str],
    stored: FollowUpDocument | None,
    rows: dict[int, RecommendationFollowUp],
    run_id: int | None,
    result: Detection,
) -> FollowUpDocument | None:
    """The document's reading, stored (None: nothing to read in it)."""
    request: tuple[_Paragraph, FollowUpRequest] | None = None
    report: tuple[_Paragraph, NextReport] | None = None
    anchor: _Paragraph | None = None  # the first paragraph read: its date is the document's
    for paragraph in paragraphs:
        text = texts.get(paragraph.rec_id)
        if text is None:
            continue
        if request is None and (found := read_follow_up(text)) is not None:
            request = (paragraph, found)
        if report is None and (next_report := read_next_report(text)) is not None:
            report = (paragraph, next_report)
        if anchor is None and (request or report):
            anchor = paragraph
    selection: dict[int, tuple[date | None, tuple[str, ...]]] = {}
    if anchor is not None:
        document = stored or FollowUpDocument(symbol=symbol)
        if stored is None:
            session.add(document)
        report_was = (document.report_due, document.report_what)
        published = anchor.published or next((p.published for p in paragraphs if p.published), None)
        document.mechanism_id = anchor.mechanism_id
        document.publication_date = published
        document.request_paragraph = document.report_what = None
        document.request_months = None
        document.follow_up_due = document.report_due = None
        document.named, document.missing = [], []
        document.detected_run_id = run_id
        document.detected_at = utcnow()
        if report is not None:
            result.reports += 1
            document.report_due, document.report_what = report[1].due, report[1].what[:255]
        if stored is not None and (document.report_due, document.report_what) != report_was:
            document.version += 1  # the report's event moved or was renamed: calendars must take it
        if request is not None:
            result.requests += 1
            selection = _select(symbol, paragraphs, request, published, document, result)
    elif stored is not None:
        session.delete(stored)
    _write_selection(session, symbol, paragraphs, selection, rows, result)
    return document if anchor is not None else None


def _select(
    symbol: str,
    paragraphs: list[_Paragraph],
    request: tuple[_Paragraph, FollowUpRequest],
    published: date | None,
    document: FollowUpDocument,
    result: Detection,
) -> dict[int, tuple[date | None, tuple[str, ...]]]:
    """The recommendations the request names: every record of the document with that paragraph number."""
    asking, found = request
    due = found.due(published)
    document.request_paragraph = asking.paragraph
    document.request_months = found.months
    document.follow_up_due = due
    document.named = [ref.label() for ref in found.refs]
    by_number: dict[str, list[int]] = defaultdict(list)
    for paragraph in paragraphs:
        if paragraph.paragraph is not None and paragraph.rec_id != asking.rec_id:
            by_number[paragraph.paragraph].append(paragraph.rec_id)
    where = f"{symbol}, paragraph {asking.paragraph or '?'}"
    selection: dict[int, tuple[date | None, tuple[str, ...]]] = {}
    for ref in found.refs:
        ids = by_number.get(ref.number)
        if not ids:
            document.missing = [*document.missing, ref.label()]
            result.warnings.append((where, _missing_message(ref)))
            continue
        for rec_id in ids:
            selection[rec_id] = (due, ref.letters)
    if due is None:
        result.warnings.append(
            (where, "the follow-up request's due date is unknown: the document has no date")
        )
    result.selected += len(selection)
    return selection


def _missing_message(ref: ParagraphRef) -> str:
    return (
        f"the follow-up request names paragraph {ref.label()}, which is not among the document's "
        "stored paragraphs: nothing was selected for it"
    )


def _write_selection(
    session: Session,
    symbol: str,
    paragraphs: list[_Paragraph],
    selection: dict[int, tuple[date | None, tuple[str, ...]]],
    rows: dict[int, RecommendationFollowUp],
    result: Detection,
) -> None:
    """Detected columns set for the selected, cleared for the others; corrections left as they are."""
    now = utcnow()
    for paragraph in paragraphs:
        rec_id = paragraph.rec_id
        row = rows.get(rec_id)
        chosen = selection.get(rec_id)
        if chosen is None and row is None:
            continue
        if row is None:
            row = RecommendationFollowUp(recommendation_id=rec_id, detected_selected=False)
            session.add(row)
            rows[rec_id] = row
        row.detected_selected = chosen is not None
        row.detected_due = chosen[0] if chosen else None
        row.detected_letters = ",".join(chosen[1]) or None if chosen else None
        row.detected_symbol = symbol if chosen else None
        row.detected_at = now
