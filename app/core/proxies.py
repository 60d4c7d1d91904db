"""The client's address behind reverse proxies, believed only from the proxies the operator names.

``NRTD_TRUSTED_PROXIES`` lists addresses or CIDRs. A request from one of them has its
``X-Forwarded-For`` read from the right: each trusted hop is skipped and the first untrusted one is the
client (anything to its left was written by the client and proves nothing). Without the setting the
header is ignored, loopback included: a local process could otherwise pose as any address and take
another client's rate limit or login throttle. ``nrtd serve`` turns uvicorn's own handling of the
header off so that this is the only place that reads it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_ADDRESS = 64  # the audit log's column; a longer "address" is garbage anyway


def _is_trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: str, networks: Sequence[Network]) -> str:
    """The right-most address in ``forwarded_for`` + ``peer`` that is not a trusted proxy."""
    if not _is_trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop[:MAX_ADDRESS]
    return hops[0][:MAX_ADDRESS] if hops else peer  # a chain of proxies only: the farthest one


class TrustedProxyMiddleware:
    def __init__(self, app: ASGIApp, networks: Sequence[Network]) -> None:
        self.app = app
        self.networks = list(networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and _is_trusted(client[0], self.networks):
            headers = scope["headers"]
            forwarded = b",".join(value for name, value in headers if name == b"x-forwarded-for")
            if forwarded:
                address = forwarded_client(client[0], forwarded.decode("latin-1"), self.networks)
                scope = {**scope, "client": (address, 0)}
            proto = [value for name, value in headers if name == b"x-forwarded-proto"]
            if proto:
                scheme = proto[-1].decode("latin-1").split(",")[-1].strip().lower()
                if scheme in ("http", "https"):
                    ws = scope["type"] == "websocket"
                    scope = {**scope, "scheme": {"http": "ws", "https": "wss"}[scheme] if ws else scheme}
        await self.app(scope, receive, send)
