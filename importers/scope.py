"""Which State an import run concerns, and the one rule for which records it keeps; which
languages a UHRI import can read from its source.

``scope_country`` checks the command line's or the settings' country; ``in_scope`` keeps the
records that name it. The rule runs wherever records are read: in a reader process for a large
UHRI export (which also passes records over before mapping them, see ``read_uhri_json``), else in
the importing process, as the pipeline consumes the reader's items.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from app.core.catalogue import marked as _
from app.core.errors import ImportFailed
from app.feed.countries import CountryMatcher, UnknownCountry, resolve_known_country
from app.feed.records import CountryFilter, Skipped, SourceRecord

if TYPE_CHECKING:  # a reader process imports this module; the settings stay out of it
    from app.core.config import Settings

_Item = TypeVar("_Item")


class ImportUsageError(ImportFailed):
    """The command line or the settings ask for something impossible (an unknown country, two
    exclusive options): nothing was started; the command exits 2."""


def scope_country(settings: Settings, country: str | None, all_countries: bool) -> str | None:
    if all_countries and country:
        raise ImportUsageError("--country and --all-countries exclude each other: give one of them")
    if all_countries:
        return None
    chosen, origin = (country, "--country") if country else (settings.country, "NRTD_COUNTRY")
    if not chosen.strip():
        raise ImportUsageError(
            _(
                "no country to import: set NRTD_COUNTRY or pass --country "
                "(or --all-countries to import every State)"
            )
        )
    return known_country(chosen, origin)


def known_country(label: str, origin: str) -> str:
    try:
        return resolve_known_country(label)
    except UnknownCountry as exc:
        raise ImportUsageError(f"{origin}: {exc}") from None


def country_filter(country: str | None) -> CountryMatcher | None:
    """Whether a record's Countries (labels as the source has them) name the run's State; None
    for a run of every State. A plain object, so a reader process gets it pickled."""
    return CountryMatcher(country) if country else None


def in_scope(items: Iterable[_Item], keep: CountryFilter | None) -> Iterable[_Item | Skipped]:
    """``items`` with every record that concerns another State counted as skipped."""
    if keep is None:
        return items
    return _kept(items, keep)


def _kept(items: Iterable[_Item], keep: CountryFilter) -> Iterator[_Item | Skipped]:
    for item in items:
        if isinstance(item, SourceRecord) and not keep(item.countries):
            yield Skipped()
        else:
            yield item


def export_format(location: str) -> str:
    """A UHRI export's format, by its name: the XLSX of the search page, else the JSON full export. A
    local file named otherwise (a browser may save a download without its suffix) is an XLSX when its
    bytes are a ZIP archive's, as an XLSX file's are: a JSON export starts with "[" (the JSON reader
    names any other file for what it is)."""
    name = location.split("?")[0]
    if name.lower().endswith(".xlsx"):
        return "xlsx"
    local = "{lang}" not in location and not name.lower().startswith(("http://", "https://"))
    return "xlsx" if local and holds_a_workbook(Path(location)) else "json"


def holds_a_workbook(path: Path) -> bool:
    """Whether the file's bytes are a ZIP archive's, as an XLSX workbook's are (a JSON export starts
    with "["): a local file or a download, whatever its name. False for a file that cannot be read
    (missing, a directory ...: the import says so)."""
    try:
        with path.open("rb") as file:
            return file.read(4) == b"PK\x03\x04"
    except OSError:
        return False


# The first part of a path that is more likely a host than a folder: a dotted name or an address,
# with or without a port (dataex.ohchr.org/..., 127.0.0.1:8000/...).
_HOST_LIKE = re.compile(r"[\w-]+(\.[\w-]+)+(:\d+)?|[\w.-]+:\d+")


def missing_source(location: str) -> str:
    """Why no file is at ``location``; a URL of another scheme, or one typed without its scheme, is
    named as such (only http(s) is downloaded): "no such file" alone sent the operator to the disk."""
    reason = f"no such file: {location}"
    scheme, separator, _rest = location.partition("://")
    if separator and scheme.isalnum():
        return f"{reason}; {scheme}:// is not downloaded: a URL starts with http:// or https://"
    first = location.split("/", 1)[0]
    if "/" in location and _HOST_LIKE.fullmatch(first) and not Path(first).exists():
        return f"{reason}; a URL starts with http:// or https://"
    return reason


def check_languages(
    settings: Settings, location: str | None = None, languages: list[str] | None = None
) -> None:
    """Several languages asked for, but one file to read them from: refused (ImportUsageError) rather
    than importing the first language alone, silently. ``location`` and ``languages`` as given to
    ``import_uhri`` (None: the settings')."""
    source = location or settings.uhri_url
    _check_named_language(source, (languages or settings.languages)[0], location is None)
    if export_format(source) == "xlsx":
        if languages and languages != ["en"]:
            raise ImportUsageError(
                f"--languages {','.join(languages)}: an XLSX export of the UHRI search page is read as "
                "English; leave --languages out (or import the JSON full export, one file per language)"
            )
        return
    langs = languages or settings.languages
    if len(langs) < 2 or "{lang}" in source:
        return
    if languages:
        raise ImportUsageError(
            f"--languages {','.join(languages)}: the source names one file, so only "
            f"{languages[0]!r} would be read; write {{lang}} in it where the language goes "
            "(export-full-{lang}.json), or give one language"
        )
    if location is None:
        raise ImportUsageError(
            f"NRTD_UHRI_LANGUAGES names {','.join(langs)} but NRTD_UHRI_URL holds no {{lang}}, so only "
            f"{langs[0]!r} would be read; write {{lang}} in NRTD_UHRI_URL where the language goes"
        )


# UHRI names each language's export after it (export-full-fr.json): one read as another language would
# store its texts as that language's, shown and searched so.
_UHRI_EXPORT_NAME = re.compile(r"export-full-(en|fr|es|ar|ru|zh)\.json", re.IGNORECASE)
_LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "es": "Spanish", "ar": "Arabic", "ru": "Russian", "zh": "Chinese"
}  # fmt: skip


def _check_named_language(source: str, primary: str, from_settings: bool) -> None:
    name = source.split("?")[0].replace("\\", "/").rsplit("/", 1)[-1]
    named = _UHRI_EXPORT_NAME.fullmatch(name)
    if "{lang}" in source or named is None or named.group(1).lower() == primary:
        return
    lang = named.group(1).lower()
    said = f"{name} is UHRI's {_LANGUAGE_NAMES[lang]} export (its name says so), but it would be imported as "
    if from_settings:
        raise ImportUsageError(
            f"NRTD_UHRI_URL: {said}{primary!r} (the first of NRTD_UHRI_LANGUAGES): set "
            f"NRTD_UHRI_LANGUAGES={lang} (or write {{lang}} in NRTD_UHRI_URL for several languages)"
        )
    raise ImportUsageError(
        f"{said}{primary!r}: give --languages {lang} (or write {{lang}} in the source for several "
        "languages: export-full-{lang}.json)"
    )
