"""What an import run's location and message may show: never a password, and to focal points not
the server's layout either.

A feed URL can carry credentials (``https://user:password@host/...``, ``?token=...``) and a local
path tells where the server keeps its files. Managers run the imports and need to know which file
or feed a run read, so they see the location with its secrets replaced by ``***``; focal points
only need to recognise the feed, so they see its host and file name.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

MASK = "***"
# user:password@ (or a bare token@) after a scheme, wherever it appears in a text, up to the last @
# before the path: a password may hold an @ (the download reads it so).
_USERINFO = re.compile(r"(?P<scheme>\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/\s]+@")
# Query parameters whose name says they hold a secret.
_SECRET_PARAM = re.compile(
    r"(?P<name>[?&;](?:[\w.-]*(?:token|key|password|passwd|pwd|secret|signature|sig|auth|credential)"
    r"[\w.-]*)=)[^&;#\s]*",
    re.IGNORECASE,
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>()]+")
# An absolute local path (POSIX or Windows) of at least two components.
_PATH = re.compile(r"(?<![\w:/.])(?:/[^\s/'\":]+){2,}|\b[A-Za-z]:\\[^\s'\"]+")


def mask_credentials(text: str) -> str:
    """``text`` with the user information of URLs and secret query values replaced by ``***``."""
    text = _USERINFO.sub(lambda m: f"{m['scheme']}{MASK}@", text)
    return _SECRET_PARAM.sub(lambda m: f"{m['name']}{MASK}", text)


def _file_name(path: str) -> str:
    windows = "\\" in path and "/" not in path
    return (PureWindowsPath(path) if windows else PurePosixPath(path)).name


def short_location(location: str) -> str:
    """The host and file name of a URL (``https://host/.../file.json``), the file name of a path."""
    if "://" in location:
        parts = urlsplit(location)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        name = _file_name(parts.path)
        return f"{parts.scheme}://{host}/" + (f".../{name}" if name else "")
    return _file_name(location) or location


def _shorten_all(text: str) -> str:
    text = _URL.sub(lambda m: short_location(m.group(0)), text)
    return _PATH.sub(lambda m: short_location(m.group(0)), text)


def shown_location(location: str, *, full: bool) -> str:
    return mask_credentials(location) if full else short_location(location)


def shown_message(message: str | None, location: str, *, full: bool) -> str | None:
    """A run's message (which may quote the location, or a path or URL of its own) as shown."""
    if message is None:
        return None
    if full:
        return mask_credentials(message)
    return _shorten_all(message.replace(location, short_location(location)))
