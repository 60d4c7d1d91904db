"""The sample files the local-file import tests read, and the check that an import wrote nothing."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from tests.conftest import SAMPLE
from tests.uhri_records import snapshot

UPR_INFO = SAMPLE / "upr-info-peru.csv"
UHRI_JSON = SAMPLE / "export-full-en.json"
UHRI_XLSX = SAMPLE / "uhri-search-export.xlsx"
RUN_BOOKKEEPING = ("import_leases", "import_runs")


def data_unchanged(engine: Engine) -> Callable[[], bool]:
    """Whether, when called later, every table but the run bookkeeping is as it is now."""
    before = snapshot(engine, skip=RUN_BOOKKEEPING)
    return lambda: snapshot(engine, skip=RUN_BOOKKEEPING) == before
