"""The words and cell texts of a report, the same in every format (HTML, DOCX, XLSX), in the report's
language: English, French or Spanish (the interface languages of the portal, one message catalogue);
a report of Arabic, Russian or Chinese texts has English words around them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from babel.dates import format_date

from app.core.catalogue import marked as _
from app.core.publisher import Publisher
from app.core.time_zone import instance_zone, local_time
from app.core.xml_text import xml_safe as xml_safe  # the reports' own name for it
from app.feed.countries import state_name_in
from app.models.taxonomy import MECHANISM_FAMILY_LABELS
from app.plans.actions.schemas import ACTION_STATUS_LABELS
from app.reports.schemas import (
    GroupBy,
    Report,
    ReportAction,
    ReportEntity,
    ReportGroup,
    ReportGroupAction,
    ReportProgress,
    ReportRecommendation,
    StaffAction,
    StaffGroupAction,
    StaffProgress,
)
from app.web import filter_labels
from app.web.filter_labels import FILTER_LABELS as FILTER_LABELS
from app.web.filter_labels import PRIORITY_LABELS, SOURCE_LABELS, STATUS_LABELS
from app.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, format_number, translations

TITLE = _("Implementation of the recommendations of the human-rights mechanisms")
INTERNAL_WARNING = _(
    "Internal report: it contains unpublished information (internal notes, priority rationales, "
    "unpublished actions and progress not yet approved or published). Do not publish it as is."
)
PUBLIC_NOTE = _("Public report: published information only.")
GROUP_LABELS: dict[GroupBy, str] = {
    "cluster": _("Cluster"),
    "mechanism": _("Mechanism"),
    "theme": _("Theme"),
    "sdg": _("Sustainable Development Goal"),
    "entity": _("Responsible entity"),
}
# The section of the recommendations that have no cluster, theme, goal or entity: it comes last.
NO_GROUP: dict[GroupBy, str] = {
    "cluster": _("No cluster"),
    "mechanism": _("No mechanism"),
    "theme": _("No theme"),
    "sdg": _("No Sustainable Development Goal"),
    "entity": _("No responsible entity"),
}
# A report's cell of a recommendation with no position reads "—", as an empty cell.
POSITION_LABELS = {**filter_labels.POSITION_LABELS, "none": "—"}
PROGRESS_STATE_LABELS = {
    "draft": _("draft"),
    "submitted": _("submitted, awaiting review"),
    "approved": _("approved"),
    "returned": _("returned for changes"),
}
# The filters as the report names them ("Filters used"): the staff workspace's words for the list's
# filters (app.web.filter_labels) and their values. Mechanisms, entities and clusters are named by the
# service.
FILTER_VALUE_LABELS: dict[str, dict[str, str]] = {
    "family": MECHANISM_FAMILY_LABELS,
    "type": {"recommendation": _("Recommendation"), "observation": _("Observation or concern")},
    "position": filter_labels.POSITION_LABELS,
    "source": SOURCE_LABELS,
    "priority": PRIORITY_LABELS,
    "status": STATUS_LABELS,
    "responsibility": {"lead": _("Lead"), "supporting": _("Supporting")},
    # cycle=none: every mechanism but the UPR (the statistics' words for that bucket).
    "cycle": {"none": _("Not a UPR recommendation")},
    "needs_review": {"true": _("Yes, waiting for review"), "false": _("No")},
    # The staff workspace's reports page names the list's choice so (a report takes no withdrawn).
    "withdrawn": {"true": _("Withdrawn"), "false": _("Current")},
}
NONE = "—"
# Scripts written right to left: their texts are marked dir="rtl" (HTML) and right-aligned.
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


@lru_cache(maxsize=4096)
def _day(value: date, lang: str) -> str:
    """Babel takes tens of microseconds a date; a report shows the same few dates thousands of times."""
    return format_date(value, format="medium", locale=lang)


def interface_language(text_language: str) -> str:
    """The language of a report's own words: its texts' language when the catalogue has it."""
    return text_language if text_language in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Words:
    """A report's words in one interface language."""

    lang: str

    @classmethod
    def of(cls, report: Report) -> Words:
        return cls(interface_language(report.lang))

    def _(self, message: str, **values: object) -> str:
        """``message`` (a catalogue message) in this language, with ``values`` put in."""
        text = translations(self.lang).gettext(message)
        return text % values if values else text

    def labelled(self, name: str, value: str) -> str:
        """A label and its value, joined this language's way ("Site : ..." in French)."""
        return self._("%(name)s: %(value)s", name=name, value=value)

    def label(self, mapping: dict[str, str], value: str | None) -> str:
        if value is None:
            return NONE
        message = mapping.get(value)
        return self._(message) if message else value.replace("_", " ").capitalize()

    def day(self, value: date) -> str:
        return _day(value, self.lang)

    def number(self, value: int) -> str:
        """A count as the portal writes it in this language: "1 560" in French, "1,560" in English."""
        return format_number(value, self.lang)

    @property
    def title(self) -> str:
        return self._(TITLE)

    def notice(self, report: Report) -> str:
        return self._(INTERNAL_WARNING if report.staff else PUBLIC_NOTE)

    def group_label(self, report: Report) -> str:
        return self._(GROUP_LABELS[report.group_by])

    def no_group(self, group_by: GroupBy) -> str:
        return self._(NO_GROUP[group_by])

    def group_heading(self, report: Report, group: ReportGroup) -> str:
        """ "Cluster: Access to justice"; the last section "No cluster" alone (not "Cluster: No cluster")."""
        return group.title if group.ungrouped else self.labelled(self.group_label(report), group.title)

    def subtitle(self, report: Report) -> str:
        return self._("Grouped by: %(grouping)s", grouping=self.group_label(report))

    def generated(self, report: Report) -> str:
        # Where the instance is (NRTD_TIME_ZONE): "Nov 25, 2026 21:00 America/Lima"; "... UTC" by default.
        moment = local_time(report.generated_at)
        return f"{self.day(moment.date())} {moment:%H:%M} {instance_zone().key}"

    def summary(self, report: Report) -> str:
        """ "Grouped by: cluster. Generated 5 Dec 2026, 10:00:00 UTC. Recommendations: 12." """
        return self._(
            "%(subtitle)s. Generated %(when)s. Recommendations: %(count)s.",
            subtitle=self.subtitle(report),
            when=self.generated(report),
            count=self.number(report.total),
        )

    def source(self, rec: ReportRecommendation) -> str:
        """Mechanism, document symbol and paragraph, as a citation: "CRC, CRC/C/PER/CO/5, para. 12"."""
        mechanism = rec.mechanism_name if rec.mechanism_code == rec.mechanism_name else rec.mechanism_code
        detail = ", ".join(
            part
            for part in (
                self._("cycle %(number)s", number=rec.upr_cycle) if rec.upr_cycle is not None else "",
                self._("session %(number)s", number=rec.upr_session) if rec.upr_session is not None else "",
            )
            if part
        )
        if detail:
            mechanism = f"{mechanism} ({detail})"
        paragraph = self._("para. %(number)s", number=rec.paragraph) if rec.paragraph else ""
        return ", ".join(part for part in (mechanism, rec.symbol or "", paragraph) if part)

    def entity(self, ref: ReportEntity | None) -> str:
        if ref is None:
            return NONE
        return f"{ref.name} ({ref.acronym})" if ref.acronym else ref.name

    def responsible(self, rec: ReportRecommendation) -> str:
        lines = []
        if rec.lead_entity is not None:
            lines.append(self._("Lead: %(entity)s", entity=self.entity(rec.lead_entity)))
        if rec.supporting_entities:
            names = "; ".join(self.entity(ref) for ref in rec.supporting_entities)
            lines.append(self._("Supporting: %(entities)s", entities=names))
        return "\n".join(lines) or NONE

    def action_status(self, item: ReportAction) -> str:
        return self.label(ACTION_STATUS_LABELS, item.status)

    def action(self, item: ReportAction) -> str:
        parts = [item.title, self.action_status(item)]
        if item.due_date is not None:
            parts.append(self._("due %(date)s", date=self.day(item.due_date)))
        if item.lead_entity is not None:
            parts.append(self._("lead: %(entity)s", entity=self.entity(item.lead_entity)))
        text = " — ".join(parts)
        if isinstance(item, StaffAction) and not item.published:
            text += " " + self._("[internal: not published]")
        return text

    def actions(self, rec: ReportRecommendation) -> str:
        return "\n".join(f"• {self.action(item)}" for item in rec.actions) or NONE

    def progress(self, update: ReportProgress | None) -> str:
        if update is None:
            return NONE
        text = self.labelled(self.day(update.reported_on), update.narrative)
        if update.new_status:
            status = self.label(ACTION_STATUS_LABELS, update.new_status)
            text += " " + self._("[action status: %(status)s]", status=status)
        if update.evidence_url:
            text += " " + self._("Evidence: %(url)s", url=update.evidence_url)
        for file in update.evidence_files:  # a line each: a reader goes down the list
            described = {"name": file.filename, "type": file.type, "size": self.file_size(file.size)}
            if file.url is None:  # a file its reader may not open: named, without a link
                text += "\n" + self._("Evidence file: %(name)s (%(type)s, %(size)s)", **described)
            else:
                text += "\n" + self._(
                    "Evidence file: %(name)s (%(type)s, %(size)s) %(url)s", **described, url=file.url
                )
        return text

    def file_size(self, size: int) -> str:
        """A size in bytes as people of this language read it: "240 KB", "1.5 MB"; "1,5 Mo"."""
        if size >= 1024 * 1024:
            return self._("%(size)s MB", size=format_number(float(f"{size / (1024 * 1024):.3g}"), self.lang))
        return self._("%(size)s KB", size=format_number(max(1, round(size / 1024)), self.lang))

    def internal_progress(self, update: StaffProgress) -> str:
        state = self.label(PROGRESS_STATE_LABELS, update.state)
        published = self._("published") if update.published else self._("not published")
        prefix = self._(
            "[Internal: latest update, %(state)s, %(published)s]", state=state, published=published
        )
        return f"{prefix} {self.progress(update)}"

    def full_progress(self, action: ReportGroupAction) -> str:
        """The action's latest published update, then (staff) a newer one not yet published, marked."""
        text = self.progress(action.latest_progress)
        if isinstance(action, StaffGroupAction) and action.latest_progress_internal is not None:
            text += "\n" + self.internal_progress(action.latest_progress_internal)
        return text

    def position(self, rec: ReportRecommendation) -> str:
        return self.label(POSITION_LABELS, rec.position)

    def status(self, rec: ReportRecommendation) -> str:
        return self.label(STATUS_LABELS, rec.status)

    def priority(self, rec: ReportRecommendation) -> str:
        return self.label(PRIORITY_LABELS, rec.priority)

    def publisher_lines(self, report: Report) -> list[tuple[str, str]]:
        """Who publishes the report, as (label, value) pairs: the site's name, the publishing body, its
        contact, the licence of the data (none for a report built without the settings)."""
        site = report.publisher
        if site is None:
            return []
        lines = [(self._("Site"), site.title_in(self._))]
        lines.append((self._("Published by"), self.publishing_body(site)))
        contact = " · ".join(part for part in (site.contact_email, site.contact_url) if part)
        if contact:
            lines.append((self._("Contact"), contact))
        if site.rights:
            lines.append((self._("Licence of the data"), site.rights))
        return lines

    def publishing_body(self, site: Publisher) -> str:
        """The publishing body in this language, the State named the language's way ("Perú")."""
        return site.body_in(self._, state_name_in(site.country, self.lang))

    def filter_used(self, name: str, values: list[object], named: dict[str, str]) -> tuple[str, str]:
        """One filter as "Filters used" shows it: its label and its values in this language (``named``:
        the names of the mechanisms, entities or clusters it gives, by code or id)."""

        def shown(value: object) -> str:
            if isinstance(value, date):
                return self.day(value)
            text = str(value).lower() if isinstance(value, bool) else str(value)
            if text in named:
                return named[text]
            mapping = FILTER_VALUE_LABELS.get(name)
            return self._(mapping[text]) if mapping and text in mapping else text

        label = FILTER_LABELS.get(name)
        return (self._(label) if label else name, ", ".join(shown(value) for value in values))

    def filter_list(self, filters: list[str]) -> str:
        """Filters one after another, apart as this language writes it ("CRC; Peru", "CRC ; Pérou"):
        not with the ", " that separates the values of one filter ("Status: In progress, Implemented")."""
        if not filters:
            return ""
        joined = filters[0]
        for then in filters[1:]:
            joined = self._("%(filters)s; %(filter)s", filters=joined, filter=then)
        return joined

    def filters(self, report: Report, filters: list[tuple[str, str]] | None = None) -> str:
        """ "Filters used: ..." of ``report.filters`` (or ``filters``: the same, some values marked)."""
        pairs = report.filters if filters is None else filters
        shown = self.filter_list([self.labelled(name, value) for name, value in pairs])
        return self._(
            "Filters used: %(filters)s.", filters=shown or self._("none (every current recommendation)")
        )
