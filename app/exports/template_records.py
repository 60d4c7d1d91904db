"""Stored recommendations as rows of the project's CSV import template, so the file imports back unchanged.

The API's template export (``GET /api/v1/exports/recommendations.csv?format=template``) and the
``nrtd export csv`` command (``importers.csv_export``) both read the rows with this module and write
them with ``app.exports.template_table`` (one row per recommendation) or
``app.feed.template.writer``; ``app.feed.template.reader`` reads the format back. The format is
documented in docs/csv-template.md.

What is written, and why it reads back as the same recommendation (docs/csv-template.md, Export):

- ``external_id``: the stored one for ``manual`` recommendations; ``<source>:<id>``
  (``uhri:b57cfd85-...``) for the others, whose rows the import rejects (their feeds keep them).
- ``mechanism``: a spelling the import maps onto the same mechanism *without* adding a spelling:
  one of the mechanism's stored spellings (the code or the name preferred, see
  ``MechanismSpellings``).
- list cells: the stored term labels; SDGs as their codes; UPR Info issues have no column.
- the texts: manual ones as imported, the feeds' as plain text. ``write_template_rows`` writes
  them one row per language (the template's rows-below form, which the import also reads); the
  exports write them side by side with ``app.exports.template_table``.

A label containing ``;`` (the template's list separator) is written with ``,`` in its place: the
term key ignores punctuation, so the import finds the same term. A recommendation that still cannot
be written so that it reads back (no text with anything visible in it; an id too long once
prefixed; a mechanism with no spelling that maps back to it) is skipped and reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, or_, select, tuple_

from app.feed.fields import alphabetical, clean_label
from app.feed.keys import label_key
from app.feed.sdg import sdg_entries
from app.feed.template.columns import feed_record_id
from app.feed.template.writer import ROLE_FIELDS
from app.models import Mechanism, MechanismLabel, Recommendation, RecommendationTerm, RecommendationText, Term

CHUNK_SIZE = 1000
MANUAL = "manual"
_MAX_ID = 128  # recommendations.external_id is a String(128); the import refuses longer ids

_SDG_ORDER = {code: index for index, code in enumerate(sdg_entries())}

# Told about each recommendation left out: its database id and the reason.
SkipReport = Callable[[int, str], None]
# The code of the mechanism the import would file a spelling under, None if it refuses the spelling.
MechanismResolver = Callable[[str], str | None]


@dataclass(slots=True)
class TemplateRow:
    """A stored recommendation as the template writes it."""

    external_id: str
    type: str
    mechanism: str
    texts: dict[str, str]
    symbol: str | None = None
    publication_date: date | None = None
    upr_session: int | None = None
    position: str = "none"
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    affected_persons: list[str] = field(default_factory=list)
    sdgs: list[str] = field(default_factory=list)
    recommending_states: list[str] = field(default_factory=list)
    recommending_regions: list[str] = field(default_factory=list)
    db_id: int = 0  # the recommendation's id in the database, to name one left out


# --- reading the database --------------------------------------------------------------------


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """One read-only transaction; REPEATABLE READ on PostgreSQL so every chunk sees the same data.

    SQLite in WAL mode gives a transaction one snapshot from its first read on.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin() as transaction:
            try:
                yield conn
            finally:
                transaction.rollback()  # read only: nothing to commit


