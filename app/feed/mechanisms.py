"""UHRI body labels (short and long spellings) mapped onto one mechanism each.

UHRI names one body in several ways ("CRC", "Committee on the Rights of the Child"; "SR Torture",
"Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment"), and
regional bodies come in by hand with whatever spelling the user types. ``resolve_mechanism`` folds
all of them onto one code, and never fails on a label it does not know: a new mandate appearing in
the feed must not stop an import.

The known bodies are data: app/feed/data/mechanisms.csv, one body a row: its code, display name,
family, its official French and Spanish names where known (``name_fr``, ``name_es``: shown to readers
of those languages, matched like the other spellings; empty: the English name, marked as such) and
other spellings (``aliases``, separated by ";"). The code and the names are matched too, so the
aliases list only the extra spellings: UHRI's short label, former names of a renamed mandate
(its old reports stay in the index under the old label), common acronyms, and the French and
Spanish names of the UN bodies, which users of those languages type when they enter records by
hand. Case, punctuation and accents are ignored ("Comite contre la torture" is the Committee against
Torture). Mandates that changed type but not substance (IE -> SR) keep one code so their history stays
whole.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from app.feed.data_files import DATA_DIR, DataFileError, list_cell, read_csv_table
from app.feed.fields import fold
from app.feed.keys import label_key
from app.feed.records import RecordError


@dataclass(frozen=True)
class MechanismInfo:
    code: str  # "UPR", "CRC", "SR-TORTURE"
    name: str  # display name
    family: str  # upr | treaty-body | special-procedure | regional | other
    # The official name in other UN languages, where the table has it: (("fr", "..."), ("es", "...")).
    translations: tuple[tuple[str, str], ...] = ()


UPR = "upr"
TREATY_BODY = "treaty-body"
SPECIAL_PROCEDURE = "special-procedure"
REGIONAL = "regional"
OTHER = "other"

FAMILIES = (UPR, TREATY_BODY, SPECIAL_PROCEDURE, REGIONAL, OTHER)

MECHANISMS_FILE = DATA_DIR / "mechanisms.csv"
_COLUMNS = ("code", "name", "family", "name_fr", "name_es", "aliases")
TRANSLATED = ("fr", "es")  # the name_<lang> columns

# Long forms are contracted to UHRI's short style before a second look-up, so that "Special Rapporteur
# on torture" or "UN Working Group on arbitrary detention" find "SR Torture" / "WG Arbitrary detention"
# without every such spelling being listed in the table.
_LEADING_NOISE = re.compile(r"^(?:the |un |united nations )+")
_LONG_PREFIXES = (("special rapporteur ", "sr "), ("working group ", "wg "), ("independent expert ", "ie "))
_LINKING = re.compile(
    r"^(?:on the situation of human rights in(?: the)?|in the field of"
    r"|on the|on|of the|of|for the|for|in the|in)\s+"
)
_SP_PREFIXES = {"sr": "SR", "wg": "WG", "ie": "IE"}
# French and Spanish documents give a mandate's title as its holder bears it: "Rapporteuse spéciale",
# "Experte indépendante chargée de...", "Relatora Especial". The table has the generic (masculine)
# title; the feminine one finds it.
_FEMININE_TITLES = {
    "rapporteuse spéciale": "rapporteur spécial",
    "experte indépendante chargée": "expert indépendant chargé",
    "experte indépendante": "expert indépendant",
    "experte désignée": "expert désigné",
    "relatora especial": "relator especial",
    "experta independiente": "experto independiente",
    "experta designada": "experto designado",
}


def spelling_key(label: str) -> str:
    """The key a spelling is found by: ``label_key``'s, its accents folded as the search folds words
    (app.feed.fields.fold), so that a title typed without them ("Rapporteur special", "Comite") finds its
    body. Two bodies whose spellings would fold to one key stop the table from loading (load_mechanisms)."""
    return " ".join(fold(label_key(label)))


# Both spellings of each title: as written (an unknown mandate's code is derived from its contracted
# label_key, accents and all) and folded (the keys the table is looked up by).
_FEMININE_TITLES |= {
    spelling_key(feminine): spelling_key(generic) for feminine, generic in _FEMININE_TITLES.items()
}
_FRENCH_FEMININE = re.compile(rf"^({'|'.join(sorted(_FEMININE_TITLES, key=len, reverse=True))}) ")


def _generic_title(match: re.Match[str]) -> str:
    return _FEMININE_TITLES[match.group(1)] + " "


# Hand-typed labels often carry the acronym after the name: "Committee on the Rights of the Child (CRC)".
_TRAILING_ACRONYM = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")


def _contract(key: str) -> str:
    key = _FRENCH_FEMININE.sub(_generic_title, _LEADING_NOISE.sub("", key))
    for long, short in _LONG_PREFIXES:
        if key.startswith(long):
            key = short + key[len(long) :]
            break
    head, _, rest = key.partition(" ")
    if head in _SP_PREFIXES and rest:
        return f"{head} {_LINKING.sub('', rest)}"
    return key


def load_mechanisms(path: Path) -> tuple[tuple[MechanismInfo, ...], dict[str, MechanismInfo]]:
    """The known mechanisms in the file's order, and the index of their spellings' keys.

    Each spelling is indexed by its key and by its contracted key, so that "IE Human rights and
    international solidarity" finds the official "Independent Expert on human rights and
    international solidarity".
    """
    mechanisms: list[MechanismInfo] = []
    index: dict[str, MechanismInfo] = {}
    codes: set[str] = set()
    for line, row in read_csv_table(path, _COLUMNS):
        translations = tuple((lang, row[f"name_{lang}"]) for lang in TRANSLATED if row[f"name_{lang}"])
        info = MechanismInfo(row["code"], row["name"], row["family"], translations)
        if not info.code or not info.name:
            raise DataFileError(path, line, "a mechanism needs a code and a name")
        if info.family not in FAMILIES:
            raise DataFileError(path, line, f"mechanism {info.code}: unknown family {info.family!r}")
        if info.code in codes:
            raise DataFileError(path, line, f"mechanism {info.code} listed twice")
        codes.add(info.code)
        own_names = (name for _, name in translations)
        for spelling in (info.code, info.name, *own_names, *list_cell(row["aliases"])):
            for key in {spelling_key(spelling), _contract(spelling_key(spelling))}:
                other = index.setdefault(key, info)
                # A spelling shared by two bodies would silently file recommendations under the
                # wrong one; refuse to load rather than guess.
                if other is not info:
                    problem = f"mechanism spelling {spelling!r} claimed by {other.code} and {info.code}"
                    raise DataFileError(path, line, problem)
        mechanisms.append(info)
    return tuple(mechanisms), index


KNOWN_MECHANISMS, _INDEX = load_mechanisms(MECHANISMS_FILE)
_BY_CODE: dict[str, MechanismInfo] = {info.code: info for info in KNOWN_MECHANISMS}

_CODE_LIMIT = 64


def localised_name(code: str, lang: str) -> str | None:
    """The official name of a known mechanism in ``lang`` (fr, es), or None where the table has none."""
    info = _BY_CODE.get(code)
    return dict(info.translations).get(lang) if info is not None else None


def _code_from(text: str) -> str:
    ascii_text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    code = re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")
    if not code:
        # A label in a non-Latin script leaves nothing after the ASCII filter; a hash keeps its code
        # deterministic and distinct from other such labels.
        code = "BODY-" + hashlib.sha256(text.encode()).hexdigest()[:12].upper()
    return code[:_CODE_LIMIT].rstrip("-")


def _lookup(label: str) -> MechanismInfo | None:
    key = spelling_key(label)
    found = _INDEX.get(key) or _INDEX.get(_contract(key))
    if found is None and (match := _TRAILING_ACRONYM.match(label)):
        found = _lookup(match.group(1)) or _lookup(match.group(2))
    return found


def _guess(label: str) -> MechanismInfo:
    contracted = _contract(label_key(label))
    head, _, rest = contracted.partition(" ")
    if head in _SP_PREFIXES and rest:
        return MechanismInfo(_code_from(f"{_SP_PREFIXES[head]} {rest}"), label, SPECIAL_PROCEDURE)
    if head == "upr" or contracted.startswith("universal periodic review"):
        return MechanismInfo(_code_from(contracted), label, UPR)
    # Every treaty body is in the table, so an unknown "Committee ..." is some other committee.
    return MechanismInfo(_code_from(contracted), label, OTHER)


def resolve_mechanism(label: str) -> MechanismInfo:
    """The mechanism a body label names: "CRC" and "Committee on the Rights of the Child" give the same.

    An unknown label gets a code derived from it (the same for its case, spacing and punctuation
    variants), its own text as name, and a family guessed from its wording, so that a mandate new to
    the feed is imported rather than rejected.
    """
    label = label.strip()
    if not label_key(label):
        raise RecordError("Body: missing")
    found = _lookup(label)
    if found is not None:
        return found
    guessed = _guess(label)
    # One code must always name one body, even when an odd spelling ("SR_Food") slugs to a known code.
    return _BY_CODE.get(guessed.code, guessed)
