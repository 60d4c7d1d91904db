"""Whether ``nrtd serve`` can listen where it is told, asked before the application loads."""

from __future__ import annotations

import errno
import socket
from typing import TypedDict


def listen_problem(host: str, port: int) -> str | None:
    """What stops a server listening on ``host``:``port``, as one line naming the option, or None.

    Bound as uvicorn binds (the family from the host's form, ``SO_REUSEADDR``), then released: left
    to uvicorn, the application loaded and started up first, and the refusal came as a log line
    between its startup and shutdown, an unknown host without its name, exit 3."""
    if not host.strip():  # bound as given, "" is every interface: the service open to the network
        return f"--host: empty: {_HOSTS} (is a shell variable unset?)"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror as exc:
            return f"--host {host}: not a name or address of this machine ({exc.strerror}): {_HOSTS}"
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                busy = f"another program already listens on {host}:{port}"
                return f"--port {port}: {busy}: stop it or give another --port"
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"--host {host}: not a name or address of this machine ({exc.strerror}): {_HOSTS}"
            if exc.errno == errno.EACCES:
                return f"--port {port}: this user may not listen on ports below 1024: give a higher --port"
            return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


_HOSTS = "give one of its interfaces' addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (all)"


class ProtocolOptions(TypedDict):
    h11_max_incomplete_event_size: int


def protocol_options(max_request_bytes: int) -> ProtocolOptions:
    """What ``nrtd serve`` (and the tests' servers) give uvicorn besides the address.

    uvicorn's HTTP parser (h11) keeps at most 16 KB of a request's line and headers while it waits for
    the rest, and refuses more with a plain-text 400: a long address (a query of many filter values)
    was answered by the API when it reached the server in one read, and refused when the network cut
    it in pieces. A request's head may be as large as its body (``NRTD_MAX_REQUEST_BYTES``), however
    it arrives."""
    return {"h11_max_incomplete_event_size": max_request_bytes}
