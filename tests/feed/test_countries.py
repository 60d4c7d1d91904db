from __future__ import annotations

import pytest

from app.feed.countries import (
    ISO2_NAMES,
    OBSERVER_NAMES,
    UN_MEMBER_NAMES,
    UnknownCountry,
    country_key,
    iso2_for,
    misspelt_state,
    resolve_country,
    resolve_country_alias,
    resolve_known_country,
    state_name_in,
)


@pytest.mark.parametrize(
    ("stub", "name"),
    [
        ("PK", "Pakistan"),
        ("PE", "Peru"),
        ("BO", "Bolivia (Plurinational State of)"),
        ("TR", "Türkiye"),
        ("GB", "United Kingdom of Great Britain and Northern Ireland"),
        ("IR", "Iran (Islamic Republic of)"),
        ("VE", "Venezuela (Bolivarian Republic of)"),
        ("MD", "Republic of Moldova"),
        ("RU", "Russian Federation"),
        ("VN", "Viet Nam"),
        ("CI", "Côte d'Ivoire"),
        ("KP", "Democratic People's Republic of Korea"),
        ("KR", "Republic of Korea"),
        ("PS", "State of Palestine"),
        ("VA", "Holy See"),
        ("US", "United States of America"),
        ("LA", "Lao People's Democratic Republic"),
        ("SY", "Syrian Arab Republic"),
        ("TZ", "United Republic of Tanzania"),
        ("FM", "Micronesia (Federated States of)"),
        ("NL", "Netherlands (Kingdom of the)"),
        ("CZ", "Czechia"),
        ("SZ", "Eswatini"),
        ("MK", "North Macedonia"),
        ("CV", "Cabo Verde"),
        ("CD", "Democratic Republic of the Congo"),
        ("CG", "Congo"),
        ("ST", "Sao Tome and Principe"),
        ("TL", "Timor-Leste"),
        ("PR", "Puerto Rico"),
        ("HK", "China, Hong Kong Special Administrative Region"),
    ],
)
def test_iso2_stub_becomes_the_uhri_name(stub: str, name: str) -> None:
    assert resolve_country(stub) == name
    assert resolve_country(f" {stub} ") == name
    assert iso2_for(name) == stub


@pytest.mark.parametrize(
    "label",
    [
        "Peru",
        "Bolivia (Plurinational State of)",
        "Türkiye",
        "State of Palestine",
        "Holy See",
        "Côte d'Ivoire",
    ],
)
def test_a_name_is_returned_as_given(label: str) -> None:
    assert resolve_country(label) == label
    assert resolve_country(f"  {label}\t") == label


@pytest.mark.parametrize("label", ["XK", "ZZ", "EU", "UK"])
def test_unknown_stub_is_returned_unchanged(label: str) -> None:
    assert resolve_country(label) == label


def test_other_spellings_are_not_rewritten_by_resolve_country() -> None:
    # the UHRI feed path keeps labels as given; only user input goes through resolve_country_alias
    assert resolve_country("Bolivia") == "Bolivia"
    assert resolve_country("pk") == "pk"


