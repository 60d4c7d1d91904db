"""The feed's tables (app/feed/data/) load as the lookups expect, and a malformed file names its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.feed.countries import COUNTRIES_FILE, ISO2_NAMES, CountryTable
from app.feed.data_files import DataFileError
from app.feed.mechanisms import (
    KNOWN_MECHANISMS,
    MECHANISMS_FILE,
    load_mechanisms,
    localised_name,
    spelling_key,
)

MECHANISM_HEADER = "code,name,family,name_fr,name_es,aliases\n"
GOOD_MECHANISM = MECHANISM_HEADER + "CRC,Committee on the Rights of the Child,treaty-body,,,\n"
COUNTRY_HEADER = "code,name,status,aliases\n"


def test_the_shipped_tables_load() -> None:
    mechanisms, index = load_mechanisms(MECHANISMS_FILE)
    assert mechanisms == KNOWN_MECHANISMS
    assert index["committee on the rights of the child"].code == "CRC"
    # The French and Spanish names are shown to their readers, and typed names find the body.
    assert localised_name("CRC", "fr") == "Comité des droits de l'enfant"
    assert localised_name("CRC", "es") == "Comité de los Derechos del Niño"
    assert localised_name("CRC", "ru") is None and localised_name("NO-SUCH", "fr") is None
    assert index[spelling_key("Comité de los Derechos del Niño")].code == "CRC"
    table = CountryTable(COUNTRIES_FILE)
    assert table.names == ISO2_NAMES
    assert table.code_by_spelling["swaziland"] == "SZ"


def test_every_special_procedure_has_its_spanish_name() -> None:
    """A Spanish reader saw the special procedures in English alone ("Special Rapporteur on torture...",
    marked as English), where the UN's Spanish documents name each of them."""
    torture = "Relator Especial sobre la tortura y otros tratos o penas crueles, inhumanos o degradantes"
    assert localised_name("SR-TORTURE", "es") == torture
    assert localised_name("WG-ARBITRARY-DETENTION", "es") == "Grupo de Trabajo sobre la Detención Arbitraria"
    untranslated = [
        m.code
        for m in KNOWN_MECHANISMS
        if m.family == "special-procedure" and not localised_name(m.code, "es")
    ]
    assert untranslated == []
    # Typed by hand in Spanish, the name finds the mandate.
    _, index = load_mechanisms(MECHANISMS_FILE)
    assert index[spelling_key(torture)].code == "SR-TORTURE"


def test_every_special_procedure_has_its_french_name() -> None:
    """A French reader saw the special procedures, the commissions of inquiry and most regional bodies in
    English alone ("Special Rapporteur on torture...", marked as English), where the UN's French documents
    name each of them."""
    torture = (
        "Rapporteur spécial sur la torture et autres peines ou traitements cruels, inhumains ou dégradants"
    )
    assert localised_name("SR-TORTURE", "fr") == torture
    assert localised_name("WG-ARBITRARY-DETENTION", "fr") == "Groupe de travail sur la détention arbitraire"
    assert localised_name("COI-BURUNDI", "fr") == "Commission d'enquête sur le Burundi"
    assert localised_name("GRECO", "fr") == "Groupe d'États contre la corruption"
    untranslated = [
        m.code
        for m in KNOWN_MECHANISMS
        if m.family == "special-procedure" and not localised_name(m.code, "fr")
    ]
    assert untranslated == []
    # Typed by hand in French, the name finds the body; so does a mandate's other French wording.
    _, index = load_mechanisms(MECHANISMS_FILE)
    assert index[spelling_key(torture)].code == "SR-TORTURE"
    assert index[spelling_key("Groupe d'États contre la corruption")].code == "GRECO"
    older = "Rapporteur spécial sur les droits de l'homme des personnes déplacées dans leur propre pays"
    assert index[spelling_key(older)].code == "SR-IDPS"


# Bodies whose official French or Spanish name the table does not have yet (no official text in that
# language found: ASEAN, the Arab Charter's committee and ECOWAS publish none in Spanish).
NO_SPANISH_NAME = {"AICHR", "ACWC", "ARAB-HRC", "OIC-IPHRC", "ECOWAS-COURT"}
NO_FRENCH_NAME = {"AICHR", "ACWC", "ARAB-HRC", "MESECVI"}


