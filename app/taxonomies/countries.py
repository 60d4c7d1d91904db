"""State names as the UN (and so UHRI) spells them, and the other spellings people write.

UHRI uses the UN's official short names ("Bolivia (Plurinational State of)", "Türkiye", "Viet Nam"),
but people (and the UPR Info database) write the everyday or former names ("Bolivia", "Turkey",
"Vietnam") or an ISO 3166-1 alpha-2 code ("GB"). ``resolve_country_alias`` folds those onto the UN
spelling, so that one State is one term whether an import or the API (a manual recommendation)
names it.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import lru_cache

from app.taxonomies.keys import label_key

# The 193 UN member States, by ISO 3166-1 alpha-2 code, under the name the UN (and so UHRI) uses.
UN_MEMBER_NAMES: dict[str, str] = {
    "AF": "Afghanistan",
    "AL": "Albania",
    "DZ": "Algeria",
    "AD": "Andorra",
    "AO": "Angola",
    "AG": "Antigua and Barbuda",
    "AR": "Argentina",
    "AM": "Armenia",
    "AU": "Australia",
    "AT": "Austria",
    "AZ": "Azerbaijan",
    "BS": "Bahamas",
    "BH": "Bahrain",
    "BD": "Bangladesh",
    "BB": "Barbados",
    "BY": "Belarus",
    "BE": "Belgium",
    "BZ": "Belize",
    "BJ": "Benin",
    "BT": "Bhutan",
    "BO": "Bolivia (Plurinational State of)",
    "BA": "Bosnia and Herzegovina",
    "BW": "Botswana",
    "BR": "Brazil",
    "BN": "Brunei Darussalam",
    "BG": "Bulgaria",
    "BF": "Burkina Faso",
    "BI": "Burundi",
    "CV": "Cabo Verde",
    "KH": "Cambodia",
    "CM": "Cameroon",
    "CA": "Canada",
    "CF": "Central African Republic",
    "TD": "Chad",
    "CL": "Chile",
    "CN": "China",
    "CO": "Colombia",
    "KM": "Comoros",
    "CG": "Congo",
    "CR": "Costa Rica",
    "CI": "Côte d'Ivoire",
    "HR": "Croatia",
    "CU": "Cuba",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "KP": "Democratic People's Republic of Korea",
    "CD": "Democratic Republic of the Congo",
    "DK": "Denmark",
    "DJ": "Djibouti",
    "DM": "Dominica",
    "DO": "Dominican Republic",
    "EC": "Ecuador",
    "EG": "Egypt",
    "SV": "El Salvador",
    "GQ": "Equatorial Guinea",
    "ER": "Eritrea",
    "EE": "Estonia",
    "SZ": "Eswatini",
    "ET": "Ethiopia",
    "FJ": "Fiji",
    "FI": "Finland",
    "FR": "France",
    "GA": "Gabon",
    "GM": "Gambia",
    "GE": "Georgia",
    "DE": "Germany",
    "GH": "Ghana",
    "GR": "Greece",
    "GD": "Grenada",
    "GT": "Guatemala",
    "GN": "Guinea",
    "GW": "Guinea-Bissau",
    "GY": "Guyana",
    "HT": "Haiti",
    "HN": "Honduras",
    "HU": "Hungary",
    "IS": "Iceland",
    "IN": "India",
    "ID": "Indonesia",
    "IR": "Iran (Islamic Republic of)",
    "IQ": "Iraq",
    "IE": "Ireland",
    "IL": "Israel",
    "IT": "Italy",
    "JM": "Jamaica",
    "JP": "Japan",
    "JO": "Jordan",
    "KZ": "Kazakhstan",
    "KE": "Kenya",
    "KI": "Kiribati",
    "KW": "Kuwait",
    "KG": "Kyrgyzstan",
    "LA": "Lao People's Democratic Republic",
    "LV": "Latvia",
    "LB": "Lebanon",
    "LS": "Lesotho",
    "LR": "Liberia",
    "LY": "Libya",
    "LI": "Liechtenstein",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "MG": "Madagascar",
    "MW": "Malawi",
    "MY": "Malaysia",
    "MV": "Maldives",
    "ML": "Mali",
    "MT": "Malta",
    "MH": "Marshall Islands",
    "MR": "Mauritania",
    "MU": "Mauritius",
    "MX": "Mexico",
    "FM": "Micronesia (Federated States of)",
    "MC": "Monaco",
    "MN": "Mongolia",
    "ME": "Montenegro",
    "MA": "Morocco",
    "MZ": "Mozambique",
    "MM": "Myanmar",
    "NA": "Namibia",
    "NR": "Nauru",
    "NP": "Nepal",
    "NL": "Netherlands (Kingdom of the)",
    "NZ": "New Zealand",
    "NI": "Nicaragua",
    "NE": "Niger",
    "NG": "Nigeria",
    "MK": "North Macedonia",
    "NO": "Norway",
    "OM": "Oman",
    "PK": "Pakistan",
    "PW": "Palau",
    "PA": "Panama",
    "PG": "Papua New Guinea",
    "PY": "Paraguay",
    "PE": "Peru",
    "PH": "Philippines",
    "PL": "Poland",
    "PT": "Portugal",
    "QA": "Qatar",
    "KR": "Republic of Korea",
    "MD": "Republic of Moldova",
    "RO": "Romania",
    "RU": "Russian Federation",
    "RW": "Rwanda",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "VC": "Saint Vincent and the Grenadines",
    "WS": "Samoa",
    "SM": "San Marino",
    "ST": "Sao Tome and Principe",
    "SA": "Saudi Arabia",
    "SN": "Senegal",
    "RS": "Serbia",
    "SC": "Seychelles",
    "SL": "Sierra Leone",
    "SG": "Singapore",
    "SK": "Slovakia",
    "SI": "Slovenia",
    "SB": "Solomon Islands",
    "SO": "Somalia",
    "ZA": "South Africa",
    "SS": "South Sudan",
    "ES": "Spain",
    "LK": "Sri Lanka",
    "SD": "Sudan",
    "SR": "Suriname",
    "SE": "Sweden",
    "CH": "Switzerland",
    "SY": "Syrian Arab Republic",
    "TJ": "Tajikistan",
    "TH": "Thailand",
    "TL": "Timor-Leste",
    "TG": "Togo",
    "TO": "Tonga",
    "TT": "Trinidad and Tobago",
    "TN": "Tunisia",
    "TR": "Türkiye",
    "TM": "Turkmenistan",
    "TV": "Tuvalu",
    "UG": "Uganda",
    "UA": "Ukraine",
    "AE": "United Arab Emirates",
    "GB": "United Kingdom of Great Britain and Northern Ireland",
    "TZ": "United Republic of Tanzania",
    "US": "United States of America",
    "UY": "Uruguay",
    "UZ": "Uzbekistan",
    "VU": "Vanuatu",
    "VE": "Venezuela (Bolivarian Republic of)",
    "VN": "Viet Nam",
    "YE": "Yemen",
    "ZM": "Zambia",
    "ZW": "Zimbabwe",
}

# Non-member observer States: UHRI indexes recommendations to both.
OBSERVER_NAMES: dict[str, str] = {
    "VA": "Holy See",
    "PS": "State of Palestine",
}

# Territories that treaty bodies review through their administering State, under their UN M49 names.
TERRITORY_NAMES: dict[str, str] = {
    "AS": "American Samoa",
    "AI": "Anguilla",
    "AW": "Aruba",
    "AX": "Åland Islands",
    "BL": "Saint Barthélemy",
    "BM": "Bermuda",
    "BQ": "Bonaire, Sint Eustatius and Saba",
    "CK": "Cook Islands",
    "CW": "Curaçao",
    "EH": "Western Sahara",
    "FK": "Falkland Islands (Malvinas)",
    "FO": "Faroe Islands",
    "GF": "French Guiana",
    "GG": "Guernsey",
    "GI": "Gibraltar",
    "GL": "Greenland",
    "GP": "Guadeloupe",
    "GU": "Guam",
    "HK": "China, Hong Kong Special Administrative Region",
    "IM": "Isle of Man",
    "JE": "Jersey",
    "KY": "Cayman Islands",
    "MF": "Saint Martin (French Part)",
    "MO": "China, Macao Special Administrative Region",
    "MP": "Northern Mariana Islands",
    "MQ": "Martinique",
    "MS": "Montserrat",
    "NC": "New Caledonia",
    "NU": "Niue",
    "PF": "French Polynesia",
    "PM": "Saint Pierre and Miquelon",
    "PN": "Pitcairn",
    "PR": "Puerto Rico",
    "RE": "Réunion",
    "SH": "Saint Helena",
    "SX": "Sint Maarten (Dutch part)",
    "TC": "Turks and Caicos Islands",
    "TK": "Tokelau",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "WF": "Wallis and Futuna Islands",
    "YT": "Mayotte",
}

ISO2_NAMES: dict[str, str] = {**UN_MEMBER_NAMES, **OBSERVER_NAMES, **TERRITORY_NAMES}

# Everyday, former and ISO spellings people type, mapped to the ISO code of the UHRI name. Former
# names matter: UPR Info files and older documents say "Swaziland", "Czech Republic", "Turkey".
_ALIASES: dict[str, tuple[str, ...]] = {
    "BO": ("Bolivia", "Plurinational State of Bolivia", "Bolivia, Plurinational State of"),
    "BN": ("Brunei",),
    "BS": ("The Bahamas", "Bahamas, The"),
    "CD": (
        "DRC",
        "DR Congo",
        "Congo (Democratic Republic of the)",
        "Congo, Democratic Republic of the",
        "Democratic Republic of Congo",
        "Congo-Kinshasa",
        "Zaire",
    ),
    "CG": ("Republic of the Congo", "Republic of Congo", "Congo-Brazzaville", "Congo (Republic of the)"),
    "CI": ("Ivory Coast",),
    "CV": ("Cape Verde",),
    "CZ": ("Czech Republic",),
    "FM": ("Micronesia", "Federated States of Micronesia", "Micronesia, Federated States of"),
    "GB": (
        "United Kingdom",
        "UK",
        "U.K.",
        "Great Britain",
        "Britain",
        "United Kingdom of Great Britain & Northern Ireland",
    ),
    "GM": ("The Gambia", "Gambia, The"),
    "IR": ("Iran", "Islamic Republic of Iran", "Iran, Islamic Republic of"),
    "KG": ("Kyrgyz Republic",),
    "KP": (
        "North Korea",
        "DPRK",
        "Korea, Democratic People's Republic of",
        "Korea (Democratic People's Republic of)",
    ),
    "KR": ("South Korea", "Korea, Republic of", "Korea (Republic of)"),
    "LA": ("Laos", "Lao PDR", "Lao"),
    "MD": ("Moldova", "Moldova, Republic of"),
    "MK": (
        "Macedonia",
        "Republic of North Macedonia",
        "The former Yugoslav Republic of Macedonia",
        "Former Yugoslav Republic of Macedonia",
        "FYROM",
    ),
    "MM": ("Burma",),
    "NL": ("Netherlands", "The Netherlands", "Kingdom of the Netherlands", "Holland"),
    "PS": ("Palestine", "Palestine, State of"),
    "RU": ("Russia",),
    "SK": ("Slovak Republic",),
    "SY": ("Syria",),
    "SZ": ("Swaziland", "Kingdom of Eswatini"),
    "TL": ("East Timor",),
    "TR": ("Turkey", "Republic of Türkiye"),
    "TZ": ("Tanzania", "Tanzania, United Republic of"),
    "US": ("USA", "U.S.A.", "United States", "U.S."),
    "AE": ("UAE",),
    "VA": ("Vatican", "Vatican City", "Vatican City State", "Holy See (Vatican City State)"),
    "VE": ("Venezuela", "Bolivarian Republic of Venezuela", "Venezuela, Bolivarian Republic of"),
    "VN": ("Vietnam",),
    "HK": ("Hong Kong", "Hong Kong, China", "Hong Kong SAR"),
    "MO": ("Macao", "Macau", "Macao, China", "Macao SAR"),
    "FK": ("Falkland Islands",),
    "VG": ("Virgin Islands (British)",),
    "VI": ("Virgin Islands (U.S.)", "US Virgin Islands"),
    "SH": ("Saint Helena, Ascension and Tristan da Cunha",),
}


def _fold(label: str) -> str:
    """``label_key`` without accents: people type "Turkiye" and "Cote d'Ivoire" for the UHRI names."""
    decomposed = unicodedata.normalize("NFKD", label)
    return label_key("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    spellings = list(ISO2_NAMES.items())
    spellings += [(code, alias) for code, aliases in _ALIASES.items() for alias in aliases]
    for code, spelling in spellings:
        if code not in ISO2_NAMES:
            raise ValueError(f"country alias for unknown code {code}")
        other = lookup.setdefault(_fold(spelling), code)
        # Two States behind one spelling would merge their recommendations: refuse to load.
        if other != code:
            raise ValueError(f"country spelling {spelling!r} claimed by {other} and {code}")
    return lookup


_CODE_BY_SPELLING: dict[str, str] = _build_lookup()


@lru_cache(maxsize=1)
def _iso_spellings() -> dict[str, str]:
    """ISO 3166-1 alpha-3 codes and ISO's English names (from pycountry) of the States above, folded.

    Loaded on first use (pycountry reads its tables then); the UN spellings and aliases win over ISO's.
    """
    import pycountry

    lookup: dict[str, str] = {}
    for country in pycountry.countries:
        if country.alpha_2 not in ISO2_NAMES:
            continue  # a territory UHRI does not index (Antarctica, Bouvet Island ...)
        for spelling in (country.alpha_3, country.name, *_optional_names(country)):
            key = _fold(spelling)
            if _CODE_BY_SPELLING.get(key, country.alpha_2) == country.alpha_2:
                lookup.setdefault(key, country.alpha_2)
    return lookup


def _optional_names(country: object) -> list[str]:
    return [str(name) for attr in ("official_name", "common_name") if (name := getattr(country, attr, None))]


def iso2_for(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a State given by code ("PE", "pe", "PER"), UHRI name ("Peru"),
    ISO name or a common other spelling ("Bolivia", "UK", "Ivory Coast"); None when it is none of those."""
    text = name.strip()
    if len(text) == 2 and text.upper() in ISO2_NAMES:
        return text.upper()
    key = _fold(text)
    return _CODE_BY_SPELLING.get(key) or _iso_spellings().get(key)


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
    by_key = {**{k: v for k, v in _iso_spellings().items() if len(k) > 3}, **_CODE_BY_SPELLING}
    close = difflib.get_close_matches(_fold(label), list(by_key), n=8, cutoff=0.6)
    names = list(dict.fromkeys(ISO2_NAMES[by_key[key]] for key in close))
    raise UnknownCountry(label, names[:3])
