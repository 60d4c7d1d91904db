"""Totals of filtered lists, counted once per filter set and data version.

A count reads every match (250,000 rows unfiltered), and a client paging through a list asks for
the same total on every page. Recommendations change through import runs, and through the API
(local fields, clusters, manual recommendations), whose every write records an audit event in
the same transaction. So the newest run and the newest audit event together version the data: a
new run or any write starts new totals, in every replica alike. Events about accounts and access
(logins, failed ones included, refusals, users and API keys) change no recommendation: they are
left out, so that anyone failing to log in cannot start new totals or change the public exports'
ETag (which is this version).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.models import AuditEvent, ImportRun

MAX_ENTRIES = 1024
# Audit actions that never change data a recommendation list, page or export shows.
ACCOUNT_EVENT_PREFIXES = ("auth.", "authz.", "user.", "api_key.")

_lock = threading.Lock()
_totals: OrderedDict[str, int] = OrderedDict()


def data_version(session: Session) -> str:
    """The newest run's and the newest data event's ids and times, in one statement of four
    primary-key walks (ids alone can be reused after rows are deleted). The walk for the newest
    data event steps over the account events after it: a handful, or a login flood's worth."""

    def newest(column: Any, id_column: Any, *where: Any) -> Any:
        return select(column).where(*where).order_by(id_column.desc()).limit(1).scalar_subquery()

    data_event = and_(*(AuditEvent.action.not_like(f"{prefix}%") for prefix in ACCOUNT_EVENT_PREFIXES))
    row = session.execute(
        select(
            newest(ImportRun.id, ImportRun.id),
            newest(ImportRun.finished_at, ImportRun.id),
            newest(AuditEvent.id, AuditEvent.id, data_event),
            newest(AuditEvent.at, AuditEvent.id, data_event),
        )
    ).one()
    return "{}@{}/{}@{}".format(*row)


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
