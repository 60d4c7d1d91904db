"""Per-client request limits for the public routes and pages: a token bucket per client.

Each replica counts its own clients (several replicas behind a balancer multiply the allowance
by their number, as per-instance limits in a reverse proxy do). A client is its credential when
it sends one, else its address. Over the limit: 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from app.core.errors import TooManyRequests

MAX_CLIENTS = 100_000  # buckets kept; the least recently seen are dropped first


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, client: str, cost: int = 1, now: float | None = None) -> None:
        """Take ``cost`` requests from ``client``'s allowance, or raise 429 saying when to come back.

        Heavy work (an export) costs more than one request."""
        now = time.monotonic() if now is None else now
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            self._buckets[client] = bucket
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            cost = min(float(cost), self.capacity)  # a cost above the whole budget could never pass
            if bucket.tokens >= cost:
                bucket.tokens -= cost
                return
            wait = math.ceil((cost - bucket.tokens) / self.rate)
        raise TooManyRequests(
            f"more than {int(self.capacity)} requests a minute from this client; slow down",
            retry_after=wait,
        )


def client_key(address: str | None, credential: str | None) -> str:
    """The client a request counts against: its credential (hashed) if it sent one, else its address."""
    if credential:
        return "key:" + hashlib.sha256(credential.encode()).hexdigest()[:32]
    return "ip:" + (address or "unknown")
