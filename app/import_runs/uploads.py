"""Imports started from the staff workspace: what the web layer may ask for and what it is told.

The imports themselves live in ``importers/``, which only ``app.cli`` and ``app.scheduler`` may import
(see the import-linter contracts). ``app.scheduler`` implements the two entry points below;
``app.main`` hands them to the web layer as ``app.state.import_runners``, so a page runs an import
without importing ``importers``. This module holds only their shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from sqlalchemy import Engine

from app.core.config import Settings

UploadKind = Literal["uhri-xlsx", "upr-info-csv", "csv-template"]
# Each kind, the suffix its temporary file gets (the UHRI import tells XLSX from JSON by it), and the
# ``nrtd import`` command that runs the same import.
UPLOAD_KINDS: dict[UploadKind, tuple[str, str]] = {
    "uhri-xlsx": (".xlsx", "nrtd import uhri FILE.xlsx"),
    "upr-info-csv": (".csv", "nrtd import upr-info FILE.csv"),
    "csv-template": (".csv", "nrtd import csv FILE.csv"),
}


@dataclass(frozen=True)
class UploadedRun:
    """The run an upload made (its rejections are stored with it: GET /api/v1/import-runs/{id})."""

    run_id: int
    outcome: str  # succeeded | failed
    message: str | None
    rejected: int
    # The file was refused as a whole before a record was read (not of its kind, empty, unreadable,
    # holding no record): the run failed, and the page shows the form again with the reason.
    refused: bool = False
    # Records of the file the run created, updated or found unchanged: none, with some rejected, is a
    # file of which nothing was imported.
    kept: int = 0


class UploadImport(Protocol):
    """Import the file at ``path`` (the upload, spooled to disk) as ``kind``: the CLI's import, its
    lock and its one transaction, on connections of its own (never the request's). A file refused as a
    whole is a failed run, recorded as the CLI records it (``UploadedRun.refused``). Raises
    ``ImportFailed`` when the server cannot import this kind at all (no State configured: nothing is
    written, as the CLI writes nothing for its usage errors), ``ImportLocked`` when another import runs
    (nothing written either, as the CLI's "not started")."""

    def __call__(self, settings: Settings, kind: UploadKind, path: Path) -> UploadedRun: ...


class StartScheduledImport(Protocol):
    """Start the scheduled UHRI import now, in the background; ``ImportLocked`` when an import runs,
    ``ImportFailed`` when the settings name no State to import."""

    def __call__(self, engine: Engine, settings: Settings) -> None: ...


@dataclass(frozen=True)
class ImportRunners:
    upload: UploadImport
    start_scheduled: StartScheduledImport