def test_country_key_merges_name_and_stub() -> None:
    assert country_key("PK") == country_key("Pakistan") == country_key(" pakistan ") == "pakistan"
    assert (
        country_key("BO")
        == country_key("Bolivia (Plurinational State of)")
        == "bolivia plurinational state of"
    )
    assert country_key("CI") == "côte d ivoire"
    assert country_key("XK") == "xk"


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Bolivia", "Bolivia (Plurinational State of)"),
        ("Turkey", "Türkiye"),
        ("Turkiye", "Türkiye"),
        ("United Kingdom", "United Kingdom of Great Britain and Northern Ireland"),
        ("UK", "United Kingdom of Great Britain and Northern Ireland"),
        ("USA", "United States of America"),
        ("United States", "United States of America"),
        ("Vietnam", "Viet Nam"),
        ("Russia", "Russian Federation"),
        ("Iran", "Iran (Islamic Republic of)"),
        ("Venezuela", "Venezuela (Bolivarian Republic of)"),
        ("Syria", "Syrian Arab Republic"),
        ("Tanzania", "United Republic of Tanzania"),
        ("Moldova", "Republic of Moldova"),
        ("Laos", "Lao People's Democratic Republic"),
        ("Ivory Coast", "Côte d'Ivoire"),
        ("Cote d'Ivoire", "Côte d'Ivoire"),
        ("Czech Republic", "Czechia"),
        ("Swaziland", "Eswatini"),
        ("Macedonia", "North Macedonia"),
        ("The former Yugoslav Republic of Macedonia", "North Macedonia"),
        ("Cape Verde", "Cabo Verde"),
        ("Palestine", "State of Palestine"),
        ("South Korea", "Republic of Korea"),
        ("North Korea", "Democratic People's Republic of Korea"),
        ("Netherlands", "Netherlands (Kingdom of the)"),
        ("Micronesia", "Micronesia (Federated States of)"),
        ("Democratic Republic of Congo", "Democratic Republic of the Congo"),
        ("Republic of the Congo", "Congo"),
        ("Sao Tomé and Príncipe", "Sao Tome and Principe"),
        ("Saint Vincent & the Grenadines", "Saint Vincent and the Grenadines"),
        ("Guinea Bissau", "Guinea-Bissau"),
    ],
)
def test_alias_spellings_become_the_uhri_name(alias: str, name: str) -> None:
    assert resolve_country_alias(alias) == name
    assert resolve_country_alias(alias.upper()) == name
    assert resolve_country_alias(f"  {alias.lower()} ") == name
    assert iso2_for(alias) == iso2_for(name)


@pytest.mark.parametrize("value", ["PE", "pe", "Peru", "peru", " PERU ", "Pe"])
def test_tracked_country_can_be_set_by_code_or_name(value: str) -> None:
    assert iso2_for(value) == "PE"
    assert resolve_country_alias(value) == "Peru"


@pytest.mark.parametrize(
    ("local", "name"),
    [
        ("Pérou", "Peru"),
        ("Perou", "Peru"),
        ("Brasil", "Brazil"),
        ("Estados Unidos", "United States of America"),
        ("Reino Unido", "United Kingdom of Great Britain and Northern Ireland"),
        ("Allemagne", "Germany"),
        ("Перу", "Peru"),
    ],
)
def test_the_states_name_in_a_un_language_is_read(local: str, name: str) -> None:
    """NRTD_COUNTRY=Pérou, or "Brasil" in a file's States, was an unknown country (or a State of its
    own): a State's name in a UN language (CLDR's, from Babel) is read as the UHRI name."""
    assert resolve_country_alias(local) == name
    assert resolve_known_country(local) == name


def test_the_state_is_named_in_the_readers_language() -> None:
    assert [state_name_in("Peru", lang) for lang in ("en", "fr", "es")] == ["Peru", "Pérou", "Perú"]
    # English keeps the UHRI name; a label that is no State, or a language CLDR lacks, is kept as given.
    assert state_name_in("Bolivia (Plurinational State of)", "en") == "Bolivia (Plurinational State of)"
    assert state_name_in("PER", "es") == "Perú"
    assert state_name_in("Pérou", "en") == "Peru"  # a label another language's export gave
    assert state_name_in("Atlantis", "es") == "Atlantis"
    assert state_name_in("Peru", "xx") == "Peru"


def test_unplaceable_input_is_kept_or_none() -> None:
    assert iso2_for("Atlantis") is None
    assert iso2_for("") is None
    assert iso2_for("ZZ") is None
    assert resolve_country_alias(" Atlantis ") == "Atlantis"
    # a bare "Korea" could be either Korea: guessing would file records under the wrong State
    assert iso2_for("Korea") is None


