"""What a report is about, in words its reader recognises, and the file name made of them: the
mechanism, the State, the period... its filters chose, in the report's language
("rapport-public-de-mise-en-œuvre-CRC_Pérou-regroupé-par-thème-fr-2026-12-07.docx"), so
two reports of one day are two files a person can tell apart in a folder."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core.catalogue import marked as _
from app.core.downloads import name_words, whole_filters
from app.reports.labels import GROUP_LABELS, Words, interface_language, xml_safe
from app.reports.schemas import GroupBy

# The words of the workspace's Reports page and of the report itself: translated already.
PUBLIC_REPORT = _("Public implementation report")
REPORT = _("Implementation report")
INTERNAL = _("internal")
GROUPED_BY = _("Grouped by: %(grouping)s")
# Filters whose values say what they are ("CRC", "Peru", a theme, a cluster, a ministry): named alone.
# The others (a cycle's "3", a status) are named with their label: "UPR cycle: 3".
_SELF_NAMED = frozenset(
    {"q", "mechanism", "country", "region", "theme", "affected_person", "entity", "cluster", "issue"}
)
# Room kept for what the report is about: a name stays far below the 255 bytes file systems allow.
_MOST_SUBJECT = 80
_MOST_TITLE = 255


def subject_of(used: dict[str, Any], shown: list[tuple[str, str]], words: Words) -> str:
    """What the filters ``used`` (the list's parameter names and values, in order) chose, as the
    report names them (``shown``: their labels and values, ``filters_used``): "CRC; Peru; UPR cycle: 3",
    the filters apart as the report's "Filters used" writes them, a filter's values with ", "; a
    mechanism by its code, a day by its ISO date; empty without filters."""
    parts = []
    for (name, value), (label, named) in zip(used.items(), shown, strict=True):
        if name == "mechanism":
            parts.append(", ".join(str(code).strip().upper() for code in value))
        elif isinstance(value, date):  # a period: its ISO day, which sorts and reads in every language
            parts.append(words.labelled(label, value.isoformat()))
        elif name in _SELF_NAMED:
            parts.append(named)
        else:
            parts.append(words.labelled(label, named))
    return words.filter_list(parts)


def document_title(title: str, subject: str) -> str:
    """A report's title as a document's properties and a page's tab give it: the title and what the
    report is about ("... — CRC, Peru"), which a browser's "Save as PDF" also names the file after."""
    titled = xml_safe(f"{title} — {subject}" if subject else title)
    # Word's title property holds 255 characters (python-docx refuses more): a long search is cut.
    return titled if len(titled) <= _MOST_TITLE else titled[: _MOST_TITLE - 1] + "…"


def report_filename(
    *, staff: bool, group_by: GroupBy, lang: str, fmt: str, day: date, subject: str = ""
) -> str:
    """The download's name, in the report's words: who it is for, what it is about (``subject``, its
    filters that fit in 80 characters, whole), its grouping, its texts' language (the English, French and
    Spanish reports are three files, not one name saved three times) and its day."""
    words = Words(interface_language(lang))
    kind = f"{words._(REPORT)} ({words._(INTERNAL)})" if staff else words._(PUBLIC_REPORT)
    grouping = words._(GROUPED_BY, grouping=words._(GROUP_LABELS[group_by]))
    # One filter's words joined by "-", the filters by "_" ("CRC_Pérou_État-En-cours-Mise-en-œuvre"):
    # a name cannot keep the subject's ";" between filters, nor run them together.
    # Past 80 characters, cut between two filters, never inside one.
    about = whole_filters((name_words(part) for part in subject.split(";")), "_", _MOST_SUBJECT)
    parts = (name_words(kind.lower()), about, name_words(grouping.lower()), lang, day.isoformat())
    return "-".join(part for part in parts if part) + f".{fmt}"
