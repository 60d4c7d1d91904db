"""The server process's garbage collector, settled once the application is built.

A list page allocates thousands of objects. With CPython's default thresholds the collector ran
several times a request, and every few dozen requests a full collection walked the whole heap (the
routes, the models, the SQLAlchemy mappings: about 250,000 objects) for 90-120 ms, a pause that
lands on whichever request triggered it. Freezing what exists once the app is built moves it out
of the collector's sight for good (it lives as long as the process); the higher first threshold
lets a request's own short-lived objects die by reference counting before any collection looks at
them. Reference cycles are still collected, just less often.
"""

from __future__ import annotations

import gc

# Allocations (net of deallocations) before a young-generation collection; CPython's default is 700.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
