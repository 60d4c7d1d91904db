"""The shipped catalogues: complete, compiled from the current sources, and used by the pages."""

from __future__ import annotations

import gettext
import tempfile
from pathlib import Path
from typing import cast

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app.web.i18n import LANGUAGES, TRANSLATIONS_DIR

SHIPPED = [lang for lang in LANGUAGES if lang != "en"]


def _catalog(path: str) -> Catalog:
    with open(TRANSLATIONS_DIR / path, "rb") as file:
        return read_po(file)


def test_french_and_spanish_are_shipped() -> None:
    assert set(SHIPPED) == {"fr", "es"}


@pytest.mark.parametrize("lang", SHIPPED)
def test_catalog_translates_every_message_of_the_template(lang: str) -> None:
    template = _catalog("messages.pot")
    catalog = _catalog(f"{lang}/LC_MESSAGES/messages.po")
    expected = {message.id for message in template if message.id}
    assert expected, "the template is empty"
    assert {message.id for message in catalog if message.id} == expected
    untranslated = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    assert untranslated == []


@pytest.mark.parametrize("lang", SHIPPED)
def test_compiled_catalog_matches_the_po_file(lang: str) -> None:
    """The .mo committed next to the .po is compiled from it (pybabel compile was run)."""
    compiled = gettext.translation("messages", localedir=TRANSLATIONS_DIR, languages=[lang])
    for message in _catalog(f"{lang}/LC_MESSAGES/messages.po"):
        if not message.id:
            continue
        context = message.context
        if isinstance(message.id, tuple):
            strings = cast(tuple[str, ...], message.string)
            if context:
                assert compiled.npgettext(context, message.id[0], message.id[1], 1) == strings[0]
            else:
                assert compiled.ngettext(message.id[0], message.id[1], 1) == strings[0]
        elif context:
            assert compiled.pgettext(context, str(message.id)) == message.string
        else:
            assert compiled.gettext(str(message.id)) == message.string


def test_template_lists_every_message_in_the_sources() -> None:
    """messages.pot is up to date: extracting again finds nothing it lacks."""
    template = {message.id for message in _catalog("messages.pot") if message.id}
    root = TRANSLATIONS_DIR.parent.parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fresh.pot"
        CommandLineInterface().run(  # type: ignore[no-untyped-call]
            [
                "pybabel",
                "-q",
                "extract",
                "-F",
                str(TRANSLATIONS_DIR / "babel.cfg"),
                "-k",
                "_",
                "-k",
                "gettext",
                "-k",
                "ngettext:1,2",
                "-o",
                str(out),
                str(root),
            ]
        )
        with out.open("rb") as file:
            fresh = {message.id for message in read_po(file) if message.id}
    assert fresh == template