def template_records(
    conn: Connection,
    conditions: Sequence[ColumnElement[bool]],
    *,
    report: SkipReport,
    spellings: MechanismSpellings,
    newest_first: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[TemplateRow]:
    """The recommendations matching ``conditions`` one by one (see ``template_batches``)."""
    for batch in template_batches(
        conn, conditions, report=report, spellings=spellings, newest_first=newest_first, chunk_size=chunk_size
    ):
        yield from batch


def template_batches(
    conn: Connection,
    conditions: Sequence[ColumnElement[bool]],
    *,
    report: SkipReport,
    spellings: MechanismSpellings,
    newest_first: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[list[TemplateRow]]:
    """The recommendations matching ``conditions``, ``chunk_size`` at a time (keyset on id, or on
    (sort_date, id) descending as the list orders them); each chunk's texts, terms and mechanisms
    are loaded with one query each, never one per recommendation."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    query = select(
        Recommendation.id,
        Recommendation.sort_date,
        Recommendation.source,
        Recommendation.external_id,
        Recommendation.type,
        Recommendation.mechanism_id,
        Recommendation.symbol,
        Recommendation.publication_date,
        Recommendation.upr_session,
        Recommendation.position,
    ).where(*conditions)
    if newest_first:
        query = query.order_by(Recommendation.sort_date.desc(), Recommendation.id.desc())
    else:
        query = query.order_by(Recommendation.id)
    after: ColumnElement[bool] | None = None
    while True:
        rows = conn.execute((query if after is None else query.where(after)).limit(chunk_size)).all()
        if not rows:
            return
        last = rows[-1]
        if newest_first:
            after = tuple_(Recommendation.sort_date, Recommendation.id) < tuple_(last.sort_date, last.id)
        else:
            after = Recommendation.id > last.id
        yield list(_chunk_records(conn, rows, report, spellings))
        if len(rows) < chunk_size:
            return


def _chunk_records(
    conn: Connection, rows: Sequence[Any], report: SkipReport, spellings: MechanismSpellings
) -> Iterator[TemplateRow]:
    ids = [row.id for row in rows]
    texts = _texts(conn, ids, {row.id for row in rows if row.source != MANUAL})
    labels = _labels(conn, ids)
    spellings.load(conn, {row.mechanism_id for row in rows})
    for row in rows:
        record_texts = texts.get(row.id)
        spelling = spellings.spelling.get(row.mechanism_id)
        external_id = row.external_id if row.source == MANUAL else feed_record_id(row.source, row.external_id)
        if not record_texts:
            report(row.id, "it has no text")
            continue
        if len(external_id) > _MAX_ID:
            report(row.id, f"external_id {external_id!r} is longer than {_MAX_ID} characters")
            continue
        if spelling is None:
            report(row.id, f"mechanism {spellings.code.get(row.mechanism_id)!r}: no spelling maps back to it")
            continue
        yield TemplateRow(
            external_id=external_id,
            type=row.type,
            mechanism=spelling,
            texts=record_texts,
            symbol=row.symbol,
            publication_date=row.publication_date,
            upr_session=row.upr_session,
            position=row.position,
            db_id=row.id,
            **labels.get(row.id, {}),
        )


def _texts(conn: Connection, ids: list[int], plain: set[int]) -> dict[int, dict[str, str]]:
    """Each recommendation's texts by language: as imported for manual ones (the user's own words,
    so that they read back unchanged), as plain text (the HTML stripped at import) for those of a
    feed in ``plain``."""
    texts: dict[int, dict[str, str]] = {}
    for rec_id, lang, original, text in conn.execute(
        select(
            RecommendationText.recommendation_id,
            RecommendationText.lang,
            RecommendationText.original,
            RecommendationText.text,
        )
        .where(RecommendationText.recommendation_id.in_(ids))
        .order_by(RecommendationText.recommendation_id, RecommendationText.lang)
    ):
        # A text with nothing visible in it would be rejected by the import ("text: empty").
        if text:
            texts.setdefault(rec_id, {})[lang] = text if rec_id in plain else original
    return texts


def _labels(conn: Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each recommendation's list cells: field name -> labels (SDG codes), in a stable order."""
    labels: dict[int, dict[str, list[str]]] = {}
    for rec_id, role, label, code in conn.execute(
        select(RecommendationTerm.recommendation_id, RecommendationTerm.role, Term.label, Term.code)
        .join(Term, Term.id == RecommendationTerm.term_id)
        .where(RecommendationTerm.recommendation_id.in_(ids), RecommendationTerm.role.in_(ROLE_FIELDS))
    ):
        value = (code or label) if role == "sdg" else _list_safe(label)
        labels.setdefault(rec_id, {}).setdefault(ROLE_FIELDS[role], []).append(value)
    for fields in labels.values():
        for name, values in fields.items():
            if name == "sdgs":
                values.sort(key=lambda code: (_SDG_ORDER.get(code, len(_SDG_ORDER)), code))
            else:
                values.sort(key=alphabetical)
    return dict(labels)


def _list_safe(label: str) -> str:
    """``;`` separates the values of a list cell; ``,`` in its place keeps the term key (and so the term)."""
    return label.replace(";", ",")


class MechanismSpellings:
    """The spelling the export writes for each mechanism, worked out once per mechanism.

    A stored spelling of the mechanism (a ``mechanism_labels`` row) maps back onto it without the
    import adding one. The code is tried before the name, except for mechanisms whose code is not
    in ``code_first`` when that set is given (``importers.csv_export`` passes the bodies the
    project knows, so that bodies users named themselves are written by their name). ``resolve``,
    when given, allows a code or name that is not stored yet but that the import would file under
    this mechanism (a body known to the importer that has no stored spelling).
    """

    def __init__(
        self, code_first: frozenset[str] | None = None, resolve: MechanismResolver | None = None
    ) -> None:
        self.code_first = code_first
        self.resolve = resolve
        self.spelling: dict[int, str | None] = {}
        self.code: dict[int, str] = {}

    def load(self, conn: Connection, ids: set[int]) -> None:
        new = sorted(ids - self.spelling.keys())
        if not new:
            return
        rows = conn.execute(
            select(Mechanism.id, Mechanism.code, Mechanism.name).where(Mechanism.id.in_(new))
        ).all()
        preferred = {row.id: self._preferred(row.code, row.name) for row in rows}
        keys = {_key(spelling) for spellings in preferred.values() for spelling in spellings}
        owner: dict[str, int] = {}
        stored: dict[int, list[str]] = {}
        for key, label, mechanism_id in conn.execute(
            select(MechanismLabel.key, MechanismLabel.label, MechanismLabel.mechanism_id).where(
                or_(MechanismLabel.mechanism_id.in_(new), MechanismLabel.key.in_(sorted(keys - {""})))
            )
        ):
            owner[key] = mechanism_id
            if mechanism_id in preferred:
                stored.setdefault(mechanism_id, []).append(label)
        for row in rows:
            self.code[row.id] = row.code
            self.spelling[row.id] = self._spelling(
                row.id,
                row.code,
                preferred[row.id],
                sorted(stored.get(row.id, []), key=lambda s: (len(s), s)),
                owner,
            )

    def _preferred(self, code: str, name: str) -> tuple[str, str]:
        return (code, name) if self.code_first is None or code in self.code_first else (name, code)

    def _spelling(
        self,
        mechanism_id: int,
        code: str,
        preferred: tuple[str, str],
        stored: list[str],
        owner: dict[str, int],
    ) -> str | None:
        for spelling in [*preferred, *stored]:
            key = _key(spelling)
            if key and owner.get(key) == mechanism_id:
                return clean_label(spelling)
        if self.resolve is None:
            return None
        for spelling in preferred:
            key = _key(spelling)
            if key and key not in owner and self.resolve(clean_label(spelling)) == code:
                return clean_label(spelling)
        return None


def _key(spelling: str) -> str:
    """The key the import looks a mechanism cell up by (the reader cleans the cell first)."""
    return label_key(clean_label(spelling))
