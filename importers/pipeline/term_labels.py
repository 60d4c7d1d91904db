"""Themes' and affected persons' labels in another language, learnt from that language's export.

The UHRI exports give no id for a theme or an affected person: each language's export labels them
in its own language, on the same records (matched on AnnotationId). A term's label in that language
is the translated label that goes with it: over the records a run merges, the one whose records are
most nearly the term's own (Jaccard similarity of the two sets of records). That holds whatever order
each export lists a record's labels in; a label found on too few of the term's records, or two
labels equally likely, teach nothing. A translated label that is the stored one (the export left it
untranslated) is not a translation either.

The counts stay small (the combinations records repeat; a hundred-odd terms, as many labels, their
pairs), and what is learnt is written once per run and language, in one statement (``Term.titles[lang]``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, bindparam, select, update

from app.feed.keys import label_key
from app.models import RecommendationTerm, Term

# The roles a translated export labels (the SDGs have their titles from the bundled data; States and
# regions are not translated by UHRI's exports).
ROLES = ("theme", "affected_person")
MIN_SIMILARITY = 0.5  # the share of records a term and a label must have in common, at least

LabelKey = tuple[str, str]  # (role, label_key of the translated label)


class TermLabels:
    """Which translated label goes with which stored term, counted over the records merged.

    Records repeat a few thousand combinations of terms and labels: each combination is counted as
    it comes (cheap on ~270,000 records), and expanded into terms, labels and pairs once at the end.
    """

    def __init__(self) -> None:
        self.combinations: Counter[tuple[str, tuple[int, ...], tuple[str, ...]]] = Counter()

    def stored_terms(self, conn: Connection, rec_ids: Sequence[int]) -> dict[tuple[int, str], list[int]]:
        """The theme and affected-person terms of these records: (record, role) -> term ids."""
        found: dict[tuple[int, str], list[int]] = {}
        rows = conn.execute(
            select(
                RecommendationTerm.recommendation_id, RecommendationTerm.role, RecommendationTerm.term_id
            ).where(RecommendationTerm.recommendation_id.in_(rec_ids), RecommendationTerm.role.in_(ROLES))
        )
        for rec_id, role, term_id in rows:
            found.setdefault((rec_id, role), []).append(term_id)
        return found

    def count(self, role: str, term_ids: Iterable[int], labels: Iterable[str]) -> None:
        """One record: its stored terms in ``role`` and its translated labels there."""
        self.combinations[(role, tuple(sorted(set(term_ids))), tuple(labels))] += 1

    def _tally(
        self,
    ) -> tuple[Counter[int], Counter[LabelKey], Counter[tuple[int, LabelKey]], dict[LabelKey, str]]:
        """Records per term, per translated label and per (term, label); each label as first seen."""
        terms: Counter[int] = Counter()
        labels: Counter[LabelKey] = Counter()
        pairs: Counter[tuple[int, LabelKey]] = Counter()
        shown: dict[LabelKey, str] = {}
        for (role, term_ids, raw), records in self.combinations.items():
            keys = set()
            for label in raw:
                key = (role, label_key(label))
                if key[1]:
                    shown.setdefault(key, label)
                    keys.add(key)
            for term_id in term_ids:
                terms[term_id] += records
                for key in keys:
                    pairs[(term_id, key)] += records
            for key in keys:
                labels[key] += records
        return terms, labels, pairs, shown

    def learnt(self) -> dict[int, str]:
        """Each term's translated label, where one stands out."""
        terms, labels, pairs, shown = self._tally()
        best: dict[int, tuple[float, LabelKey | None]] = {}
        for (term_id, key), both in pairs.items():
            similarity = both / (terms[term_id] + labels[key] - both)
            if similarity < MIN_SIMILARITY:
                continue
            top = best.get(term_id)
            if top is None or similarity > top[0]:
                best[term_id] = (similarity, key)
            elif similarity == top[0]:
                best[term_id] = (similarity, None)  # a tie: no label stands out
        return {term_id: shown[key] for term_id, (_, key) in best.items() if key is not None}

    def store(self, conn: Connection, lang: str) -> int:
        """Write what was learnt into ``Term.titles[lang]``, in one statement; the terms changed."""
        learnt = self.learnt()
        if not learnt:
            return 0
        rows = conn.execute(select(Term.id, Term.key, Term.titles).where(Term.id.in_(list(learnt))))
        changes = []
        for term_id, key, titles in rows:
            label = learnt[term_id]
            if label_key(label) == key or (titles or {}).get(lang) == label:
                continue  # untranslated in that export, or known already
            changes.append({"term_id": term_id, "new_titles": {**(titles or {}), lang: label}})
        if changes:
            conn.execute(
                update(Term).where(Term.id == bindparam("term_id")).values(titles=bindparam("new_titles")),
                changes,
            )
        return len(changes)