def test_all_un_members_and_observers_are_mapped() -> None:
    assert len(UN_MEMBER_NAMES) == 193
    assert len(set(UN_MEMBER_NAMES.values())) == 193
    assert OBSERVER_NAMES == {"VA": "Holy See", "PS": "State of Palestine"}
    assert set(UN_MEMBER_NAMES) | set(OBSERVER_NAMES) <= set(ISO2_NAMES)
    assert len(ISO2_NAMES) >= 195
    assert len(set(ISO2_NAMES.values())) == len(ISO2_NAMES)


def test_codes_are_iso_shaped_and_each_name_finds_its_code() -> None:
    for code, name in ISO2_NAMES.items():
        assert len(code) == 2
        assert code.isascii()
        assert code.isupper()
        assert iso2_for(name) == code
        assert resolve_country(code) == name
        assert resolve_country_alias(name.casefold()) == name


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("PER", "Peru"),
        ("per", "Peru"),
        ("Perú", "Peru"),
        ("BOL", "Bolivia (Plurinational State of)"),
        ("Bolivia (Plurinational State of)", "Bolivia (Plurinational State of)"),
        ("GBR", "United Kingdom of Great Britain and Northern Ireland"),
        ("VNM", "Viet Nam"),
        ("TUR", "Türkiye"),
        ("PSE", "State of Palestine"),
        ("VAT", "Holy See"),
        ("HKG", "China, Hong Kong Special Administrative Region"),
        # ISO's own English names, from pycountry
        ("Republic of Peru", "Peru"),
        ("Korea, Republic of", "Republic of Korea"),
        ("Iran, Islamic Republic of", "Iran (Islamic Republic of)"),
        ("Taiwan, Province of China", None),  # not a State UHRI indexes
    ],
)
def test_iso_alpha3_codes_and_iso_names_are_accepted(given: str, name: str | None) -> None:
    assert iso2_for(given) == (iso2_for(name) if name else None)
    if name:
        assert resolve_known_country(given) == name


def test_every_alpha3_code_names_its_own_state() -> None:
    import pycountry

    for country in pycountry.countries:
        if country.alpha_2 in ISO2_NAMES:
            assert iso2_for(country.alpha_3) == country.alpha_2, country


@pytest.mark.parametrize(
    ("given", "closest"),
    [
        ("Peruu", ["Peru"]),
        ("PEU", ["Peru"]),
        ("Swizerland", ["Switzerland"]),
        ("Boliva", ["Bolivia (Plurinational State of)"]),
        # The State's name with its form of government: that name first (Korea came first).
        ("Peru (Republic of)", ["Peru"]),
        ("Chile, Republic of", ["Chile"]),
        ("Narnia", None),
        ("XK", None),
    ],
)
def test_an_unknown_country_names_the_closest_matches(given: str, closest: list[str] | None) -> None:
    with pytest.raises(UnknownCountry) as caught:
        resolve_known_country(given)
    assert caught.value.given == given
    assert len(caught.value.suggestions) <= 3
    if closest:
        assert caught.value.suggestions[: len(closest)] == closest
    assert f"unknown country {given!r}" in str(caught.value)


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Congo (Democratic Republic of)", "CD"),
        ("Congo (Republic of)", "CG"),
        ("Macedonia (The former Yugoslav Republic of)", "MK"),
        ("Gambia (Republic of The)", "GM"),
        ("Gambia (The)", "GM"),
        ("Democratic Peoples Republic of Korea", "KP"),
    ],
)
def test_upr_info_spellings_of_a_state_are_that_state(spelling: str, code: str) -> None:
    """The qualifier-last spellings of UPR Info's database and their like: no State, they were
    stored as a State of their own, then (with the misspelt-State check) rejected their whole row."""
    assert iso2_for(spelling) == code
    assert misspelt_state(spelling, "From") is None
