"""The one rule for the letter case of an enumerated query value (a filter's ``position``, ``status``,
``family``, a list's ``sort``...): its documented values are read in any case, surrounding spaces
aside (``SUPPORTED`` and `` Supported`` are ``supported``), as a mechanism code (``crc``) and a
language (``FR``) always were; a value that is none of them goes on unchanged to the field's own check
and its 422, which names the values it takes.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic import BeforeValidator


def any_case(choices: Any) -> BeforeValidator:
    """A pydantic ``BeforeValidator`` for a field of the ``Literal`` ``choices``: a value that is one of
    them in another case becomes it."""
    known = {str(choice).casefold(): choice for choice in get_args(choices)}

    def read(value: object) -> object:
        if isinstance(value, str):
            return known.get(value.strip().casefold(), value)
        return value

    return BeforeValidator(read)
