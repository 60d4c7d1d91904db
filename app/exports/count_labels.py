"""The labels of the statistics in the language asked for (``lang``), set on the way out: the counts
are kept once for every language (``recommendations.kept``), their keys never change.

Each label comes from where the project keeps its words: the message catalogue (statuses, positions,
priorities, the actions' statuses, "Cycle 3"), the mechanism table's official names
(app/feed/data/mechanisms.csv), the SDG titles and the themes' labels a secondary language's UHRI
export gave (``Term.titles``). A language the catalogue does not have (ar, ru, zh) gets its SDG titles
and themes where known and English words around them; a name no table has stays as stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from app.core.catalogue import marked as _
from app.exports.schemas import ActionStats, CountBucket
from app.feed.fields import alphabetical
from app.feed.mechanisms import localised_name
from app.plans.actions.schemas import ACTION_STATUS_LABELS
from app.taxonomies.service import sdg_title, sdg_titles, term_names
from app.web.filter_labels import POSITION_LABELS, STATUS_LABELS
from app.web.filter_labels import PRIORITY_LABELS as _PRIORITIES
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, translations

NONE = "none"  # the key of a bucket of no value: no priority, no lead entity, not UPR
PRIORITY_LABELS = {**_PRIORITIES, NONE: _("No priority")}
NO_LEAD_ENTITY = _("No lead entity")
NOT_UPR = _("Not a UPR recommendation")
CYCLE = _("Cycle %(number)s")


def ranked(buckets: Iterable[CountBucket]) -> list[CountBucket]:
    """Most frequent first, then by label as the language sorts it."""
    return sorted(buckets, key=lambda bucket: (-bucket.count, alphabetical(bucket.label), bucket.key))


class CountLabels:
    """The words of one language for the buckets of the counts."""

    def __init__(self, session: Session, lang: str) -> None:
        self.session, self.lang = session, lang
        catalogue = translations(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
        self.gettext = catalogue.gettext
        self._terms: dict[str, dict[str, str]] | None = None

    def _relabelled(self, bucket: CountBucket, label: str | None) -> CountBucket:
        return bucket if not label or label == bucket.label else bucket.model_copy(update={"label": label})

    def fixed(self, buckets: Iterable[CountBucket], labels: Mapping[str, str]) -> list[CountBucket]:
        """Values of a fixed list (statuses, positions...): each in the catalogue's words."""
        return [
            self._relabelled(bucket, self.gettext(labels[bucket.key]) if bucket.key in labels else None)
            for bucket in buckets
        ]

    def mechanisms(self, buckets: Iterable[CountBucket]) -> list[CountBucket]:
        """Keyed by code: the mechanism's official name in the language where the table has one."""
        return ranked(self._relabelled(bucket, localised_name(bucket.key, self.lang)) for bucket in buckets)

    def terms(self, buckets: Iterable[CountBucket], kind: str) -> list[CountBucket]:
        """Labelled by the stored label: the term's label in the language where an export gave one."""
        buckets = list(buckets)
        if not buckets:
            return []
        if self._terms is None:
            self._terms = term_names(self.session, self.lang)
        names = self._terms.get(kind, {})
        return ranked(self._relabelled(bucket, names.get(bucket.label)) for bucket in buckets)

    def sdg_goals(self, buckets: Iterable[CountBucket]) -> list[CountBucket]:
        # Always relabelled: the counts are kept for every language, labelled in the first one asked.
        titles = sdg_titles(self.lang)
        return [self._relabelled(bucket, sdg_title(bucket.key, self.lang, titles)) for bucket in buckets]

    def cycles(self, buckets: Iterable[CountBucket]) -> list[CountBucket]:
        return [
            self._relabelled(
                bucket,
                self.gettext(NOT_UPR) if bucket.key == NONE else self.gettext(CYCLE) % {"number": bucket.key},
            )
            for bucket in buckets
        ]

    def lead_entities(self, buckets: Iterable[CountBucket]) -> list[CountBucket]:
        """An entity's name as entered; "no lead entity" in the language."""
        return ranked(
            self._relabelled(bucket, self.gettext(NO_LEAD_ENTITY) if bucket.key == NONE else None)
            for bucket in buckets
        )

    def statistics(self, counts: Mapping[str, Any]) -> dict[str, Any]:
        """The statistics' fields (``app.exports.stats``) with every label in the language."""
        actions: ActionStats = counts["actions"]
        return {
            **counts,
            "by_status": self.fixed(counts["by_status"], STATUS_LABELS),
            "by_mechanism": self.mechanisms(counts["by_mechanism"]),
            "by_theme": self.terms(counts["by_theme"], "theme"),
            "by_sdg_goal": self.sdg_goals(counts["by_sdg_goal"]),
            "by_lead_entity": self.lead_entities(counts["by_lead_entity"]),
            "by_cycle": self.cycles(counts["by_cycle"]),
            "by_position": self.fixed(counts["by_position"], POSITION_LABELS),
            "by_priority": self.fixed(counts["by_priority"], PRIORITY_LABELS),
            "actions": actions.model_copy(
                update={"by_status": self.fixed(actions.by_status, ACTION_STATUS_LABELS)}
            ),
        }
