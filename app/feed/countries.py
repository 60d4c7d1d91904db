"""State names as the UN (and so UHRI) spells them, and the other spellings people write.

UHRI uses the UN's official short names ("Bolivia (Plurinational State of)", "Türkiye", "Viet Nam"),
but people (and the UPR Info database) write the everyday or former names ("Bolivia", "Turkey",
"Vietnam") or an ISO 3166-1 alpha-2 code ("GB"). ``resolve_country_alias`` folds those onto the UN
spelling, so that one State is one term whether an import or the API (a manual recommendation)
names it. The table (names, ISO codes, aliases) is data: app/feed/data/countries.csv, one State
or territory a row, its other spellings in ``aliases`` separated by ";". Former names matter there:
UPR Info files and older documents say "Swaziland", "Czech Republic", "Turkey".

Some UHRI records also carry a 2-letter stub ("PK") instead of the State's name: ``resolve_country``
and ``country_key`` read those, and ``CountryMatcher`` filters records by their States.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from app.feed import refusals
from app.feed.data_files import DATA_DIR, DataFileError, list_cell, read_csv_table
from app.feed.keys import label_key
from app.feed.values import clean_label

COUNTRIES_FILE = DATA_DIR / "countries.csv"
_COLUMNS = ("code", "name", "status", "aliases")
# member: the 193 UN member States; observer: the non-member observer States (UHRI indexes
# recommendations to both); territory: those treaty bodies review through their administering State,
# under their UN M49 names.
STATUSES = ("member", "observer", "territory")
# An ISO 3166-1 alpha-2 code, as the table keys States and some UHRI records name them.
_STUB = re.compile(r"^[A-Z]{2}$")


def _fold(label: str) -> str:
    """``label_key`` without accents: people type "Turkiye" and "Cote d'Ivoire" for the UHRI names."""
    decomposed = unicodedata.normalize("NFKD", label)
    return label_key("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


class CountryTable:
    """The States and territories UHRI indexes, by ISO 3166-1 alpha-2 code, as one data file holds them."""

    def __init__(self, path: Path) -> None:
        self.names_by_status: dict[str, dict[str, str]] = {status: {} for status in STATUSES}
        self.aliases: dict[str, tuple[str, ...]] = {}
        lines: dict[str, int] = {}
        for line, row in read_csv_table(path, _COLUMNS):
            code, name, status = row["code"], row["name"], row["status"]
            if not _STUB.match(code):
                raise DataFileError(path, line, f"code {code!r} is not an ISO 3166-1 alpha-2 code")
            if not name:
                raise DataFileError(path, line, f"{code}: no name")
            if status not in self.names_by_status:
                raise DataFileError(path, line, f"{code}: status {status!r} is none of {', '.join(STATUSES)}")
            if code in self.aliases:
                raise DataFileError(path, line, f"{code} listed twice")
            self.names_by_status[status][code] = name
            lines[code] = line
            self.aliases[code] = list_cell(row["aliases"])
        self.names: dict[str, str] = {
            code: name for names in self.names_by_status.values() for code, name in names.items()
        }
        self.code_by_spelling = self._spellings(path, lines)

    def _spellings(self, path: Path, lines: dict[str, int]) -> dict[str, str]:
        lookup: dict[str, str] = {}
        spellings = list(self.names.items())
        spellings += [(code, alias) for code, aliases in self.aliases.items() for alias in aliases]
        for code, spelling in spellings:
            other = lookup.setdefault(_fold(spelling), code)
            # Two States behind one spelling would merge their recommendations: refuse to load.
            if other != code:
                problem = f"country spelling {spelling!r} claimed by {other} and {code}"
                raise DataFileError(path, lines[code], problem)
        return lookup


_TABLE = CountryTable(COUNTRIES_FILE)
UN_MEMBER_NAMES: dict[str, str] = _TABLE.names_by_status["member"]
OBSERVER_NAMES: dict[str, str] = _TABLE.names_by_status["observer"]
ISO2_NAMES: dict[str, str] = _TABLE.names
_CODE_BY_SPELLING: dict[str, str] = _TABLE.code_by_spelling


# The languages whose names of the States (CLDR's, from Babel) are read too: the UN's six, those UHRI
# publishes in, so that a setting or a file may name the State the way its own people write it
# ("Perú", "Pérou", "Estados Unidos", "Brasil").
LOCAL_NAME_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")


@lru_cache(maxsize=1)
def _iso_spellings() -> dict[str, str]:
    """ISO 3166-1 alpha-3 codes and ISO's English names (from pycountry) of the States in the table, and
    their names in the UN languages (``LOCAL_NAME_LANGUAGES``, from Babel), folded.

    Loaded on first use (pycountry and Babel read their tables then); the UN spellings and aliases win
    over ISO's, and ISO's over the languages' names.
    """
    import pycountry

    lookup: dict[str, str] = {}

    def add(spelling: str, code: str) -> None:
        key = _fold(spelling)
        if _CODE_BY_SPELLING.get(key, code) == code:
            lookup.setdefault(key, code)

    for country in pycountry.countries:
        if country.alpha_2 not in ISO2_NAMES:
            continue  # a territory UHRI does not index (Antarctica, Bouvet Island ...)
        for spelling in (country.alpha_3, country.name, *_optional_names(country)):
            add(spelling, country.alpha_2)
    for lang in LOCAL_NAME_LANGUAGES:
        for code, name in _territory_names(lang).items():
            if code in ISO2_NAMES:  # not the regions ("419") nor the groupings ("EU", "UN")
                add(name, code)
    return lookup


def _optional_names(country: object) -> list[str]:
    return [str(name) for attr in ("official_name", "common_name") if (name := getattr(country, attr, None))]


def iso2_for(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a State given by code ("PE", "pe", "PER"), UHRI name ("Peru"),
    ISO name, a common other spelling ("Bolivia", "UK", "Ivory Coast") or its name in a UN language
    ("Perú", "Pérou", "Estados Unidos"); None when it is none of those."""
    text = name.strip()
    if len(text) == 2 and text.upper() in ISO2_NAMES:
        return text.upper()
    key = _fold(text)
    return _CODE_BY_SPELLING.get(key) or _iso_spellings().get(key)


