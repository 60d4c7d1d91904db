"""Totals of filtered lists, counted once per filter set and data version.

A count reads every match (250,000 rows unfiltered), and a client paging through a list asks for
the same total on every page. The data version (``reading.data_version``) moves with every import
run and every write, so a total is reused until the data it counted changes.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from app.recommendations.reading import data_version

MAX_ENTRIES = 1024

_lock = threading.Lock()
_totals: OrderedDict[str, int] = OrderedDict()


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
