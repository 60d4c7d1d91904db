from __future__ import annotations

import unicodedata

import pytest

from app.feed.mechanisms import FAMILIES, KNOWN_MECHANISMS, MechanismInfo, resolve_mechanism
from app.feed.records import RecordError
from app.feed.values import clean_label


@pytest.mark.parametrize(
    ("short", "long", "code", "family"),
    [
        ("UPR", "Universal Periodic Review", "UPR", "upr"),
        ("CRC", "Committee on the Rights of the Child", "CRC", "treaty-body"),
        ("CCPR", "Human Rights Committee", "CCPR", "treaty-body"),
        ("CAT", "Committee against Torture", "CAT", "treaty-body"),
        ("CEDAW", "Committee on the Elimination of Discrimination against Women", "CEDAW", "treaty-body"),
        ("CESCR", "Committee on Economic, Social and Cultural Rights", "CESCR", "treaty-body"),
        ("CERD", "Committee on the Elimination of Racial Discrimination", "CERD", "treaty-body"),
        ("CRPD", "Committee on the Rights of Persons with Disabilities", "CRPD", "treaty-body"),
        ("CMW", "Committee on Migrant Workers", "CMW", "treaty-body"),
        ("CED", "Committee on Enforced Disappearances", "CED", "treaty-body"),
        ("SPT", "Subcommittee on Prevention of Torture", "SPT", "treaty-body"),
        (
            "SR Torture",
            "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
            "SR-TORTURE",
            "special-procedure",
        ),
        ("SR Food", "Special Rapporteur on the right to food", "SR-FOOD", "special-procedure"),
        (
            "SR Human rights defenders",
            "Special Rapporteur on the situation of human rights defenders",
            "SR-HRDEFENDERS",
            "special-procedure",
        ),
        (
            "WG Arbitrary Detention",
            "Working Group on Arbitrary Detention",
            "WG-ARBITRARY-DETENTION",
            "special-procedure",
        ),
        (
            "WG Enforced disappearances",
            "Working Group on Enforced or Involuntary Disappearances",
            "WG-ENFORCED-DISAPPEARANCES",
            "special-procedure",
        ),
        (
            "IE Sexual orientation and gender identity",
            "Independent Expert on protection against violence and discrimination based on sexual "
            "orientation and gender identity",
            "IE-SOGI",
            "special-procedure",
        ),
        (
            "SR Summary executions",
            "Special Rapporteur on extrajudicial, summary or arbitrary executions",
            "SR-EXECUTIONS",
            "special-procedure",
        ),
        (
            "SR Myanmar",
            "Special Rapporteur on the situation of human rights in Myanmar",
            "SR-MYANMAR",
            "special-procedure",
        ),
        ("ACHPR", "African Commission on Human and Peoples' Rights", "ACHPR", "regional"),
        (
            "ACERWC",
            "African Committee of Experts on the Rights and Welfare of the Child",
            "ACERWC",
            "regional",
        ),
        ("IACHR", "Inter-American Commission on Human Rights", "IACHR", "regional"),
        ("IACTHR", "Inter-American Court of Human Rights", "IACTHR", "regional"),
        ("ECTHR", "European Court of Human Rights", "ECTHR", "regional"),
        ("CPT", "European Committee for the Prevention of Torture", "CPT", "regional"),
        ("ECSR", "European Committee of Social Rights", "ECSR", "regional"),
        (
            "GREVIO",
            "Group of Experts on Action against Violence against Women and Domestic Violence",
            "GREVIO",
            "regional",
        ),
        ("ECRI", "European Commission against Racism and Intolerance", "ECRI", "regional"),
        ("GRECO", "Group of States against Corruption", "GRECO", "regional"),
        ("ACFC", "Advisory Committee on the FCNM", "ACFC", "regional"),
        ("ASEAN AICHR", "ASEAN Intergovernmental Commission on Human Rights", "AICHR", "regional"),
        ("Arab Human Rights Committee", "Arab Charter Committee", "ARAB-HRC", "regional"),
        # The French names, as a French export or a hand-typed record gives them.
        (
            "SR Torture",
            "Rapporteur spécial sur la torture et autres peines ou traitements cruels, inhumains"
            " ou dégradants",
            "SR-TORTURE",
            "special-procedure",
        ),
        (
            "WGAD",
            "Groupe de travail sur la détention arbitraire",
            "WG-ARBITRARY-DETENTION",
            "special-procedure",
        ),
        ("COI Burundi", "Commission d'enquête sur le Burundi", "COI-BURUNDI", "other"),
        ("GRETA", "Groupe d'experts sur la lutte contre la traite des êtres humains", "GRETA", "regional"),
    ],
)
def test_short_and_long_spellings_name_one_body(short: str, long: str, code: str, family: str) -> None:
    first = resolve_mechanism(short)
    assert first == resolve_mechanism(long)
    assert (first.code, first.family) == (code, family)


