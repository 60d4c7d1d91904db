"""Secondary languages: texts merged on external id into the records a run kept, and the labels of
their themes and affected persons learnt (``term_labels``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import insert, select, update

from app.feed.fields import html_to_text
from app.feed.records import Rejection
from app.models import Recommendation, RecommendationText, Revision
from app.models.base import utcnow
from importers.pipeline.records import BATCH_SIZE
from importers.pipeline.term_labels import TermLabels
from importers.pipeline.values import _chunks, _visible
from importers.pipeline.withdrawals import _Withdrawing
from importers.uhri_json import Translated


class _Languages(_Withdrawing):
    """Secondary languages merged into the records a run kept."""

    def merge_texts(self, lang: str, items: Iterable[Translated | Rejection]) -> None:
        """Texts in another language, merged on external id into the records this run kept; the
        terms' labels in that language learnt from the same records, stored once at the end."""
        labels = TermLabels()
        for chunk in _chunks(self._known_texts(items), BATCH_SIZE):
            ids = [rec_id for rec_id, _ in chunk]
            self._count_labels(labels, chunk)
            stored = dict(
                self.conn.execute(
                    select(RecommendationText.recommendation_id, RecommendationText.original).where(
                        RecommendationText.recommendation_id.in_(ids), RecommendationText.lang == lang
                    )
                ).all()
            )
            # Created by this run: counted as such, whatever texts they get.
            created = set(
                self.conn.execute(
                    select(Recommendation.id).where(
                        Recommendation.id.in_(ids), Recommendation.created_run_id == self.run_id
                    )
                ).scalars()
            )
            now = utcnow()
            touched = []
            for rec_id, translated in chunk:
                original = translated.text
                old = stored.get(rec_id)
                # Secondary languages come from UHRI's exports only: HTML.
                unchanged = old is not None and _visible(old, "uhri") == _visible(original, "uhri")
                if old == original or unchanged:
                    continue
                touched.append(rec_id)
                values = {"original": original, "text": html_to_text(original)}
                if rec_id not in self._updated_ids and rec_id not in created:
                    # Counted unchanged by the main-language pass; it has a new or changed text.
                    self._updated_ids.add(rec_id)
                    self.counts.unchanged -= 1
                    self.counts.updated += 1
                if old is None:
                    # A first text in this language: counted, but neither a revision nor to review.
                    self.conn.execute(
                        insert(RecommendationText).values(recommendation_id=rec_id, lang=lang, **values)
                    )
                    continue
                self.conn.execute(
                    update(RecommendationText)
                    .where(RecommendationText.recommendation_id == rec_id, RecommendationText.lang == lang)
                    .values(**values)
                )
                self.conn.execute(
                    insert(Revision).values(
                        recommendation_id=rec_id,
                        import_run_id=self.run_id,
                        changes={f"texts.{lang}": {"old": old, "new": original}},
                        created_at=now,
                    )
                )
                self.conn.execute(
                    update(Recommendation)
                    .where(Recommendation.id == rec_id)
                    .values(needs_review=True, updated_run_id=self.run_id, updated_at=now)
                )
            self.refresh_search(touched)
        labels.store(self.conn, lang)
        self.languages.add(lang)

    def _count_labels(self, labels: TermLabels, chunk: list[tuple[int, Translated]]) -> None:
        with_labels = [(rec_id, item) for rec_id, item in chunk if item.themes or item.affected_persons]
        if not with_labels:
            return
        stored = labels.stored_terms(self.conn, [rec_id for rec_id, _ in with_labels])
        for rec_id, item in with_labels:
            labels.count("theme", stored.get((rec_id, "theme"), ()), item.themes)
            labels.count(
                "affected_person", stored.get((rec_id, "affected_person"), ()), item.affected_persons
            )

    def _known_texts(self, items: Iterable[Translated | Rejection]) -> Iterator[tuple[int, Translated]]:
        for item in items:
            if isinstance(item, Rejection):
                if item.external_id is None or self.key(item.external_id) in self.seen.ids:
                    self.reject(item)
                continue
            rec_id = self.seen.ids.get(self.key(item.external_id))
            if rec_id is not None:
                yield rec_id, item
