"""Value helpers: revision diffs, SQLite value conversion, visible text, chunks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from app.feed.fields import readable_text


def _diff(old: dict[str, Any], new: dict[str, Any], source: str) -> dict[str, Any]:
    """The changes from ``old`` to ``new`` (canonical values of a record of ``source``); a text counts
    as changed when what a reader sees of it changes."""
    changes: dict[str, Any] = {}
    for name in sorted(set(old) | set(new)):
        if name == "withdrawn":
            continue
        before, after = old.get(name), new.get(name)
        if name == "texts":
            for lang in sorted(set(before or {}) | set(after or {})):
                old_text, new_text = (before or {}).get(lang), (after or {}).get(lang)
                if old_text is None or new_text is None:
                    changed = True
                else:
                    changed = _visible(old_text, source) != _visible(new_text, source)
                if changed:
                    changes[f"texts.{lang}"] = {
                        "old": (before or {}).get(lang),
                        "new": (after or {}).get(lang),
                    }
        elif before != after:
            changes[name] = {"old": _jsonable(before), "new": _jsonable(after)}
    return changes


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it in SQLite (dates as ISO text, UTC times without offset)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _visible(original: str, source: str) -> str:
    """What a reader sees of a text of ``source``: white space (and UHRI's markup) make no change; a
    "<law>" in a plain text (UPR Info, the template) is words that do."""
    return "".join(readable_text(original, source).split())


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