def test_display_name_is_the_official_one() -> None:
    assert resolve_mechanism("CCPR").name == "Human Rights Committee"
    assert resolve_mechanism("SR Food") == MechanismInfo(
        "SR-FOOD",
        "Special Rapporteur on the right to food",
        "special-procedure",
        (
            ("fr", "Rapporteur spécial sur le droit à l'alimentation"),
            ("es", "Relator Especial sobre el derecho a la alimentación"),
        ),
    )


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("crc", "CRC"),
        ("  CRC  ", "CRC"),
        ("committee ON THE rights of the   child", "CRC"),
        ("sr torture", "SR-TORTURE"),
        ("SR-Torture", "SR-TORTURE"),
        ("WG  arbitrary  detention", "WG-ARBITRARY-DETENTION"),
        ("SR Water & sanitation", "SR-WATER-SANITATION"),
        ("SR Water and Sanitation", "SR-WATER-SANITATION"),
        ("IE Sexual Orientation & Gender Identity", "IE-SOGI"),
        ("SR Truth, justice, reparation & guarantees of non-recurrence", "SR-TRUTH"),
        ("Committee on Economic Social and Cultural Rights", "CESCR"),
        ("African Commission on Human & Peoples Rights", "ACHPR"),
    ],
)
def test_case_space_and_punctuation_variants(label: str, code: str) -> None:
    assert resolve_mechanism(label).code == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        # long forms not listed in the table, found by contracting them to UHRI's short style
        ("Special Rapporteur on torture", "SR-TORTURE"),
        ("UN Working Group on arbitrary detention", "WG-ARBITRARY-DETENTION"),
        ("SR on the right to food", "SR-FOOD"),
        ("Special Rapporteur on the situation of human rights in Eritrea", "SR-ERITREA"),
        ("IE Human rights & international solidarity", "IE-INTERNATIONAL-SOLIDARITY"),
        ("The Human Rights Committee", "CCPR"),
        ("Committee on the Rights of the Child (CRC)", "CRC"),
        ("Universal Periodic Review (UPR)", "UPR"),
        # former names of renamed mandates keep the mandate's history under one code
        ("IE Minority issues", "SR-MINORITY-ISSUES"),
        ("IE Extreme poverty", "SR-EXTREME-POVERTY"),
        ("SR Sale of children, child prostitution and child pornography", "SR-SALE-OF-CHILDREN"),
        ("SR Mercenaries", "WG-MERCENARIES"),
        # French and Spanish names typed by hand
        ("Comité des droits de l'enfant", "CRC"),
        ("Comisión Interamericana de Derechos Humanos", "IACHR"),
    ],
)
def test_other_spellings_of_known_bodies(label: str, code: str) -> None:
    assert resolve_mechanism(label).code == code


def test_uhri_raw_body_value_after_cleaning() -> None:
    assert resolve_mechanism(clean_label("- SR Torture")).code == "SR-TORTURE"
    assert resolve_mechanism(clean_label("- Committee on the Rights of the Child")).code == "CRC"


