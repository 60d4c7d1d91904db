"""The one rule for a language a reader asks for: a regional or script variant is its base language
when we have that (app.core.languages)."""

from __future__ import annotations

import pytest

from app.core.languages import known_language

OURS = ("en", "fr", "es", "ar", "ru", "zh")


@pytest.mark.parametrize(
    ("tag", "known"),
    [
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr-CA", "fr"),
        ("fr_CA", "fr"),
        ("es-419", "es"),
        ("zh-Hans", "zh"),
        ("zh-Hant-TW", "zh"),
        ("ar-EG", "ar"),
        ("ru-RU", "ru"),
        ("en-GB", "en"),
        (" en-us ", "en"),
        # Not a language we have, or not a language tag at all: still not ours.
        ("de", None),
        ("de-DE", None),
        ("pt-BR", None),
        ("xx", None),
        ("", None),
        ("fr-", None),
        ("fr-CA!", None),
        ("fr-0", None),
        ("*", None),
    ],
)
def test_a_variant_is_its_base_language(tag: str, known: str | None) -> None:
    assert known_language(tag, OURS) == known


def test_only_the_languages_given() -> None:
    assert known_language("zh-Hans", ("en", "fr", "es")) is None
    assert known_language("es-419", ("en", "fr", "es")) == "es"