def state_name_in(name: str, lang: str) -> str:
    """The State ``name`` (the UHRI name, or any spelling ``iso2_for`` reads) as the language ``lang``
    writes it, where people read it (the portal's footer, the reports, a recommendation's States):
    CLDR's name of the territory ("Perú" in Spanish, "Pérou" in French, from Babel). English says the
    UHRI name, and so does a language CLDR does not name; a label that is no State is returned as given."""
    code = iso2_for(name)
    if code is None:
        return name
    return _territory_names(lang).get(code, ISO2_NAMES[code]) if lang != "en" else ISO2_NAMES[code]


@lru_cache(maxsize=8)
def _territory_names(lang: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        return dict(Locale.parse(lang).territories)
    except (UnknownLocaleError, ValueError):
        return {}


def resolve_country_alias(label: str) -> str:
    """The UHRI name for what a user or a UPR Info file writes ("Bolivia", "turkey", "GB"); a label it
    cannot place is returned as given, trimmed, so that it still shows up (and can be fixed)."""
    code = iso2_for(label)
    return ISO2_NAMES[code] if code is not None else label.strip()


class UnknownCountry(ValueError):
    """What an operator named is no State UHRI indexes; ``suggestions`` are the closest UHRI names."""

    def __init__(self, given: str, suggestions: list[str]) -> None:
        self.given = given
        self.suggestions = suggestions
        hint = (
            f"closest: {'; '.join(suggestions)}"
            if suggestions
            else "give the name as UHRI spells it, or an ISO 3166-1 alpha-2 or alpha-3 code"
        )
        super().__init__(f"unknown country {given.strip()!r} ({hint})")


def resolve_known_country(label: str) -> str:
    """The UHRI name of the State an operator names (``--country``, NRTD_COUNTRY); ``UnknownCountry``
    with the closest names otherwise, since a typo would otherwise import nothing, night after night."""
    code = iso2_for(label)
    if code is not None:
        return ISO2_NAMES[code]
    # A State's name with a form of government beside it ("Peru (Republic of)", "Chile, Republic of"):
    # that State first, where the closest spellings put another ("Republic of Korea") before it.
    shorter = (_BESIDE.sub("", label), label.split(",")[0])
    named = [ISO2_NAMES[code] for part in shorter if part.strip() and (code := iso2_for(part)) is not None]
    by_key = {**{k: v for k, v in _iso_spellings().items() if len(k) > 3}, **_CODE_BY_SPELLING}
    close = difflib.get_close_matches(_fold(label), list(by_key), n=8, cutoff=0.6)
    names = list(dict.fromkeys([*named, *(ISO2_NAMES[by_key[key]] for key in close)]))
    raise UnknownCountry(label, names[:3])


_BESIDE = re.compile(r"\([^()]*\)")


@lru_cache(maxsize=4096)  # a file names the same few States on row after row
def closest_states(label: str) -> tuple[str, ...]:
    """The States whose names ``label`` is close to when it is none of them (a typo, "Norwya",
    "Republica del Peru"); empty when it is a State's, or a label unlike any ("(Unknown)")."""
    if not label.strip() or iso2_for(label) is not None:
        return ()
    try:
        resolve_known_country(label)
    except UnknownCountry as exc:
        return tuple(exc.suggestions)
    return ()


def misspelt_state(label: str, field: str) -> str | None:
    """Why a State written in a file (the template's ``countries``, UPR Info's ``To`` and ``From``) is
    refused: a name close to a State's but none of its spellings would be stored as a State of its
    own, or taken for another State's; None when it is a State's, or a label unlike any, which is
    kept as written."""
    closest = closest_states(label)
    if not closest:
        return None
    return refusals.refusal(
        refusals.NO_SUCH_STATE,
        field=field,
        label=repr(label.strip()),
        closest="; ".join(closest),
        code=str(iso2_for(closest[0])),
        state=closest[0],
    )


# --- the States a record names ------------------------------------------------------------


def resolve_country(label: str) -> str:
    """The State a UHRI ``Countries`` entry names: a 2-letter stub ("PK") becomes the UHRI name
    ("Pakistan"); a name is returned as given, trimmed, and so is a stub the table does not know."""
    text = label.strip()
    return ISO2_NAMES.get(text, text) if _STUB.match(text) else text


def country_key(label: str) -> str:
    """The key on which one State's records merge, whether UHRI gave its name or its stub."""
    return label_key(resolve_country(label))


class CountryMatcher:
    """Whether a record's ``Countries`` (labels as the source has them) name the tracked State.

    A plain object rather than a closure, so a reader running in a process of its own can filter too.
    """

    def __init__(self, country: str) -> None:
        self.key = label_key(resolve_country_alias(country))
        self._keys: dict[str, str] = {}

    def __call__(self, countries: Iterable[str]) -> bool:
        for raw in countries:
            key = self._keys.get(raw)
            if key is None:
                label = clean_label(raw)  # a label that is not text: RecordError, the mapping says why
                key = self._keys[raw] = label_key(resolve_country_alias(label)) if label else ""
            if key == self.key:
                return True
        return False