def test_human_rights_council_is_not_the_human_rights_committee() -> None:
    assert resolve_mechanism("Human Rights Council").code == "HRC"
    assert resolve_mechanism("Human Rights Committee").code == "CCPR"
    assert resolve_mechanism("CED").code != resolve_mechanism("WG Enforced disappearances").code


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("SR Right to sleep", MechanismInfo("SR-RIGHT-TO-SLEEP", "SR Right to sleep", "special-procedure")),
        (
            "Special Rapporteur on the right to sleep",
            MechanismInfo(
                "SR-RIGHT-TO-SLEEP", "Special Rapporteur on the right to sleep", "special-procedure"
            ),
        ),
        ("WG Oceans", MechanismInfo("WG-OCEANS", "WG Oceans", "special-procedure")),
        (
            "Working Group on oceans",
            MechanismInfo("WG-OCEANS", "Working Group on oceans", "special-procedure"),
        ),
        ("IE Clouds", MechanismInfo("IE-CLOUDS", "IE Clouds", "special-procedure")),
        (
            "Independent Expert on clouds",
            MechanismInfo("IE-CLOUDS", "Independent Expert on clouds", "special-procedure"),
        ),
        ("UPR Mid-term report", MechanismInfo("UPR-MID-TERM-REPORT", "UPR Mid-term report", "upr")),
        (
            "Committee on Fisheries",
            MechanismInfo("COMMITTEE-ON-FISHERIES", "Committee on Fisheries", "other"),
        ),
        (
            "  Ombudsman of Ruritania ",
            MechanismInfo("OMBUDSMAN-OF-RURITANIA", "Ombudsman of Ruritania", "other"),
        ),
        ("Comité X & Y", MechanismInfo("COMITE-X-AND-Y", "Comité X & Y", "other")),
    ],
)
def test_unknown_labels_get_a_derived_mechanism(label: str, expected: MechanismInfo) -> None:
    assert resolve_mechanism(label) == expected


def test_unknown_label_code_is_deterministic_across_variants() -> None:
    assert resolve_mechanism("SR Trees & Forests").code == "SR-TREES-AND-FORESTS"
    assert resolve_mechanism("sr  trees and forests").code == "SR-TREES-AND-FORESTS"
    assert resolve_mechanism("Special Rapporteur on trees and forests").code == "SR-TREES-AND-FORESTS"
    assert resolve_mechanism("SR Trees & Forests") == resolve_mechanism("SR Trees & Forests")


def test_unknown_label_code_is_capped_at_64_characters() -> None:
    code = resolve_mechanism("Committee " + "on very long things " * 10).code
    assert len(code) <= 64
    assert code.startswith("COMMITTEE-ON-VERY-LONG-THINGS-")
    assert not code.endswith("-")


def test_label_in_a_non_latin_script_gets_a_stable_code() -> None:
    first = resolve_mechanism("لجنة حقوق الطفل العربية")
    assert first.code.startswith("BODY-")
    assert len(first.code) == len("BODY-") + 12
    assert first == resolve_mechanism("لجنة حقوق الطفل العربية")
    assert first.code != resolve_mechanism("لجنة أخرى").code
    assert first.family == "other"


def test_odd_spelling_of_a_known_code_is_that_body() -> None:
    assert resolve_mechanism("SR_Food") == resolve_mechanism("SR Food")


@pytest.mark.parametrize("label", ["", "   ", "-", " - "])
def test_missing_label_is_a_record_error(label: str) -> None:
    with pytest.raises(RecordError, match="Body: missing"):
        resolve_mechanism(label)


def test_table_covers_the_mechanisms() -> None:
    families = [m.family for m in KNOWN_MECHANISMS]
    assert set(families) == set(FAMILIES)
    assert families.count("treaty-body") == 10
    assert families.count("special-procedure") >= 50
    assert families.count("upr") == 1
    codes = [m.code for m in KNOWN_MECHANISMS]
    assert len(codes) == len(set(codes))
    for m in KNOWN_MECHANISMS:
        # every table entry is found by its own code and name
        assert resolve_mechanism(m.code) == m
        assert resolve_mechanism(m.name) == m
        if m.family == "special-procedure":
            assert m.code.split("-")[0] in {"SR", "WG", "IE"}


