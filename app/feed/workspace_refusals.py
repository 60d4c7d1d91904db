"""Refusals as the staff workspace says them. A run's message is stored in the words of the import that
wrote it, which for ``nrtd import`` name the command's options (``--allow-withdraw``, ``--allow-empty``,
``--country``) and, for the staff workspace, a button it may not show; a page, where no option can be
given, says what its reader can do instead, or whom to ask. One rule each (the importers'), two
wordings: the command's, and these, which the staff pages put in their place (the ``import_reason``
filter, an upload's refusal)."""

from __future__ import annotations

from app.core.catalogue import Reason
from app.core.catalogue import marked as _
from app.feed import file_refusals, refusals

NO_RECORD = _(
    "the file holds no record: nothing was imported (a header row with no row below it, or an empty "
    "array: an empty search, or rows filtered out before the file was saved?)"
)
NOTHING_IN_SCOPE = _(
    "none of the %(read)s records read concerns %(state)s, the State imported: the file is about other "
    "States, or is not the file meant; nothing was imported"
)
# The Imports page's button is named "Start the scheduled UHRI import now" only where a schedule is
# set; this is read on a run's page and the dashboard too.
JSON_NOT_UPLOADED = _(
    "this is %(kind)s: the UHRI JSON export cannot be uploaded; the Imports page's UHRI import downloads it"
)
# A text file given to the UHRI search export's import (XLSX): the kinds of file the Imports page
# offers, not the commands that read it.
TEXT_NOT_A_ZIP = _(
    "this is a CSV or other text file, not an XLSX workbook: choose 'UPR Info database (CSV)' or "
    "'Template of manual recommendations (CSV or Excel)' as the kind of file"
)
_INSTEAD = {
    file_refusals.WITHDRAW_TOO_MANY_FOR: file_refusals.WITHDRAW_TOO_MANY_FOR_ASK,
    file_refusals.WITHDRAW_TOO_MANY_FROM: file_refusals.WITHDRAW_TOO_MANY_FROM_ASK,
    refusals.NO_RECORD: NO_RECORD,
    refusals.NOTHING_IN_SCOPE: NOTHING_IN_SCOPE,
    refusals.JSON_NOT_UPLOADED: JSON_NOT_UPLOADED,
    refusals.TEXT_NOT_A_ZIP: TEXT_NOT_A_ZIP,
}


def in_workspace(reason: str) -> str:
    """A stored refusal read back (``refusals.reason_of``) as the staff workspace says it: every
    message of it (its values' too) that names an option of the command, or a button the page may not
    show, in the workspace's words."""
    if not isinstance(reason, Reason):
        return reason
    values = {
        name: in_workspace(value) if isinstance(value, Reason) else value
        for name, value in reason.values.items()
    }
    return Reason(_INSTEAD.get(reason.message, reason.message), **values)
