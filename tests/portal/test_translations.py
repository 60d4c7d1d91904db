"""The shipped catalogues: complete, compiled from the current sources, and used by the pages."""

from __future__ import annotations

import ast
import copy
import gettext
import re
import tempfile
from pathlib import Path
from typing import cast

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from app.core.catalogue import pgettext, translated
from app.web.i18n import LANGUAGES, TRANSLATIONS_DIR, translations

SHIPPED = [lang for lang in LANGUAGES if lang != "en"]


def _catalog(path: str) -> Catalog:
    with open(TRANSLATIONS_DIR / path, "rb") as file:
        return read_po(file)


def _entries(catalog: Catalog) -> set[tuple[str | None, object]]:
    """A catalogue's messages, each with its context: ``pgettext("action", "Published")`` is an entry
    of its own, which a catalogue holding "Published" alone does not translate."""
    return {(message.context, message.id) for message in catalog if message.id}


def test_french_and_spanish_are_shipped() -> None:
    assert set(SHIPPED) == {"fr", "es"}


@pytest.mark.parametrize("lang", SHIPPED)
def test_catalog_translates_every_message_of_the_template(lang: str) -> None:
    template = _catalog("messages.pot")
    catalog = _catalog(f"{lang}/LC_MESSAGES/messages.po")
    expected = _entries(template)
    assert expected, "the template is empty"
    assert _entries(catalog) == expected
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
    template = _entries(_catalog("messages.pot"))
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
            fresh = _entries(read_po(file))
    assert fresh == template


def _unmarked_reasons(path: Path) -> list[str]:
    """Refusal reasons written as bare text in ``path``: ``{"reason": "..."}``, ``reason = "..."`` and
    (in a schema) ``ValueError("...")``, a constant or an f-string rather than a marked message."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    schema = "schemas" in path.name
    found: list[str] = []
    for node in ast.walk(tree):
        texts: list[ast.expr] = []
        if isinstance(node, ast.Dict):
            texts += [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "reason"
            ]
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "reason" for t in node.targets
        ):
            texts.append(node.value)
        elif schema and isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ValueError":
            texts += node.args[:1]
        for text in texts:
            if isinstance(text, ast.JoinedStr) or (
                isinstance(text, ast.Constant) and isinstance(text.value, str)
            ):
                found.append(f"{path}:{text.lineno}")
    return found


def test_every_reason_the_services_give_is_a_catalogue_message() -> None:
    """A reason a page shows is marked (``_``, or ``Reason`` for one with values, app.core.catalogue),
    so that it is in the catalogue and reads in the page's language; the API still answers in English."""
    app_dir = TRANSLATIONS_DIR.parent.parent
    # Not shown by a page: the CLI's words, the settings' checks, the API's own rendering of pydantic,
    # the problems the body limit answers before the app runs (a page gets its own error page there).
    skipped = {
        "cli",
        "setting_checks.py",
        "problems.py",
        "request_errors.py",
        "login.py",
        "permissions.py",
        "body_limit.py",
    }
    found = [
        place
        for path in sorted(app_dir.rglob("*.py"))
        if not skipped & {*path.relative_to(app_dir).parts}
        for place in _unmarked_reasons(path)
    ]
    assert found == []


def test_spanish_says_aplicacion_for_implementation() -> None:
    """One word for a recommendation's implementation, the UN's Spanish one: "mecanismo nacional de
    aplicación, presentación de informes y seguimiento", "estado de aplicación", "planes de aplicación";
    the catalogue also said "implementación" in some messages ("Estado de implementación"), and
    "Implementada", "se implementan" where a status or a sentence spoke of implementing."""
    mixed = [
        str(message.id)
        for message in _catalog("es/LC_MESSAGES/messages.po")
        if message.id
        and "implement" in str(message.id).lower()
        and "implementa" in str(message.string).lower()
    ]
    assert mixed == []


# A value a message names: "%(name)s" (and "%(count)d"), or a bare "%s".
_PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_0-9]+\))?[sdifr]")


def _forms(text: object) -> tuple[str, ...]:
    """A message's id or string: its forms, one unless it is a plural."""
    return tuple(str(form) for form in text) if isinstance(text, tuple | list) else (str(text or ""),)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_translation_keeps_the_values_of_its_message(lang: str) -> None:
    """A translation names exactly the values its English message names: one lost prints nothing where
    the page needed a number or a name, one misspelled ("%(nom)s") breaks the page with a KeyError."""
    wrong = []
    for message in _catalog(f"{lang}/LC_MESSAGES/messages.po"):
        if not message.id:
            continue
        ids, strings = _forms(message.id), _forms(message.string)
        # A plural's forms may leave the number out ("un fichier"), never name another value.
        expected = [sorted(_PLACEHOLDER.findall(text)) for text in ids]
        for string in strings:
            found = sorted(_PLACEHOLDER.findall(string))
            if found not in expected and not (len(ids) > 1 and set(found) <= set(expected[-1])):
                wrong.append((ids[0], string))
    assert wrong == []


def test_french_writes_the_typographic_apostrophe() -> None:
    """One apostrophe in French, the typographic one (U+2019), and « » around a quoted value: the
    catalogue mixed the straight and the typographic apostrophe on one page ("l'action", "de l\u2019EPU")."""
    straight = [
        string
        for message in _catalog("fr/LC_MESSAGES/messages.po")
        if message.id
        for string in _forms(message.string)
        if "'" in string
    ]
    assert straight == []


