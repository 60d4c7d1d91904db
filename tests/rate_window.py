"""The public rate limit counts in windows of one clock minute: a test that counts a budget through a
real app starts early enough in the minute that its requests do not straddle two windows (on a busy
machine, a few requests can take seconds)."""

from __future__ import annotations

import time


def same_minute(margin: float = 8.0) -> None:
    """Wait for the next minute when fewer than ``margin`` seconds are left of this one."""
    left = 60 - time.time() % 60
    if left < margin:
        time.sleep(left + 0.05)
