"""Totals of filtered lists, counted once per filter set and data version.

A count reads every match (250,000 rows unfiltered), and a client paging through a list asks for
the same total on every page. The recommendations change only through import runs, so the newest
run versions the data: a new run starts new totals, in every replica alike. (Anything that later
changes recommendations outside an import must move this version too.)
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ImportRun

MAX_ENTRIES = 1024

_lock = threading.Lock()
_totals: OrderedDict[str, int] = OrderedDict()


def data_version(session: Session) -> str:
    """The newest run's id and finish time (ids alone can be reused after rows are deleted)."""
    row = session.execute(
        select(ImportRun.id, ImportRun.finished_at).order_by(ImportRun.id.desc()).limit(1)
    ).first()
    return "empty" if row is None else f"{row.id}@{row.finished_at}"


def cached_total(session: Session, filters: dict[str, Any], count: Callable[[], int]) -> int:
    bind = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = json.dumps([bind, data_version(session), filters], sort_keys=True, default=str)
    with _lock:
        if key in _totals:
            _totals.move_to_end(key)
            return _totals[key]
    total = count()
    with _lock:
        _totals[key] = total
        while len(_totals) > MAX_ENTRIES:
            _totals.popitem(last=False)
    return total
