"""The SMTP connection the outbox is handed over (``app.notify.sender``): TLS from the start on port
465, else STARTTLS unless NRTD_SMTP_STARTTLS=false, the login, and the From address checked. A server
that cannot be reached, or refuses the session for a reason of the settings, raises
``SmtpUnavailable`` naming the setting to change.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.utils import parseaddr

from app.core.config import Settings


class SmtpUnavailable(Exception):
    """The server cannot be reached or refused the session: no digest can go now."""


# The port of SMTP over TLS from the start (RFC 8314's submissions); every other one starts in plain
# text, upgraded with STARTTLS unless NRTD_SMTP_STARTTLS=false.
IMPLICIT_TLS_PORT = 465


def connect(settings: Settings) -> smtplib.SMTP:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        if settings.smtp_port == IMPLICIT_TLS_PORT:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=settings.smtp_timeout,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
            if settings.smtp_starttls:
                client.ehlo()
                if not client.has_extn("starttls"):
                    client.close()
                    raise SmtpUnavailable(f"{where}: {_NO_STARTTLS}")
                client.starttls(context=ssl.create_default_context())
        if settings.smtp_username:
            _login(client, settings, where)
        _from_taken(client, settings, where)
    except socket.gaierror as exc:
        raise SmtpUnavailable(
            f"{where}: NRTD_SMTP_HOST={settings.smtp_host} names no host this machine can find "
            f"({exc.strerror}): check its spelling, and that this machine's DNS knows it"
        ) from exc
    except ConnectionRefusedError as exc:
        raise SmtpUnavailable(
            f"{where}: nothing answers on port {settings.smtp_port} of {settings.smtp_host} (connection "
            "refused): the server is down, or NRTD_SMTP_PORT is not its port (587 for submission with "
            "STARTTLS, 465 for TLS from the start, 25)"
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        raise SmtpUnavailable(
            f"{where}: the server's certificate does not verify (certificate verify failed: "
            f"{exc.verify_message}): {_UNTRUSTED}"
        ) from exc
    except ssl.SSLError as exc:
        if settings.smtp_port != IMPLICIT_TLS_PORT:
            raise SmtpUnavailable(f"{where}: {exc}") from exc
        raise SmtpUnavailable(
            f"{where}: the server did not answer in TLS, which NRTD_SMTP_PORT={settings.smtp_port} starts at "
            f"once ({exc.reason or exc}): give the port where it does, or its submission port (587, with "
            "NRTD_SMTP_STARTTLS=true)"
        ) from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise SmtpUnavailable(f"{where}: {exc}") from exc
    return client


# Refusals that are the settings' (the server works, but not as they say): the setting to change.
_NO_STARTTLS = (
    "the server does not offer STARTTLS, which NRTD_SMTP_STARTTLS=true asks for: use the port where it "
    "does (587, or 465 for TLS from the start), or set NRTD_SMTP_STARTTLS=false if the mail may travel "
    "unencrypted to it"
)
_UNTRUSTED = (
    "if it is signed by an authority of your own, add that authority's certificate to the system's "
    "trusted ones (update-ca-certificates), or name a file holding it in the SSL_CERT_FILE variable of "
    "the process sending the digests; if it is for another name, set NRTD_SMTP_HOST to that name"
)
_NO_LOGIN = (
    "the server offers no login (AUTH) on this connection, while NRTD_SMTP_USERNAME is set: leave "
    "NRTD_SMTP_USERNAME and NRTD_SMTP_PASSWORD empty for a server that needs none, or use STARTTLS "
    "(NRTD_SMTP_STARTTLS=true) or port 465 if it offers a login over TLS only"
)


def _from_taken(client: smtplib.SMTP, settings: Settings, where: str) -> None:
    """An address written with other than ASCII needs SMTPUTF8: without it every digest failed for good,
    each blaming its recipient, where the From address is the settings' fault (retried once mended)."""
    if parseaddr(settings.smtp_from)[1].isascii():
        return
    client.ehlo_or_helo_if_needed()
    if not client.has_extn("smtputf8"):
        client.close()
        raise SmtpUnavailable(
            f"{where}: NRTD_SMTP_FROM={settings.smtp_from} is written with letters other than ASCII, which "
            "this server does not take (it does not offer SMTPUTF8): give the address in ASCII (a domain "
            "in its xn-- form)"
        )


def _login(client: smtplib.SMTP, settings: Settings, where: str) -> None:
    client.ehlo_or_helo_if_needed()
    refused: str | None = None
    if not client.has_extn("auth"):
        refused = _NO_LOGIN
    else:
        try:
            client.login(settings.smtp_username, settings.smtp_password.get_secret_value())
        except smtplib.SMTPAuthenticationError as exc:
            refused = (
                f"the server refused the login of NRTD_SMTP_USERNAME={settings.smtp_username} "
                f"({reply(exc.smtp_code, exc.smtp_error)}): check NRTD_SMTP_USERNAME and NRTD_SMTP_PASSWORD"
            )
    if refused is not None:
        client.close()
        raise SmtpUnavailable(f"{where}: {refused}")


def reply(code: int, text: bytes | str) -> str:
    """A server's answer as it wrote it (``535 5.7.8 ...``), not as Python shows bytes."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"