@pytest.mark.parametrize(
    ("label", "code"),
    [
        (
            "Rapporteuse spéciale sur la violence contre les femmes et les filles, ses causes"
            " et ses conséquences",
            "SR-VIOLENCE-AGAINST-WOMEN",
        ),
        (
            "Experte indépendante chargée de promouvoir l'exercice par les personnes âgées de tous les droits"
            " de l'homme",
            "IE-OLDER-PERSONS",
        ),
        ("Experte désignée sur la situation des droits de l'homme en Haïti", "IE-HAITI"),
        ("Relatora Especial sobre el derecho a la alimentación", "SR-FOOD"),
        ("Experta Independiente sobre la situación de los derechos humanos en Malí", "IE-MALI"),
    ],
)
def test_a_title_in_the_feminine_names_the_mandate(label: str, code: str) -> None:
    """French and Spanish documents give the title as its holder bears it ("Rapporteuse spéciale",
    "Relatora Especial"); typed that way, the name became a new mandate of its own beside the known one."""
    assert resolve_mechanism(label).code == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        (
            "Rapporteur special sur la torture et autres peines ou traitements cruels, inhumains "
            "ou degradants",
            "SR-TORTURE",
        ),
        (
            "Rapporteuse speciale sur la torture et autres peines ou traitements cruels, inhumains "
            "ou degradants",
            "SR-TORTURE",
        ),
        (
            "Relator especial sobre la tortura y otros tratos o penas crueles, inhumanos o degradantes",
            "SR-TORTURE",
        ),
        ("Relatora Especial sobre el derecho a la alimentacion", "SR-FOOD"),
        ("Comite contre la torture", "CAT"),
        ("COMITE DE LOS DERECHOS DEL NINO", "CRC"),
        ("Comite des droits de l'enfant (CRC)", "CRC"),
        ("Experte designee sur la situation des droits de l'homme en Haiti", "IE-HAITI"),
        ("Comision de Investigacion sobre Burundi", "COI-BURUNDI"),
    ],
)
def test_a_title_typed_without_its_accents_names_the_mandate(label: str, code: str) -> None:
    """Typed without accents ("Rapporteur special", "Comite"), a title became a new mandate of its own
    beside the known one, while the accented and feminine titles found it."""
    assert resolve_mechanism(label).code == code


def _unaccented(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def test_every_name_without_its_accents_finds_its_own_body_and_no_other() -> None:
    """Folding accents makes no two bodies one: each name, accents dropped, still finds its own body
    (the table refuses to load a spelling two bodies share, accents ignored)."""
    for mechanism in KNOWN_MECHANISMS:
        for _lang, name in mechanism.translations:
            assert resolve_mechanism(_unaccented(name)) == mechanism, name
    # Close names of different bodies stay apart.
    council, committee = (
        resolve_mechanism("Consejo de Derechos Humanos"),
        resolve_mechanism("Comite de Derechos Humanos"),
    )
    assert council.code == "HRC" and committee.code == "CCPR"
    assert resolve_mechanism("Comite des droits de l'homme").code == "CCPR"
    assert resolve_mechanism("Comite des droits economiques, sociaux et culturels").code == "CESCR"
    # A mandate new to the feed keeps the code it had: derived from its label, accents and all.
    assert resolve_mechanism("Rapporteuse spéciale sur un sujet nouveau").code == (
        "RAPPORTEUR-SPECIAL-SUR-UN-SUJET-NOUVEAU"
    )


@pytest.mark.parametrize(
    "label",
    [
        "Relator Especial sobre la tortura",
        "Relator especial sobre la tortura",
        "Relatora Especial sobre la tortura",
        "Rapporteur spécial sur la torture",
        "Rapporteuse speciale sur la torture",
    ],
)
def test_the_short_french_and_spanish_titles_of_the_torture_mandate(label: str) -> None:
    """The title as people write it, without "and other cruel, inhuman or degrading treatment", became
    a mechanism of its own, in any case and with or without its accents."""
    assert resolve_mechanism(label).code == "SR-TORTURE"
