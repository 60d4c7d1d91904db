"""The message catalogue's marker, for every layer: services, schemas and pages mark the fixed texts a
person may read (a refusal's reason above all) with ``_``, which pybabel extracts (see
app/web/translations/babel.cfg). The marker changes nothing: the API answers in English, and a page
translates the text where it is shown, in the reader's language (app/web/i18n.py, the ``reason`` filter).

A reason that carries a value (an id, a file name, a limit) is a ``Reason``: it reads as the English
sentence, values filled in, wherever a string goes (the API's errors, an audit event), and keeps its
message apart from its values, so that a page translates the message first and then fills them in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def marked(message: str) -> str:
    """Marks a message for the catalogue (imported as ``_``, which pybabel extracts); it is translated
    where it is shown, in the reader's language."""
    return message


class InContext(str):
    """A catalogue message with its context, reading as the English message: a word French or Spanish
    write in agreement with the noun it qualifies ("Published": an action « Publiée », a cluster
    « Publié »), so that each use is its own catalogue entry. A page's ``gettext`` translates it in
    its context (app/web/i18n.py)."""

    context: str

    def __new__(cls, context: str, message: str) -> InContext:
        marked_ = super().__new__(cls, message)
        marked_.context = context
        return marked_

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the context
        return (InContext, (self.context, str(self)))


def pgettext(context: str, message: str) -> InContext:
    """Marks a message in its context for the catalogue (pybabel extracts ``pgettext`` as a template
    does); it is translated where it is shown, in that context."""
    return InContext(context, message)


class Reason(str):
    """A catalogue message with named values (``%(name)s``), reading as the English text filled in.

    A value that is itself a ``Reason`` is translated too (``Reason(message)`` alone: a fixed text
    chosen at run time, such as a password estimator's warning)."""

    message: str
    values: dict[str, Any]

    def __new__(cls, message: str, **values: Any) -> Reason:
        reason = super().__new__(cls, message % values if values else message)
        reason.message, reason.values = message, values
        return reason

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep message and values
        return (_rebuild, (self.message, self.values))


def _rebuild(message: str, values: dict[str, Any]) -> Reason:
    return Reason(message, **values)


class Quantity(int):
    """A number a reason states (a limit: "at most 10000 characters"), written the reader's way where
    it is shown ("10 000" in French); an id in a reason stays as it is."""


def translated(
    text: object, gettext: Callable[[str], str], number: Callable[[int], str] | None = None
) -> str:
    """``text`` in the language of ``gettext``: a ``Reason``'s message translated, then its values
    filled in (a ``Quantity`` written by ``number``); any other text translated as a whole where the
    catalogue has it."""
    if not isinstance(text, Reason):
        return gettext(text if isinstance(text, InContext) else str(text))
    if not text.values:
        return gettext(text.message)
    values = {
        name: translated(value, gettext, number)
        if isinstance(value, Reason)
        else number(value)
        if number is not None and isinstance(value, Quantity)
        else value
        for name, value in text.values.items()
    }
    return gettext(text.message) % values
