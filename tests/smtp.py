"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd): it keeps every message it accepted."""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Mailbox:
    """The handler: accepts every message, keeps it parsed. ``slow_mail`` makes the n-th MAIL FROM wait."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.mail_commands = 0
        self.slow_mail: tuple[int, float] | None = None  # (which MAIL FROM, 1-based; seconds)
        # Set, that MAIL FROM waits for ``release`` instead (at most its seconds): a wait as long as the
        # test needs it, however slowly a loaded machine starts the other processes.
        self.release: threading.Event | None = None
        self.lock = threading.Lock()

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        with self.lock:
            self.mail_commands += 1
            count = self.mail_commands
        if self.slow_mail and self.slow_mail[0] == count:
            import asyncio

            deadline = time.monotonic() + self.slow_mail[1]
            while time.monotonic() < deadline and not (self.release and self.release.is_set()):
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages arrived"
            time.sleep(0.02)


@contextmanager
def smtp_server(
    port: int = 0,
    handler: Mailbox | None = None,
    smtputf8: bool = True,
    login: tuple[str, str] | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> Iterator[tuple[Mailbox, int]]:
    """A server on 127.0.0.1 (``port`` 0: a free one); yields its mailbox (``handler``, or a new
    one) and port. ``smtputf8`` False: it takes no address written with other than ASCII. ``login``:
    the user name and password it requires (over plain SMTP). ``tls_context``: it offers STARTTLS with
    that context's certificate."""
    mailbox = handler or Mailbox()
    auth: dict[str, Any] = {}
    if login is not None:

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            given = (getattr(data, "login", b""), getattr(data, "password", b""))
            return AuthResult(success=given == (login[0].encode(), login[1].encode()), handled=False)

        auth = {"auth_required": True, "auth_require_tls": False, "authenticator": authenticator}
    # aiosmtpd warns at each session that requiring AUTH without TLS is unsafe: on purpose here, the
    # tests have no certificate (the tests asking for a login ignore that warning).
    if tls_context is not None:
        auth["tls_context"] = tls_context
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port or _free_port(), enable_SMTPUTF8=smtputf8, **auth
    )
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
