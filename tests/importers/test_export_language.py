"""A UHRI export in one language, named so (export-full-fr.json), imported as another: its texts were
stored as English ones (shown and searched as English, then "updated" by the English export)."""

from __future__ import annotations

import pytest

from app.core.config import Settings
from importers.scope import ImportUsageError, check_languages


@pytest.mark.parametrize(
    "location",
    [
        "/data/export-full-fr.json",
        "https://dataex.ohchr.org/uhri/export-results/export-full-fr.json",
        "https://dataex.ohchr.org/uhri/export-results/EXPORT-FULL-FR.JSON?x=1",
    ],
)
def test_a_french_export_is_not_imported_as_english(settings: Settings, location: str) -> None:
    with pytest.raises(ImportUsageError) as refused:
        check_languages(settings, location)
    name = location.rsplit("/", 1)[-1].split("?")[0]
    assert str(refused.value) == (
        f"{name} is UHRI's French export (its name says so), but it would be imported as 'en': "
        "give --languages fr (or write {lang} in the source for several languages: export-full-{lang}.json)"
    )


def test_the_settings_naming_a_french_export_read_as_english_are_refused(settings: Settings) -> None:
    french = settings.model_copy(update={"uhri_url": "https://uhri.example.org/export-full-fr.json"})
    with pytest.raises(ImportUsageError, match=r"set NRTD_UHRI_LANGUAGES=fr"):
        check_languages(french)


@pytest.mark.parametrize(
    ("location", "languages"),
    [
        ("/data/export-full-fr.json", ["fr"]),
        ("/data/export-full-{lang}.json", ["en", "fr"]),
        ("/data/export-full-en.json", None),
        ("/data/peru-fr.json", None),  # no name of UHRI's: nothing to go by
    ],
)
def test_an_export_read_in_its_own_language_is_fine(
    settings: Settings, location: str, languages: list[str] | None
) -> None:
    check_languages(settings, location, languages)
