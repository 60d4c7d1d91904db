"""What an Upserter holds for one run: connection, term index, scope, counts, stored records, rejections."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, insert, select

from app.feed.keys import record_key
from app.feed.records import KnownHashes, Rejection
from app.feed.row_problems import MAX_REASON_CHARS
from app.models import Recommendation, RecommendationTerm, RejectedRecord
from importers.pipeline.records import (
    MAX_STORED_REJECTIONS,
    SHOWN_REJECTIONS,
    Counts,
    Twin,
    _Seen,
    _Stored,
)
from importers.pipeline.terms import TermIndex
from importers.scope import country_filter


class _UpserterState:
    """What one run holds: connection, term index, scope, counts, stored records, rejections."""

    def __init__(
        self,
        conn: Connection,
        *,
        run_id: int,
        source: str,
        country: str | None = None,
        full_export: bool = False,
        max_withdraw_share: float | None = None,
        withdraw_advice: str = "option",
        on_progress: Callable[[Counts], None] | None = None,
    ) -> None:
        self.conn = conn
        self.run_id = run_id
        self.source = source
        self.full_export = full_export
        self.country = country
        self.max_withdraw_share = max_withdraw_share  # None: the operator allowed any withdrawal
        self.withdraw_advice = withdraw_advice  # how its refusal says what to do (WITHDRAW_ADVICE)
        self.first_rejections: list[Rejection] = []  # kept even when the run fails and rolls back
        self.terms = TermIndex.load(conn)
        self.country_filter = country_filter(country)
        self.country_key = self.country_filter.key if self.country_filter else None
        self.counts = Counts()
        self.seen = _Seen()
        self.on_progress = on_progress
        self._stored_rejections = 0
        self._updated_ids: set[int] = set()
        self._new_columns: tuple[str, ...] = ()
        self._sqlite = conn.dialect.name == "sqlite"
        self.first_loaded = False  # whether first_load() built the constraints after the data
        self.languages: set[str] = set()
        # The languages of every text read, written or unchanged: what a template's run lists.
        self.languages_read: set[str] = set()
        self.twins: dict[str, list[Twin]] = {}  # by key: rows stored twice under it (``stored``)
        self.notes: list[str] = []  # what the run's message says besides its counts

    @property
    def reinstates(self) -> bool:
        """Whether a withdrawn record the run holds again comes back: a feed's withdrawal is the feed's
        to undo, but a manual recommendation is withdrawn only by a coordinator's archive
        (docs/recommendation-work.md), which a template import holding it again leaves as it is."""
        return self.source != "manual"

    def key(self, external_id: str) -> str:
        """The key a record is matched on (stored, seen before in this run): ``record_key``."""
        return record_key(self.source, external_id)

    def restart(self) -> None:
        """Forget what this run has read, after the caller rolled back what it wrote."""
        self.terms = TermIndex.load(self.conn)
        self.counts = Counts()
        self.seen = _Seen()
        self._stored_rejections = 0
        self.first_rejections.clear()
        self._updated_ids.clear()
        self.languages.clear()
        self.languages_read.clear()
        self.notes.clear()

    # -- rejections -----------------------------------------------------------------------

    def reject(self, rejection: Rejection) -> None:
        self.counts.rejected += 1
        if len(self.first_rejections) < SHOWN_REJECTIONS:
            self.first_rejections.append(rejection)
        if rejection.external_id:
            # A record that is malformed this time is not "gone": never withdraw it for that.
            self.seen.positions.setdefault(self.key(rejection.external_id), rejection.input_position)
        else:
            self.seen.unidentified += 1
        if self._stored_rejections < MAX_STORED_REJECTIONS:
            self._stored_rejections += 1
            self.conn.execute(
                insert(RejectedRecord).values(
                    import_run_id=self.run_id,
                    position=rejection.input_position[:64],
                    external_id=(rejection.external_id or None) and rejection.external_id[:128],
                    reason=rejection.reason[:MAX_REASON_CHARS],
                )
            )

    def known_hashes(self) -> KnownHashes:
        """What a reader asks before mapping a record: whether a live stored record is exactly it."""
        return KnownHashes(
            frozenset(
                row.source_hash for row in self.stored.values() if row.source_hash and not row.withdrawn
            )
        )

    @cached_property
    def stored(self) -> dict[str, _Stored]:
        """Every stored record of this source, loaded once: one indexed scan instead of a lookup per
        batch (whose plan PostgreSQL gets wrong for a table growing inside the run's transaction).

        Rows an older release stored twice under one key (a UHRI id in two cases) are one record: the
        one spelt as the feed spells it is matched (else the live one, else the oldest), the others are
        its ``twins``, merged into it once the run has read it (``importers.pipeline.twins``)."""
        query = select(
            Recommendation.external_id,
            Recommendation.id,
            Recommendation.content_hash,
            Recommendation.source_hash,
            Recommendation.withdrawn,
        ).where(Recommendation.source == self.source)
        stored: dict[str, _Stored] = {}
        spelt: dict[str, str] = {}  # key -> the matched row's id as stored, where the two differ
        for external_id, rec_id, content_hash, source_hash, withdrawn in self.conn.execute(query):
            key = record_key(self.source, external_id)
            row = _Stored(rec_id, content_hash, source_hash, withdrawn)
            held = stored.get(key)
            if held is None:
                stored[key] = row
                if external_id != key:
                    spelt[key] = external_id
                continue
            held_id = spelt.get(key, key)
            if _rank(external_id, key, row) < _rank(held_id, key, held):
                stored[key], row = row, held
                if external_id == key:
                    spelt.pop(key, None)
                else:
                    spelt[key] = external_id
                external_id = held_id
            self.twins.setdefault(key, []).append(Twin(row.id, external_id, row.withdrawn))
        return stored

    @staticmethod
    def _country_members(term_id: int) -> Any:
        return select(RecommendationTerm.recommendation_id).where(
            RecommendationTerm.role == "country", RecommendationTerm.term_id == term_id
        )


def _rank(external_id: str, key: str, row: _Stored) -> tuple[bool, bool, int]:
    """Which of two rows stored under one key is the record: spelt as the feed spells it, live, oldest."""
    return (external_id != key, row.withdrawn, row.id)