def test_the_commissions_of_inquiry_and_regional_bodies_have_their_names() -> None:
    """A Spanish reader saw every commission of inquiry, fact-finding mission and most regional bodies
    in English alone (marked as English), and a French reader six of them."""
    assert localised_name("COI-SYRIA", "es") == (
        "Comisión Internacional Independiente de Investigación sobre la República Árabe Siria"
    )
    assert localised_name("GRECO", "es") == "Grupo de Estados contra la Corrupción"
    assert localised_name("COI-OPT", "fr") == (
        "Commission internationale indépendante d'enquête sur le Territoire palestinien occupé, y compris "
        "Jérusalem-Est, et Israël"
    )
    others = [m for m in KNOWN_MECHANISMS if m.family in ("other", "regional")]
    without_spanish = {m.code for m in others if not localised_name(m.code, "es")}
    without_french = {m.code for m in others if not localised_name(m.code, "fr")}
    assert without_spanish == NO_SPANISH_NAME
    assert without_french == NO_FRENCH_NAME
    # Typed by hand in Spanish, the name finds the body.
    _, index = load_mechanisms(MECHANISMS_FILE)
    assert index[spelling_key("Misión Internacional Independiente de Investigación sobre Myanmar")].code == (
        "FFM-MYANMAR"
    )
    assert index[spelling_key("Mecanismo de Seguimiento de la Convención de Belém do Pará")].code == "MESECVI"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("code,name,family\n", 1, "expected the header code,name,family,name_fr,name_es,aliases"),
        (GOOD_MECHANISM + "X,X body,club,,,\n", 3, "unknown family 'club'"),
        (GOOD_MECHANISM + "CRC,Children,treaty-body,,,\n", 3, "mechanism CRC listed twice"),
        (
            GOOD_MECHANISM + "KIDS,Kids,other,,,Children; CRC\n",
            3,
            "mechanism spelling 'CRC' claimed by CRC and KIDS",
        ),
        # Spellings that differ only by their accents are one spelling: two bodies cannot share it.
        (
            GOOD_MECHANISM + "KIDS,Kids,other,Comite des enfants,,\nNINOS,Ninos,other,,Comité des enfants,\n",
            4,
            "mechanism spelling 'Comité des enfants' claimed by KIDS and NINOS",
        ),
        (GOOD_MECHANISM + "X,,other,,,\n", 3, "a mechanism needs a code and a name"),
        (GOOD_MECHANISM + "X,X body,other\n", 3, "3 cells, expected 6"),
    ],
)
def test_a_malformed_mechanism_file_names_the_file_and_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = write(tmp_path, "mechanisms.csv", text)
    with pytest.raises(DataFileError) as caught:
        load_mechanisms(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}, line {line}: ")
    assert problem in str(caught.value)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("code,name,aliases\n", 1, "expected the header code,name,status,aliases"),
        (COUNTRY_HEADER + "PE,Peru,member,\nXYZ,Nowhere,member,\n", 3, "'XYZ' is not an ISO 3166-1 alpha-2"),
        (COUNTRY_HEADER + "PE,Peru,member,\nBO,,member,\n", 3, "BO: no name"),
        (COUNTRY_HEADER + "PE,Peru,member,\nBO,Bolivia,state,\n", 3, "status 'state' is none of"),
        (COUNTRY_HEADER + "PE,Peru,member,\nBO,Bolivia,member\n", 3, "3 cells, expected 4"),
        (COUNTRY_HEADER + "PE,Peru,member,\nPE,Peru,member,\n", 3, "PE listed twice"),
        (
            COUNTRY_HEADER + "PE,Peru,member,\nBO,Bolivia,member,Perú; Alto Peru\n",
            3,
            "country spelling 'Perú' claimed by PE and BO",
        ),
    ],
)
def test_a_malformed_country_file_names_the_file_and_line(
    tmp_path: Path, text: str, line: int, problem: str
) -> None:
    path = write(tmp_path, "countries.csv", text)
    with pytest.raises(DataFileError) as caught:
        CountryTable(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}, line {line}: ")
    assert problem in str(caught.value)