def test_french_says_associer_for_linking() -> None:
    """One verb for linking records, recommendations, clusters and actions, the one its opposite
    (« Dissocier ») names: the catalogue also said « Lier », « Groupes liés », « liez »."""
    mixed = [
        string
        for message in _catalog("fr/LC_MESSAGES/messages.po")
        if re.search(r"\blink(s|ed)?\b", _forms(message.id)[0], re.IGNORECASE)
        for string in _forms(message.string)
        if re.search(r"\bli(e|er|ez|é|ée|és|ées)\b", string, re.IGNORECASE)
    ]
    assert mixed == []


def test_spanish_says_registro_for_a_record() -> None:
    """A record is a "registro" in Spanish, as on every other page; two messages said "ficha"."""
    mixed = [
        string
        for message in _catalog("es/LC_MESSAGES/messages.po")
        if message.id
        for string in _forms(message.string)
        if re.search(r"\bfichas?\b", string, re.IGNORECASE)
    ]
    assert mixed == []


def test_a_label_marked_in_its_context_in_python_reads_in_that_context() -> None:
    """A label marked in Python (``pgettext`` of app.core.catalogue) reaches a page through its
    ``gettext`` (``_(label)`` in a template, ``page.gettext``, the ``reason`` filter), which translates
    it in its context; English reads the message itself."""
    marked_ = pgettext("date", "Published")
    assert (marked_, copy.copy(marked_).context) == ("Published", "date")
    assert translations("fr").gettext(marked_) == "Publiée le"
    assert translations("es").gettext(marked_) == "Publicada el"
    assert translations("fr").gettext("Published") != "Publiée le"
    assert translated(marked_, translations("fr").gettext) == "Publiée le"
    assert translations("en").gettext(marked_) == "Published"


# Short English words that French or Spanish write in agreement with the noun they qualify: each use
# is its own entry, in the context of that noun (the templates' ``pgettext``, app/staff/labels.py).
AGREEING = {
    ("action", "Published"): ("Publiée", "Publicada"),
    ("action", "Not published"): ("Non publiée", "No publicada"),
    ("recommendation", "Published"): ("Publiée", "Publicada"),
    ("cluster", "Published"): ("Publié", "Publicado"),
    ("cluster", "Not published"): ("Non publié", "No publicado"),
    ("progress update", "Published"): ("Publié", "Publicado"),
    ("progress update", "Not published"): ("Non publié", "No publicado"),
    ("deadline", "Published"): ("Publiée", "Publicado"),
    ("progress update", "Returned"): ("Renvoyé", "Devuelto"),
    ("progress update", "Approved"): ("Approuvé", "Aprobado"),
    ("indicator value", "Returned"): ("Renvoyée", "Devuelto"),
    ("indicator value", "Approved"): ("Approuvée", "Aprobado"),
    ("records", "Withdrawn"): ("Retirés", "Retirados"),
    ("action", "Any"): ("Toutes", "Cualquiera"),
    ("action status", "Any"): ("Tous", "Cualquiera"),
    ("entity", "Any"): ("Toutes", "Cualquiera"),
    ("cluster", "Any"): ("Tous", "Cualquiera"),
    ("mechanism family", "Any"): ("Toutes", "Cualquiera"),
    ("recommendation type", "Any"): ("Tous", "Cualquiera"),
    ("position", "Any"): ("Toutes", "Cualquiera"),
    ("source", "Any"): ("Toutes", "Cualquiera"),
}


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_word_agrees_with_the_noun_of_its_context(lang: str) -> None:
    """A published action is « Publiée », a published cluster « Publié »; a returned progress update
    « Renvoyé », a returned indicator value « Renvoyée »: one entry "Published" could not say both."""
    template = _entries(_catalog("messages.pot"))
    assert set(AGREEING) <= template
    catalogue = translations(lang)
    found = {entry: catalogue.pgettext(*entry) for entry in AGREEING}
    assert found == {entry: words[SHIPPED.index(lang)] for entry, words in AGREEING.items()}


@pytest.mark.parametrize("lang", SHIPPED)
def test_a_lead_entity_is_not_written_as_a_responsible_entity(lang: str) -> None:
    """The statistics count recommendations by lead entity; a report grouped by entity counts them under
    each responsible entity, lead or supporting. French and Spanish wrote both "No lead entity" and
    "No responsible entity" « Sans entité responsable » (« Sin entidad responsable »), so /stats said
    « Sans entité responsable : 48 » beside the report's « Sans entité responsable (47) », one
    recommendation having only a supporting entity. A lead entity reads as its own label says
    (« Entité chef de file », « Entidad principal ») in every message about it."""
    lead = translations(lang).gettext("Lead entity").lower()
    responsible = translations(lang).gettext("Responsible entity").lower()
    mixed = [
        string
        for message in _catalog(f"{lang}/LC_MESSAGES/messages.po")
        if re.search(r"\blead entit", _forms(message.id)[0], re.IGNORECASE)
        for string in _forms(message.string)
        if responsible.split()[-1] in string.lower() and lead.split()[-1] not in string.lower()
    ]
    assert mixed == []
