"""What each kind of deadline is called, in one place: the staff pages, the portal's words, the
reminder digests and the calendar feed name a deadline's kind with these (catalogue messages,
translated where they are shown).

Outside the pages' tables, which have a column for it, a deadline is written with its kind before its
title: the mid-term report carries its review's title, and "Fifth UPR review" alone on the mid-term's
date would read as the review itself.
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.catalogue import marked as _
from app.deadlines.report_names import shown_in

KIND_LABELS = {
    "upr_review": _("UPR review"),
    "upr_midterm": _("UPR mid-term report"),
    "follow_up_reply": _("Follow-up reply due"),
    "periodic_report": _("Periodic report due"),
    "action_due": _("Action due"),
    "indicator_target": _("Indicator target"),
    "custom": _("Other deadline"),
}


def titled(kind: str | None, title: str, gettext: Callable[[str], str]) -> str:
    """``UPR mid-term report: Fifth UPR review``; an entered "other deadline" (and what is no
    deadline, ``kind`` None) is its own title. A periodic report's wording is in the reader's language."""
    if kind is None or kind == "custom" or kind not in KIND_LABELS:
        return title
    shown = shown_in(kind, title, gettext)
    return gettext("%(kind)s: %(title)s") % {"kind": gettext(KIND_LABELS[kind]), "title": shown}
