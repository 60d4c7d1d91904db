"""Generate a synthetic full-size UHRI export (uhri-formats.md §1) to benchmark the importers.

    .venv/bin/python benchmarks/generate_uhri_export.py /tmp/export-full-en.json \\
        --records 250000 --country Peru --country-records 3000 --seed 1 [--lang en] [--stats]

The file is written record by record, so memory does not grow with --records. Output is
deterministic for a seed, and every random draw is independent of --lang: the same seed gives the
same records in English and French (only Text differs, and a few records are left out of the
non-English file, as happens in the real exports). The text is assembled from a vocabulary of
human-rights phrases, so it reads like the real thing but is not OHCHR text.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import random
import re
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

import yaml

SDG_DIR = Path(__file__).resolve().parents[1] / "app" / "data" / "sdg" / "en"
LANGS = ("en", "fr")
RECOMMENDATION = "- Recommendations"
CONCERN = "- Concerns/Observations"
MIN_TEXT, MEDIAN_TEXT, MAX_TEXT = 200, 450, 1500
# Lengths are planned on (shortest, longest) wording over the languages, never on the language being
# written, so that the random draws, hence the records, are the same whatever --lang is: the shortest
# wording must reach the target length (>= MIN_TEXT) and the longest must stay within MAX_TEXT.
OPENING_LO, OPENING_HI = 22, 120  # "The State party should " .. "Tout en prenant note des efforts ..."
FOLLOW_UP_HI = 200
ITEM_MARKUP_HI = 24  # <li>(a) ...&nbsp;;</li>
FR_MISSING_RATE = 0.004
TWO_COUNTRY_SP_RATE = 0.15  # special-procedure documents are ~20 % of records: ~3 % overall
NO_COUNTRY_DOC_RATE = 0.046  # thematic reports are small documents: ~1 % of records
# Records per document, by kind: a UPR report holds far more recommendations than a visit report.
DOC_SIZE = {"upr": (30, 220), "tb": (4, 45), "sp": (4, 45), "none": (2, 14)}
STUB_RATE = 0.003
LAST_UPR_SESSION = 47


def esc(text: str) -> str:
    """Escape the way UHRI's HTML does: &amp;, &#39; and &nbsp; entities."""
    return text.replace("&", "&amp;").replace("'", "&#39;").replace("\u00a0", "&nbsp;")


Phrase = tuple[str, str]  # (en, fr), HTML-escaped; index with LANG_INDEX


def ph(en: str, fr: str) -> Phrase:
    return (esc(en), esc(fr))


LANG_INDEX = {"en": 0, "fr": 1}

# --------------------------------------------------------------------------------------------------
# States: UHRI name | ISO 3166 alpha-2 | alpha-3 | UN regional group | French name
# (a trailing backslash continues a row: the string literal drops the line break)
# --------------------------------------------------------------------------------------------------
COUNTRY_TABLE = """
Algeria|DZ|DZA|AFR|Algérie
Angola|AO|AGO|AFR|Angola
Benin|BJ|BEN|AFR|Bénin
Botswana|BW|BWA|AFR|Botswana
Burkina Faso|BF|BFA|AFR|Burkina Faso
Burundi|BI|BDI|AFR|Burundi
Cabo Verde|CV|CPV|AFR|Cabo Verde
Cameroon|CM|CMR|AFR|Cameroun
Central African Republic|CF|CAF|AFR|République centrafricaine
Chad|TD|TCD|AFR|Tchad
Comoros|KM|COM|AFR|Comores
Congo|CG|COG|AFR|Congo
Côte d'Ivoire|CI|CIV|AFR|Côte d'Ivoire
Democratic Republic of the Congo|CD|COD|AFR|République démocratique du Congo
Djibouti|DJ|DJI|AFR|Djibouti
Egypt|EG|EGY|AFR|Égypte
Equatorial Guinea|GQ|GNQ|AFR|Guinée équatoriale
Eritrea|ER|ERI|AFR|Érythrée
Eswatini|SZ|SWZ|AFR|Eswatini
Ethiopia|ET|ETH|AFR|Éthiopie
Gabon|GA|GAB|AFR|Gabon
Gambia|GM|GMB|AFR|Gambie
Ghana|GH|GHA|AFR|Ghana
Guinea|GN|GIN|AFR|Guinée
Guinea-Bissau|GW|GNB|AFR|Guinée-Bissau
Kenya|KE|KEN|AFR|Kenya
Lesotho|LS|LSO|AFR|Lesotho
Liberia|LR|LBR|AFR|Libéria
Libya|LY|LBY|AFR|Libye
Madagascar|MG|MDG|AFR|Madagascar
Malawi|MW|MWI|AFR|Malawi
Mali|ML|MLI|AFR|Mali
Mauritania|MR|MRT|AFR|Mauritanie
Mauritius|MU|MUS|AFR|Maurice
Morocco|MA|MAR|AFR|Maroc
Mozambique|MZ|MOZ|AFR|Mozambique
Namibia|NA|NAM|AFR|Namibie
Niger|NE|NER|AFR|Niger
Nigeria|NG|NGA|AFR|Nigéria
Rwanda|RW|RWA|AFR|Rwanda
Sao Tome and Principe|ST|STP|AFR|Sao Tomé-et-Principe
Senegal|SN|SEN|AFR|Sénégal
Seychelles|SC|SYC|AFR|Seychelles
Sierra Leone|SL|SLE|AFR|Sierra Leone
Somalia|SO|SOM|AFR|Somalie
South Africa|ZA|ZAF|AFR|Afrique du Sud
South Sudan|SS|SSD|AFR|Soudan du Sud
Sudan|SD|SDN|AFR|Soudan
Togo|TG|TGO|AFR|Togo
Tunisia|TN|TUN|AFR|Tunisie
Uganda|UG|UGA|AFR|Ouganda
United Republic of Tanzania|TZ|TZA|AFR|République-Unie de Tanzanie
Zambia|ZM|ZMB|AFR|Zambie
Zimbabwe|ZW|ZWE|AFR|Zimbabwe
Afghanistan|AF|AFG|APG|Afghanistan
Bahrain|BH|BHR|APG|Bahreïn
Bangladesh|BD|BGD|APG|Bangladesh
Bhutan|BT|BTN|APG|Bhoutan
Brunei Darussalam|BN|BRN|APG|Brunéi Darussalam
Cambodia|KH|KHM|APG|Cambodge
China|CN|CHN|APG|Chine
Cyprus|CY|CYP|APG|Chypre
Democratic People's Republic of Korea|KP|PRK|APG|République populaire démocratique de Corée
Fiji|FJ|FJI|APG|Fidji
India|IN|IND|APG|Inde
Indonesia|ID|IDN|APG|Indonésie
Iran (Islamic Republic of)|IR|IRN|APG|Iran (République islamique d')
Iraq|IQ|IRQ|APG|Iraq
Japan|JP|JPN|APG|Japon
Jordan|JO|JOR|APG|Jordanie
Kazakhstan|KZ|KAZ|APG|Kazakhstan
Kiribati|KI|KIR|APG|Kiribati
Kuwait|KW|KWT|APG|Koweït
Kyrgyzstan|KG|KGZ|APG|Kirghizistan
Lao People's Democratic Republic|LA|LAO|APG|République démocratique populaire lao
Lebanon|LB|LBN|APG|Liban
Malaysia|MY|MYS|APG|Malaisie
Maldives|MV|MDV|APG|Maldives
Marshall Islands|MH|MHL|APG|Îles Marshall
Micronesia (Federated States of)|FM|FSM|APG|Micronésie (États fédérés de)
Mongolia|MN|MNG|APG|Mongolie
Myanmar|MM|MMR|APG|Myanmar
Nauru|NR|NRU|APG|Nauru
Nepal|NP|NPL|APG|Népal
Oman|OM|OMN|APG|Oman
Pakistan|PK|PAK|APG|Pakistan
Palau|PW|PLW|APG|Palaos
Papua New Guinea|PG|PNG|APG|Papouasie-Nouvelle-Guinée
Philippines|PH|PHL|APG|Philippines
Qatar|QA|QAT|APG|Qatar
Republic of Korea|KR|KOR|APG|République de Corée
Samoa|WS|WSM|APG|Samoa
Saudi Arabia|SA|SAU|APG|Arabie saoudite
Singapore|SG|SGP|APG|Singapour
Solomon Islands|SB|SLB|APG|Îles Salomon
Sri Lanka|LK|LKA|APG|Sri Lanka
State of Palestine|PS|PSE|APG|État de Palestine
Syrian Arab Republic|SY|SYR|APG|République arabe syrienne
Tajikistan|TJ|TJK|APG|Tadjikistan
Thailand|TH|THA|APG|Thaïlande
Timor-Leste|TL|TLS|APG|Timor-Leste
Tonga|TO|TON|APG|Tonga
Turkmenistan|TM|TKM|APG|Turkménistan
Tuvalu|TV|TUV|APG|Tuvalu
United Arab Emirates|AE|ARE|APG|Émirats arabes unis
Uzbekistan|UZ|UZB|APG|Ouzbékistan
Vanuatu|VU|VUT|APG|Vanuatu
Viet Nam|VN|VNM|APG|Viet Nam
Yemen|YE|YEM|APG|Yémen
Albania|AL|ALB|EEG|Albanie
Armenia|AM|ARM|EEG|Arménie
Azerbaijan|AZ|AZE|EEG|Azerbaïdjan
Belarus|BY|BLR|EEG|Bélarus
Bosnia and Herzegovina|BA|BIH|EEG|Bosnie-Herzégovine
Bulgaria|BG|BGR|EEG|Bulgarie
Croatia|HR|HRV|EEG|Croatie
Czechia|CZ|CZE|EEG|Tchéquie
Estonia|EE|EST|EEG|Estonie
Georgia|GE|GEO|EEG|Géorgie
Hungary|HU|HUN|EEG|Hongrie
Latvia|LV|LVA|EEG|Lettonie
Lithuania|LT|LTU|EEG|Lituanie
Montenegro|ME|MNE|EEG|Monténégro
North Macedonia|MK|MKD|EEG|Macédoine du Nord
Poland|PL|POL|EEG|Pologne
Republic of Moldova|MD|MDA|EEG|République de Moldova
Romania|RO|ROU|EEG|Roumanie
Russian Federation|RU|RUS|EEG|Fédération de Russie
Serbia|RS|SRB|EEG|Serbie
Slovakia|SK|SVK|EEG|Slovaquie
Slovenia|SI|SVN|EEG|Slovénie
Ukraine|UA|UKR|EEG|Ukraine
Antigua and Barbuda|AG|ATG|GRULAC|Antigua-et-Barbuda
Argentina|AR|ARG|GRULAC|Argentine
Bahamas|BS|BHS|GRULAC|Bahamas
Barbados|BB|BRB|GRULAC|Barbade
Belize|BZ|BLZ|GRULAC|Belize
Bolivia (Plurinational State of)|BO|BOL|GRULAC|Bolivie (État plurinational de)
Brazil|BR|BRA|GRULAC|Brésil
Chile|CL|CHL|GRULAC|Chili
Colombia|CO|COL|GRULAC|Colombie
Costa Rica|CR|CRI|GRULAC|Costa Rica
Cuba|CU|CUB|GRULAC|Cuba
Dominica|DM|DMA|GRULAC|Dominique
Dominican Republic|DO|DOM|GRULAC|République dominicaine
Ecuador|EC|ECU|GRULAC|Équateur
El Salvador|SV|SLV|GRULAC|El Salvador
Grenada|GD|GRD|GRULAC|Grenade
Guatemala|GT|GTM|GRULAC|Guatemala
Guyana|GY|GUY|GRULAC|Guyana
Haiti|HT|HTI|GRULAC|Haïti
Honduras|HN|HND|GRULAC|Honduras
Jamaica|JM|JAM|GRULAC|Jamaïque
Mexico|MX|MEX|GRULAC|Mexique
Nicaragua|NI|NIC|GRULAC|Nicaragua
Panama|PA|PAN|GRULAC|Panama
Paraguay|PY|PRY|GRULAC|Paraguay
Peru|PE|PER|GRULAC|Pérou
Saint Kitts and Nevis|KN|KNA|GRULAC|Saint-Kitts-et-Nevis
Saint Lucia|LC|LCA|GRULAC|Sainte-Lucie
Saint Vincent and the Grenadines|VC|VCT|GRULAC|Saint-Vincent-et-les Grenadines
Suriname|SR|SUR|GRULAC|Suriname
Trinidad and Tobago|TT|TTO|GRULAC|Trinité-et-Tobago
Uruguay|UY|URY|GRULAC|Uruguay
Venezuela (Bolivarian Republic of)|VE|VEN|GRULAC|Venezuela (République bolivarienne du)
Andorra|AD|AND|WEOG|Andorre
Australia|AU|AUS|WEOG|Australie
Austria|AT|AUT|WEOG|Autriche
Belgium|BE|BEL|WEOG|Belgique
Canada|CA|CAN|WEOG|Canada
Denmark|DK|DNK|WEOG|Danemark
Finland|FI|FIN|WEOG|Finlande
France|FR|FRA|WEOG|France
Germany|DE|DEU|WEOG|Allemagne
Greece|GR|GRC|WEOG|Grèce
Iceland|IS|ISL|WEOG|Islande
Ireland|IE|IRL|WEOG|Irlande
Israel|IL|ISR|WEOG|Israël
Italy|IT|ITA|WEOG|Italie
Liechtenstein|LI|LIE|WEOG|Liechtenstein
Luxembourg|LU|LUX|WEOG|Luxembourg
Malta|MT|MLT|WEOG|Malte
Monaco|MC|MCO|WEOG|Monaco
Netherlands (Kingdom of the)|NL|NLD|WEOG|Pays-Bas (Royaume des)
New Zealand|NZ|NZL|WEOG|Nouvelle-Zélande
Norway|NO|NOR|WEOG|Norvège
Portugal|PT|PRT|WEOG|Portugal
San Marino|SM|SMR|WEOG|Saint-Marin
Spain|ES|ESP|WEOG|Espagne
Sweden|SE|SWE|WEOG|Suède
Switzerland|CH|CHE|WEOG|Suisse
Türkiye|TR|TUR|WEOG|Türkiye
United Kingdom of Great Britain and Northern Ireland|GB|GBR|WEOG|\
Royaume-Uni de Grande-Bretagne et d'Irlande du Nord
United States of America|US|USA|WEOG|États-Unis d'Amérique
"""

GROUP_LABEL = {
    "AFR": "African Group",
    "APG": "Asia-Pacific Group",
    "EEG": "EEG",
    "GRULAC": "GRULAC",
    "WEOG": "WEOG",
}
REGION_LABEL = {
    "AFR": "Africa",
    "APG": "Asia-Pacific",
    "EEG": "Eastern Europe",
    "GRULAC": "Latin America and the Caribbean",
    "WEOG": "Western Europe and Other States",
}
# UPR sessions are b, b+12, b+26, b+40 for a State first reviewed at session b (1..12): one per
# cycle under the session->cycle rule of domain.md. Peru's real slot gives sessions 2, 14, 28, 42.
KNOWN_UPR_SLOT = {"Peru": 2}


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    group: str
    names: Phrase  # escaped, per language, for the "(Norway)" suffix of UPR texts

    @property
    def region(self) -> str:
        return REGION_LABEL[self.group]


def load_countries() -> list[Country]:
    out = []
    for line in COUNTRY_TABLE.strip().splitlines():
        name, iso2, iso3, group, name_fr = line.split("|")
        out.append(Country(name, iso2, iso3, group, ph(name, name_fr)))
    return out


# --------------------------------------------------------------------------------------------------
# Taxonomy labels as the feed spells them
# --------------------------------------------------------------------------------------------------
TORTURE = "Torture and other cruel, inhuman or degrading treatment or punishment"
DISABILITY = "Persons with disabilities: definition, general principles"
DEPRIVED = "Persons deprived of their liberty"
LGBTI = "Lesbian, gay, bisexual, transgender and intersex persons"
MINORITIES = "Minorities/ racial, ethnic, linguistic, religious or descent-based groups"

THEMES = (
    "Acceptance of international norms",
    "Access to information",
    "Access to justice",
    "Administration of justice & fair trial",
    "Arbitrary detention",
    "Birth registration",
    "Business & human rights",
    "Child labour",
    "Children in alternative care",
    "Children: definition; general principles; protection",
    "Children: protection against exploitation",
    "Climate change",
    "Conditions of detention",
    "Constitutional and legislative framework",
    "Contemporary forms of slavery",
    "Cooperation with special procedures",
    "Cooperation with treaty bodies",
    "Corporal punishment",
    "Corruption",
    "Counter-terrorism",
    "Cultural rights",
    "Death penalty",
    "Deaths in custody",
    "Deprivation of liberty",
    "Discrimination against women",
    "Domestic violence",
    "Economic, social & cultural rights - general measures",
    "Elections",
    "Enforced disappearances",
    "Environment",
    "Equality & non-discrimination",
    "Equality before the law",
    "Extrajudicial, summary or arbitrary executions",
    "Follow-up to treaty bodies",
    "Freedom of association",
    "Freedom of movement",
    "Freedom of opinion and expression",
    "Freedom of peaceful assembly",
    "Freedom of thought, conscience and religion",
    "Gender-based violence",
    "Harmful practices",
    "Hate speech",
    "Human rights defenders",
    "Human rights education & training",
    "Human rights policies",
    "Impunity",
    "Independence of judiciary",
    "Indigenous peoples",
    "Institutions & policies",
    "Internally displaced persons",
    "International humanitarian law",
    "Just and favourable conditions of work",
    "Juvenile justice",
    "Land & property",
    "Law enforcement",
    "Legal capacity",
    "Liberty and security of the person",
    "Migrants",
    "Minorities",
    "National Human Rights Institution",
    "National Preventive Mechanism",
    "National plans of action on human rights",
    "Non-refoulement",
    "Participation in public affairs and right to vote",
    "Participation of women in political & public life",
    DISABILITY,
    "Poverty",
    "Prohibition of slavery, trafficking",
    "Racial discrimination",
    "Refugees & asylum-seekers",
    "Reparation",
    "Right to adequate housing",
    "Right to an adequate standard of living",
    "Right to an effective remedy",
    "Right to development",
    "Right to education",
    "Right to food",
    "Right to health",
    "Right to life",
    "Right to nationality",
    "Right to privacy",
    "Right to social security",
    "Right to truth",
    "Right to water & sanitation",
    "Right to work",
    "Rights related to marriage & family",
    "Rural women",
    "Scope of international obligations",
    "Sexual & reproductive health and rights",
    "Sexual orientation & gender identity",
    "Sexual violence",
    "Statelessness",
    "Structure of the national human rights machinery",
    "Technical assistance and cooperation",
    TORTURE,
    "Trade union rights",
    "Trafficking in persons",
    "Transitional justice",
    "Violence against children",
    "Violence against women",
)
# Other spellings the feed uses for the same theme; importers must merge them.
THEME_VARIANTS = {
    "Participation of women in political & public life": (
        "Participation of women in political and public life"
    ),
    "Right to water & sanitation": "Right to water and sanitation",
    "Sexual & reproductive health and rights": "Sexual and reproductive health and rights",
    "Indigenous peoples": "Indigenous Peoples",
    "Business & human rights": "Business and human rights",
    "Administration of justice & fair trial": "Administration of justice and fair trial",
    "Human rights education & training": "Human rights education and training",
}
AFFECTED = (
    "Children",
    "Civil society",
    "Disappeared persons",
    "Domestic workers",
    "General",
    "Girls",
    "Human rights defenders",
    "Indigenous peoples",
    "Internally displaced persons",
    "Journalists",
    "Judges, lawyers and prosecutors",
    "Law enforcement / police officials",
    LGBTI,
    "Media",
    "Migrants",
    MINORITIES,
    "Non-citizens",
    "Older persons",
    "People of African descent",
    DEPRIVED,
    "Persons affected by armed conflict",
    "Persons affected by leprosy",
    "Persons in street situations",
    "Persons living in poverty",
    "Persons living in rural areas",
    "Persons living with HIV/AIDS",
    "Persons with albinism",
    "Persons with disabilities",
    "Public officials",
    "Refugees & asylum-seekers",
    "Roma",
    "Rural women",
    "Stateless persons",
    "Victims of trafficking",
    "Women & girls",
    "Workers",
    "Youth & juveniles",
    "Sex workers",
    "Victims of torture",
    "Mothers",
)


# --------------------------------------------------------------------------------------------------
# Phrase vocabulary. Actions are bare infinitives ("adopt ...", "adopter ...") so that one phrase
# serves "recommends that the State party adopt", "urges ... to adopt" and the UPR's "Adopt ...".
# Concerns are noun phrases with their article ("the persistence of ...", "la persistance de ...").
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Topic:
    key: str
    heading: Phrase
    themes: tuple[str, ...]
    affected: tuple[str, ...]
    sdgs: tuple[str, ...]
    actions: tuple[Phrase, ...]
    concerns: tuple[Phrase, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "torture",
        ph("Torture and ill-treatment", "Torture et mauvais traitements"),
        (TORTURE, "Impunity", "Law enforcement"),
        (DEPRIVED, "Victims of torture"),
        ("16.3", "16.a"),
        (
            ph(
                "amend its legislation to include a definition of torture that is fully in line with "
                "article 1 of the Convention against Torture",
                "modifier sa législation afin d'y inclure une définition de la torture pleinement conforme à "
                "l'article premier de la Convention contre la torture",
            ),
            ph(
                "ensure that all allegations of torture and ill-treatment are promptly, impartially and "
                "effectively investigated by an independent body and that perpetrators are prosecuted and "
                "punished",
                "veiller à ce que toutes les allégations de torture et de mauvais traitements fassent "
                "rapidement l'objet d'enquêtes impartiales et efficaces menées par un organe indépendant, "
                "et à ce que les auteurs soient poursuivis et punis",
            ),
            ph(
                "ensure that confessions obtained under torture are not admitted as evidence in any "
                "proceedings",
                "veiller à ce que les aveux obtenus sous la torture ne soient admis comme preuve dans aucune "
                "procédure",
            ),
            ph(
                "establish or strengthen a national preventive mechanism with full independence and adequate "
                "resources",
                "créer ou renforcer un mécanisme national de prévention pleinement indépendant et doté de "
                "ressources suffisantes",
            ),
        ),
        (
            ph(
                "the persistent allegations of torture and ill-treatment of persons in police custody, in "
                "particular during the first hours of deprivation of liberty",
                "la persistance d'allégations de torture et de mauvais traitements infligés à des personnes "
                "en garde à vue, en particulier pendant les premières heures de la privation de liberté",
            ),
            ph(
                "the low number of prosecutions and convictions for acts of torture, which contributes to a "
                "climate of impunity",
                "le faible nombre de poursuites et de condamnations pour des actes de torture, qui "
                "contribue à un climat d'impunité",
            ),
            ph(
                "the lack of independence of the bodies responsible for investigating complaints against law "
                "enforcement officials",
                "le manque d'indépendance des organes chargés d'enquêter sur les plaintes visant des agents "
                "des forces de l'ordre",
            ),
        ),
    ),
    Topic(
        "detention",
        ph("Conditions of detention", "Conditions de détention"),
        ("Conditions of detention", "Deprivation of liberty", "Deaths in custody"),
        (DEPRIVED,),
        ("16.3",),
        (
            ph(
                "reduce prison overcrowding, in particular by making greater use of non-custodial measures "
                "and limiting the use and length of pretrial detention",
                "réduire la surpopulation carcérale, notamment en recourant davantage aux mesures non "
                "privatives de liberté et en limitant le recours à la détention provisoire et sa durée",
            ),
            ph(
                "improve material conditions in all places of detention, including access to drinking water, "
                "adequate food, sanitation and health care",
                "améliorer les conditions matérielles dans tous les lieux de détention, notamment l'accès à "
                "l'eau potable, à une alimentation suffisante, à l'assainissement et aux soins de santé",
            ),
            ph(
                "ensure that pretrial detainees are held separately from convicted prisoners, and juveniles "
                "separately from adults",
                "veiller à ce que les prévenus soient séparés des condamnés, et les mineurs des adultes",
            ),
            ph(
                "bring conditions of detention into line with the United Nations Standard Minimum Rules for "
                "the Treatment of Prisoners (the Nelson Mandela Rules)",
                "rendre les conditions de détention conformes à l'Ensemble de règles minima des Nations "
                "Unies pour le traitement des détenus (Règles Nelson Mandela)",
            ),
        ),
        (
            ph(
                "the severe overcrowding and poor material conditions in many prisons, where the occupancy "
                "rate exceeds 200\u00a0per cent",
                "la grave surpopulation et les mauvaises conditions matérielles dans de nombreuses prisons, "
                "dont le taux d'occupation dépasse 200\u00a0%",
            ),
            ph(
                "the high number of deaths in custody and the lack of effective investigations into them",
                "le nombre élevé de décès en détention et l'absence d'enquêtes efficaces à ce sujet",
            ),
            ph(
                "the excessive use of pretrial detention, which affects a large proportion of the prison "
                "population",
                "le recours excessif à la détention provisoire, qui touche une grande partie de la "
                "population carcérale",
            ),
        ),
    ),
    Topic(
        "indigenous",
        ph("Indigenous peoples", "Peuples autochtones"),
        ("Indigenous peoples", "Land & property", "Business & human rights"),
        ("Indigenous peoples",),
        ("1.4", "2.3", "10.2", "15.2"),
        (
            ph(
                "guarantee the right of indigenous peoples to free, prior and informed consent before the "
                "approval of any project affecting their lands, territories or resources",
                "garantir le droit des peuples autochtones au consentement préalable, libre et éclairé "
                "avant l'approbation de tout projet ayant une incidence sur leurs terres, territoires ou "
                "ressources",
            ),
            ph(
                "expedite the demarcation and titling of indigenous lands and territories",
                "accélérer la délimitation et l'attribution de titres de propriété des terres et territoires "
                "autochtones",
            ),
            ph(
                "ensure that indigenous peoples have access to culturally appropriate health care and "
                "intercultural bilingual education",
                "veiller à ce que les peuples autochtones aient accès à des soins de santé adaptés à leur "
                "culture et à une éducation interculturelle bilingue",
            ),
            ph(
                "protect indigenous peoples in voluntary isolation and initial contact, including by "
                "preventing illegal mining and logging in their territories",
                "protéger les peuples autochtones en situation d'isolement volontaire et de premier contact, "
                "notamment en empêchant l'exploitation minière et forestière illégale sur leurs territoires",
            ),
        ),
        (
            ph(
                "the granting of extractive concessions on indigenous territories without adequate "
                "consultation",
                "l'octroi de concessions extractives sur des territoires autochtones sans consultation "
                "adéquate",
            ),
            ph(
                "the persistent gaps in access to health, education and basic services faced by indigenous "
                "peoples, in particular in remote areas",
                "les lacunes persistantes dans l'accès à la santé, à l'éducation et aux services de base "
                "dont souffrent les peuples autochtones, en particulier dans les zones reculées",
            ),
            ph(
                "the criminalization of indigenous leaders who defend their lands and resources",
                "la criminalisation des dirigeants autochtones qui défendent leurs terres et leurs "
                "ressources",
            ),
        ),
    ),
    Topic(
        "vaw",
        ph("Gender-based violence against women", "Violence à l'égard des femmes fondée sur le genre"),
        ("Violence against women", "Gender-based violence", "Domestic violence"),
        ("Women & girls",),
        ("5.2", "16.1"),
        (
            ph(
                "adopt comprehensive legislation criminalizing all forms of gender-based violence against "
                "women, including marital rape and psychological violence",
                "adopter une législation globale qui érige en infraction toutes les formes de violence "
                "fondée sur le genre à l'égard des femmes, y compris le viol conjugal et la violence "
                "psychologique",
            ),
            ph(
                "ensure that all cases of gender-based violence, including femicide, are effectively "
                "investigated, that perpetrators are prosecuted and adequately punished, and that victims "
                "receive reparation",
                "veiller à ce que tous les cas de violence fondée sur le genre, y compris les féminicides, "
                "fassent l'objet d'enquêtes effectives, à ce que les auteurs soient poursuivis et dûment "
                "punis et à ce que les victimes obtiennent réparation",
            ),
            ph(
                "increase the number and capacity of shelters and ensure that they are accessible to women "
                "with disabilities and women in rural areas",
                "augmenter le nombre et la capacité des foyers d'accueil et veiller à ce qu'ils soient "
                "accessibles aux femmes handicapées et aux femmes vivant en zone rurale",
            ),
            ph(
                "provide mandatory training to judges, prosecutors and police officers on the "
                "gender-sensitive handling of complaints of violence",
                "dispenser aux juges, aux procureurs et aux policiers une formation obligatoire sur le "
                "traitement des plaintes pour violence dans le respect des questions de genre",
            ),
        ),
        (
            ph(
                "the high prevalence of gender-based violence against women, including femicide, and the low "
                "rate of prosecutions",
                "la forte prévalence de la violence fondée sur le genre à l'égard des femmes, y compris les "
                "féminicides, et le faible taux de poursuites",
            ),
            ph(
                "the lack of shelters and of support services for victims, in particular in rural areas",
                "le manque de foyers d'accueil et de services d'aide aux victimes, en particulier dans les "
                "zones rurales",
            ),
            ph(
                "the persistence of discriminatory stereotypes that justify violence against women, such as "
                "so-called “honour” crimes",
                "la persistance de stéréotypes discriminatoires qui justifient la violence à l'égard des "
                "femmes, comme les crimes dits «\u00a0d'honneur\u00a0»",
            ),
        ),
    ),
    Topic(
        "children_violence",
        ph("Violence against children", "Violence à l'égard des enfants"),
        ("Violence against children", "Corporal punishment", "Children: protection against exploitation"),
        ("Children", "Girls"),
        ("16.2", "4.a"),
        (
            ph(
                "explicitly prohibit corporal punishment in all settings, including in the home, schools and "
                "alternative care",
                "interdire expressément les châtiments corporels dans tous les contextes, y compris au sein "
                "de la famille, à l'école et dans les structures de protection de remplacement",
            ),
            ph(
                "establish child-friendly reporting mechanisms and ensure that all cases of violence against "
                "children are investigated",
                "mettre en place des mécanismes de signalement adaptés aux enfants et veiller à ce que tous "
                "les cas de violence à l'égard des enfants fassent l'objet d'enquêtes",
            ),
            ph(
                "strengthen the child protection system and allocate sufficient resources to services for "
                "child victims of sexual abuse",
                "renforcer le système de protection de l'enfance et allouer des ressources suffisantes aux "
                "services destinés aux enfants victimes d'abus sexuels",
            ),
            ph(
                "develop a national database on all cases of violence against children, disaggregated by "
                "age, sex and type of violence",
                "créer une base de données nationale sur tous les cas de violence à l'égard des enfants, "
                "dont les données sont ventilées par âge, sexe et type de violence",
            ),
        ),
        (
            ph(
                "the high prevalence of violence against children, including corporal punishment, sexual "
                "abuse and bullying",
                "la forte prévalence de la violence à l'égard des enfants, notamment les châtiments "
                "corporels, les abus sexuels et le harcèlement",
            ),
            ph(
                "the fact that corporal punishment is still lawful in the home",
                "le fait que les châtiments corporels sont toujours autorisés au sein de la famille",
            ),
            ph(
                "the insufficient resources allocated to the child protection system",
                "l'insuffisance des ressources allouées au système de protection de l'enfance",
            ),
        ),
    ),
    Topic(
        "juvenile",
        ph("Administration of child justice", "Administration de la justice pour enfants"),
        ("Juvenile justice", "Administration of justice & fair trial"),
        ("Children", "Youth & juveniles"),
        ("16.3",),
        (
            ph(
                "raise the minimum age of criminal responsibility to at least 14 years of age",
                "relever l'âge minimum de la responsabilité pénale à 14 ans au moins",
            ),
            ph(
                "ensure that the detention of children is used as a measure of last resort and for the "
                "shortest possible period of time",
                "veiller à ce que la détention d'enfants soit une mesure de dernier ressort et d'une durée "
                "aussi brève que possible",
            ),
            ph(
                "promote non-judicial measures, such as diversion, mediation and counselling, for children "
                "accused of criminal offences",
                "promouvoir des mesures non judiciaires, telles que la déjudiciarisation, la médiation et "
                "l'accompagnement psychologique, pour les enfants accusés d'infractions pénales",
            ),
            ph(
                "establish specialized child justice courts with adequately trained staff",
                "créer des juridictions spécialisées pour enfants dotées d'un personnel dûment formé",
            ),
        ),
        (
            ph(
                "the low minimum age of criminal responsibility and the possibility of trying children as "
                "adults for serious offences",
                "l'âge minimum peu élevé de la responsabilité pénale et la possibilité de juger des enfants "
                "comme des adultes pour des infractions graves",
            ),
            ph(
                "the frequent use of pretrial detention for children and the poor conditions in juvenile "
                "detention centres",
                "le recours fréquent à la détention provisoire pour les enfants et les mauvaises conditions "
                "de vie dans les centres de détention pour mineurs",
            ),
        ),
    ),
    Topic(
        "hrd",
        ph("Human rights defenders", "Défenseurs des droits de l'homme"),
        ("Human rights defenders", "Freedom of association", "Impunity"),
        ("Human rights defenders", "Journalists", "Civil society"),
        ("16.10",),
        (
            ph(
                "take all measures necessary to prevent threats, attacks and reprisals against human rights "
                "defenders, journalists and environmental activists",
                "prendre toutes les mesures nécessaires pour prévenir les menaces, les agressions et les "
                "représailles visant les défenseurs des droits de l'homme, les journalistes et les militants "
                "écologistes",
            ),
            ph(
                "ensure that all killings and attacks against human rights defenders are promptly "
                "investigated and that those responsible are brought to justice",
                "veiller à ce que tous les meurtres et agressions visant des défenseurs des droits de "
                "l'homme fassent rapidement l'objet d'enquêtes et à ce que les responsables soient traduits "
                "en justice",
            ),
            ph(
                "adopt a law on the protection of human rights defenders and provide the protection "
                "mechanism with adequate resources",
                "adopter une loi sur la protection des défenseurs des droits de l'homme et doter le "
                "mécanisme de protection de ressources suffisantes",
            ),
            ph(
                "refrain from using criminal law, including counter-terrorism legislation, to prosecute "
                "human rights defenders for their legitimate activities",
                "s'abstenir d'utiliser le droit pénal, y compris la législation antiterroriste, pour "
                "poursuivre des défenseurs des droits de l'homme en raison de leurs activités légitimes",
            ),
        ),
        (
            ph(
                "the killings, threats and harassment of human rights defenders, in particular those "
                "working on land and environmental issues",
                "les meurtres, les menaces et le harcèlement dont sont victimes les défenseurs des droits "
                "de l'homme, en particulier ceux qui travaillent sur les questions foncières et "
                "environnementales",
            ),
            ph(
                "the misuse of criminal proceedings against human rights defenders and community leaders",
                "l'utilisation abusive de poursuites pénales contre des défenseurs des droits de l'homme et "
                "des dirigeants communautaires",
            ),
            ph(
                "the stigmatizing statements made by public officials against human rights organizations",
                "les déclarations stigmatisantes de responsables publics à l'égard des organisations de "
                "défense des droits de l'homme",
            ),
        ),
    ),
    Topic(
        "participation",
        ph("Participation in political and public life", "Participation à la vie politique et publique"),
        ("Participation of women in political & public life", "Equality & non-discrimination", "Elections"),
        ("Women & girls",),
        ("5.5", "5.1"),
        (
            ph(
                "adopt temporary special measures, including quotas, to achieve the equal representation of "
                "women in Parliament, the Government and the judiciary",
                "adopter des mesures temporaires spéciales, notamment des quotas, pour parvenir à une "
                "représentation égale des femmes au Parlement, au Gouvernement et dans l'appareil judiciaire",
            ),
            ph(
                "criminalize political violence and harassment against women candidates and elected "
                "officials",
                "ériger en infraction la violence et le harcèlement politiques à l'égard des candidates et "
                "des élues",
            ),
            ph(
                "ensure that indigenous women, women of African descent and women with disabilities are "
                "represented in decision-making positions",
                "veiller à ce que les femmes autochtones, les femmes d'ascendance africaine et les femmes "
                "handicapées soient représentées aux postes de décision",
            ),
        ),
        (
            ph(
                "the under-representation of women in decision-making positions, in particular at the local "
                "level and in the diplomatic service",
                "la sous-représentation des femmes aux postes de décision, en particulier au niveau local et "
                "dans le service diplomatique",
            ),
            ph(
                "reports of political harassment and violence against women candidates",
                "les informations faisant état de harcèlement et de violence politiques à l'égard de "
                "candidates",
            ),
        ),
    ),
    Topic(
        "srhr",
        ph("Sexual and reproductive health and rights", "Santé et droits sexuels et procréatifs"),
        ("Right to health", "Sexual & reproductive health and rights"),
        ("Women & girls", "Youth & juveniles"),
        ("3.7", "5.6", "3.1"),
        (
            ph(
                "legalize abortion at least in cases of rape, incest, threats to the life or health of the "
                "pregnant woman and severe fetal impairment, and decriminalize it in all other cases",
                "légaliser l'avortement au moins en cas de viol, d'inceste, de risque pour la vie ou la "
                "santé de la femme enceinte et de malformation grave du fœtus, et le dépénaliser dans tous "
                "les autres cas",
            ),
            ph(
                "ensure access to affordable modern contraception and to age-appropriate sexuality education "
                "in schools",
                "garantir l'accès à des moyens de contraception modernes abordables et à une éducation "
                "sexuelle adaptée à l'âge dans les écoles",
            ),
            ph(
                "reduce maternal mortality, in particular among indigenous and rural women, by improving "
                "access to emergency obstetric care",
                "réduire la mortalité maternelle, en particulier chez les femmes autochtones et rurales, en "
                "améliorant l'accès aux soins obstétricaux d'urgence",
            ),
        ),
        (
            ph(
                "the high rate of adolescent pregnancy, in particular among girls living in poverty",
                "le taux élevé de grossesses chez les adolescentes, en particulier parmi les filles vivant "
                "dans la pauvreté",
            ),
            ph(
                "the restrictive legislation on abortion, which leads women to resort to unsafe abortions",
                "la législation restrictive en matière d'avortement, qui conduit les femmes à recourir à des "
                "avortements non sécurisés",
            ),
        ),
    ),
    Topic(
        "education",
        ph("Right to education", "Droit à l'éducation"),
        ("Right to education", "Equality & non-discrimination"),
        ("Children", "Persons with disabilities"),
        ("4.1", "4.5", "4.a"),
        (
            ph(
                "ensure free and compulsory primary and secondary education for all children, including "
                "children of migrants",
                "garantir un enseignement primaire et secondaire gratuit et obligatoire à tous les enfants, "
                "y compris les enfants de migrants",
            ),
            ph(
                "reduce school dropout rates, in particular among girls, children in rural areas and "
                "children belonging to minorities",
                "réduire les taux d'abandon scolaire, en particulier chez les filles, les enfants vivant en "
                "zone rurale et les enfants appartenant à des minorités",
            ),
            ph(
                "develop inclusive education for children with disabilities and provide reasonable "
                "accommodation in mainstream schools",
                "développer l'éducation inclusive des enfants handicapés et assurer des aménagements "
                "raisonnables dans les écoles ordinaires",
            ),
            ph(
                "increase the budget allocated to education and improve school infrastructure, including "
                "access to water and sanitation",
                "augmenter le budget consacré à l'éducation et améliorer les infrastructures scolaires, y "
                "compris l'accès à l'eau et à l'assainissement",
            ),
        ),
        (
            ph(
                "the high dropout rates in secondary education and the disparities in access to quality "
                "education between urban and rural areas",
                "les taux élevés d'abandon scolaire dans l'enseignement secondaire et les disparités "
                "d'accès à un enseignement de qualité entre zones urbaines et rurales",
            ),
            ph(
                "the large number of children with disabilities who are out of school",
                "le grand nombre d'enfants handicapés non scolarisés",
            ),
        ),
    ),
    Topic(
        "disappearances",
        ph("Enforced disappearances", "Disparitions forcées"),
        ("Enforced disappearances", "Right to truth", "Impunity", "Reparation"),
        ("Disappeared persons",),
        ("16.3", "16.1"),
        (
            ph(
                "criminalize enforced disappearance as an autonomous offence in line with the International "
                "Convention for the Protection of All Persons from Enforced Disappearance",
                "ériger la disparition forcée en infraction autonome, conformément à la Convention "
                "internationale pour la protection de toutes les personnes contre les disparitions forcées",
            ),
            ph(
                "intensify its efforts to search for disappeared persons and to identify and return their "
                "remains to their families",
                "intensifier ses efforts pour rechercher les personnes disparues et identifier et restituer "
                "leurs restes à leur famille",
            ),
            ph(
                "ensure that statutes of limitations and amnesties do not apply to enforced disappearances",
                "veiller à ce que la prescription et l'amnistie ne s'appliquent pas aux disparitions forcées",
            ),
            ph(
                "guarantee full reparation to the relatives of disappeared persons, including rehabilitation "
                "and guarantees of non-repetition",
                "garantir une réparation intégrale aux proches des personnes disparues, y compris la "
                "réadaptation et des garanties de non-répétition",
            ),
        ),
        (
            ph(
                "the large number of cases of enforced disappearance that remain unresolved and the slow "
                "progress of search efforts",
                "le grand nombre de cas de disparition forcée non élucidés et la lenteur des recherches",
            ),
            ph(
                "the absence of a specific offence of enforced disappearance in the Criminal Code",
                "l'absence d'infraction spécifique de disparition forcée dans le Code pénal",
            ),
        ),
    ),
    Topic(
        "migrants",
        ph("Migrants, refugees and asylum seekers", "Migrants, réfugiés et demandeurs d'asile"),
        ("Migrants", "Refugees & asylum-seekers", "Non-refoulement"),
        ("Migrants", "Refugees & asylum-seekers", "Non-citizens"),
        ("10.7", "8.8"),
        (
            ph(
                "ensure that the detention of migrants is used only as a measure of last resort and never "
                "for children",
                "veiller à ce que la détention des migrants ne soit utilisée qu'en dernier ressort et "
                "jamais à l'égard d'enfants",
            ),
            ph(
                "guarantee access to fair and efficient asylum procedures and full respect for the "
                "principle of non-refoulement",
                "garantir l'accès à des procédures d'asile équitables et efficaces et le plein respect du "
                "principe de non-refoulement",
            ),
            ph(
                "facilitate the regularization of migrants and their access to health care, education and "
                "decent work",
                "faciliter la régularisation des migrants et leur accès aux soins de santé, à l'éducation "
                "et à un travail décent",
            ),
            ph(
                "combat xenophobia and hate speech against migrants and refugees",
                "lutter contre la xénophobie et les discours de haine visant les migrants et les réfugiés",
            ),
        ),
        (
            ph(
                "reports of collective expulsions and push-backs at the border without an individual "
                "assessment of protection needs",
                "les informations faisant état d'expulsions collectives et de refoulements à la frontière "
                "sans évaluation individuelle des besoins de protection",
            ),
            ph(
                "the difficulties faced by migrants in regularizing their status and accessing basic "
                "services",
                "les difficultés que rencontrent les migrants pour régulariser leur situation et accéder aux "
                "services de base",
            ),
        ),
    ),
    Topic(
        "trafficking",
        ph("Trafficking in persons", "Traite des personnes"),
        ("Trafficking in persons", "Contemporary forms of slavery"),
        ("Victims of trafficking", "Women & girls", "Migrants"),
        ("5.2", "8.7", "16.2"),
        (
            ph(
                "strengthen the identification of victims of trafficking and their referral to appropriate "
                "protection and assistance services",
                "renforcer l'identification des victimes de la traite et leur orientation vers des services "
                "de protection et d'assistance appropriés",
            ),
            ph(
                "ensure that traffickers, including public officials complicit in trafficking, are "
                "prosecuted and adequately punished",
                "veiller à ce que les trafiquants, y compris les agents publics complices, soient "
                "poursuivis et dûment punis",
            ),
            ph(
                "provide victims of trafficking with shelters, legal aid and temporary residence permits, "
                "irrespective of their cooperation with the authorities",
                "offrir aux victimes de la traite des foyers d'accueil, une aide juridictionnelle et des "
                "permis de séjour temporaires, indépendamment de leur coopération avec les autorités",
            ),
        ),
        (
            ph(
                "the country's status as a country of origin, transit and destination for trafficking in "
                "persons, in particular for sexual exploitation and forced labour",
                "le fait que le pays soit un pays d'origine, de transit et de destination de la traite des "
                "personnes, notamment à des fins d'exploitation sexuelle et de travail forcé",
            ),
            ph(
                "the low number of convictions of traffickers",
                "le faible nombre de condamnations de trafiquants",
            ),
        ),
    ),
    Topic(
        "disability",
        ph("Persons with disabilities", "Personnes handicapées"),
        (DISABILITY, "Legal capacity", "Equality & non-discrimination"),
        ("Persons with disabilities",),
        ("10.2", "4.5", "8.5"),
        (
            ph(
                "replace substituted decision-making regimes with supported decision-making that respects "
                "the autonomy, will and preferences of persons with disabilities",
                "remplacer les régimes de prise de décisions substitutive par la prise de décisions "
                "assistée, dans le respect de l'autonomie, de la volonté et des préférences des personnes "
                "handicapées",
            ),
            ph(
                "adopt a strategy for the deinstitutionalization of persons with disabilities, with "
                "time-bound targets and adequate resources",
                "adopter une stratégie de désinstitutionnalisation des personnes handicapées, assortie "
                "d'objectifs datés et de ressources suffisantes",
            ),
            ph(
                "ensure the accessibility of public buildings, transport and information, including in sign "
                "language and easy-to-read formats",
                "garantir l'accessibilité des bâtiments publics, des transports et de l'information, y "
                "compris en langue des signes et en formats faciles à lire",
            ),
        ),
        (
            ph(
                "the persistence of legislation that restricts the legal capacity of persons with "
                "disabilities",
                "le maintien d'une législation qui restreint la capacité juridique des personnes handicapées",
            ),
            ph(
                "the institutionalization of persons with disabilities, including children",
                "le placement en institution de personnes handicapées, y compris d'enfants",
            ),
        ),
    ),
    Topic(
        "racial",
        ph("Racial discrimination", "Discrimination raciale"),
        ("Racial discrimination", "Hate speech", "Equality & non-discrimination"),
        ("People of African descent", MINORITIES, "Roma"),
        ("10.3", "16.b"),
        (
            ph(
                "adopt comprehensive anti-discrimination legislation that prohibits direct and indirect "
                "racial discrimination in all areas of public and private life",
                "adopter une législation antidiscrimination complète qui interdise la discrimination raciale "
                "directe et indirecte dans tous les domaines de la vie publique et privée",
            ),
            ph(
                "put an end to racial profiling by law enforcement officials, including by establishing an "
                "independent complaint mechanism",
                "mettre fin au profilage racial pratiqué par les agents des forces de l'ordre, notamment en "
                "créant un mécanisme de plainte indépendant",
            ),
            ph(
                "collect data disaggregated by ethnic origin to assess the situation of minorities and "
                "people of African descent",
                "recueillir des données ventilées par origine ethnique afin d'évaluer la situation des "
                "minorités et des personnes d'ascendance africaine",
            ),
            ph(
                "investigate and punish racist hate speech, including on the Internet and by public figures",
                "enquêter sur les discours de haine raciste, y compris sur Internet et de la part de "
                "personnalités publiques, et les sanctionner",
            ),
        ),
        (
            ph(
                "the persistence of structural discrimination against people of African descent and "
                "minorities in access to employment, housing and education",
                "la persistance de la discrimination structurelle à l'égard des personnes d'ascendance "
                "africaine et des minorités dans l'accès à l'emploi, au logement et à l'éducation",
            ),
            ph(
                "the increase in racist hate speech, including by political leaders and in the media",
                "la multiplication des discours de haine raciste, y compris de la part de dirigeants "
                "politiques et dans les médias",
            ),
        ),
    ),
    Topic(
        "ratification",
        ph(
            "International human rights instruments",
            "Instruments internationaux relatifs aux droits de l'homme",
        ),
        ("Acceptance of international norms", "Scope of international obligations"),
        (),
        (),
        (
            ph(
                "ratify the Optional Protocol to the International Covenant on Economic, Social and Cultural "
                "Rights",
                "ratifier le Protocole facultatif se rapportant au Pacte international relatif aux droits "
                "économiques, sociaux et culturels",
            ),
            ph(
                "ratify the International Convention on the Protection of the Rights of All Migrant Workers "
                "and Members of Their Families",
                "ratifier la Convention internationale sur la protection des droits de tous les travailleurs "
                "migrants et des membres de leur famille",
            ),
            ph(
                "ratify the Second Optional Protocol to the International Covenant on Civil and Political "
                "Rights, aiming at the abolition of the death penalty",
                "ratifier le deuxième Protocole facultatif se rapportant au Pacte international relatif aux "
                "droits civils et politiques, visant à abolir la peine de mort",
            ),
            ph(
                "accept the competence of the Committee on Enforced Disappearances to receive and consider "
                "individual communications",
                "reconnaître la compétence du Comité des disparitions forcées pour recevoir et examiner des "
                "communications individuelles",
            ),
            ph(
                "extend a standing invitation to all special procedures of the Human Rights Council",
                "adresser une invitation permanente à tous les titulaires de mandat au titre des procédures "
                "spéciales du Conseil des droits de l'homme",
            ),
        ),
        (
            ph(
                "the fact that several core international human rights instruments have not yet been "
                "ratified",
                "le fait que plusieurs instruments internationaux fondamentaux relatifs aux droits de "
                "l'homme n'ont pas encore été ratifiés",
            ),
            ph(
                "the reservations maintained to several provisions of the Convention",
                "les réserves maintenues à l'égard de plusieurs dispositions de la Convention",
            ),
        ),
    ),
    Topic(
        "nhri",
        ph("National human rights institution", "Institution nationale des droits de l'homme"),
        ("National Human Rights Institution", "Institutions & policies"),
        (),
        ("16.a",),
        (
            ph(
                "strengthen the independence of the national human rights institution, in full compliance "
                "with the principles relating to the status of national institutions for the promotion and "
                "protection of human rights (the Paris Principles)",
                "renforcer l'indépendance de l'institution nationale des droits de l'homme, en pleine "
                "conformité avec les Principes concernant le statut des institutions nationales pour la "
                "promotion et la protection des droits de l'homme (Principes de Paris)",
            ),
            ph(
                "provide the national human rights institution with the financial and human resources "
                "necessary to carry out its mandate throughout the territory",
                "doter l'institution nationale des droits de l'homme des ressources financières et humaines "
                "nécessaires pour s'acquitter de son mandat sur l'ensemble du territoire",
            ),
            ph(
                "ensure a transparent, participatory and merit-based process for the selection of the "
                "members of the national human rights institution",
                "garantir un processus transparent, participatif et fondé sur le mérite pour la sélection "
                "des membres de l'institution nationale des droits de l'homme",
            ),
        ),
        (
            ph(
                "the insufficient financial resources allocated to the national human rights institution",
                "l'insuffisance des ressources financières allouées à l'institution nationale des droits de "
                "l'homme",
            ),
            ph(
                "the lack of transparency in the appointment of the head of the national human rights "
                "institution",
                "le manque de transparence dans la nomination du responsable de l'institution nationale des "
                "droits de l'homme",
            ),
        ),
    ),
    Topic(
        "poverty",
        ph("Poverty and social protection", "Pauvreté et protection sociale"),
        ("Poverty", "Right to social security", "Right to an adequate standard of living"),
        ("Persons living in poverty", "Older persons"),
        ("1.2", "1.3", "1.a", "10.4"),
        (
            ph(
                "adopt a comprehensive poverty reduction strategy based on human rights, with specific "
                "targets for the most disadvantaged groups",
                "adopter une stratégie globale de réduction de la pauvreté fondée sur les droits de l'homme, "
                "assortie d'objectifs précis pour les groupes les plus défavorisés",
            ),
            ph(
                "establish a social protection floor guaranteeing basic income security and access to "
                "essential health care for all",
                "mettre en place un socle de protection sociale garantissant à tous la sécurité élémentaire "
                "de revenu et l'accès aux soins de santé essentiels",
            ),
            ph(
                "extend social security coverage to workers in the informal economy, domestic workers and "
                "agricultural workers",
                "étendre la couverture de sécurité sociale aux travailleurs de l'économie informelle, aux "
                "travailleurs domestiques et aux travailleurs agricoles",
            ),
        ),
        (
            ph(
                "the high levels of poverty and inequality, which disproportionately affect indigenous "
                "peoples, rural populations and female-headed households",
                "les niveaux élevés de pauvreté et d'inégalité, qui touchent de manière disproportionnée les "
                "peuples autochtones, les populations rurales et les ménages dirigés par une femme",
            ),
            ph(
                "the low coverage of the social security system, in particular for workers in the informal "
                "economy",
                "la faible couverture du système de sécurité sociale, en particulier pour les travailleurs "
                "de l'économie informelle",
            ),
        ),
    ),
    Topic(
        "environment",
        ph("Environment and the right to water", "Environnement et droit à l'eau"),
        ("Environment", "Right to water & sanitation", "Business & human rights", "Climate change"),
        ("Persons living in rural areas", "Indigenous peoples"),
        ("6.1", "6.3", "3.9", "13.1"),
        (
            ph(
                "ensure access to safe drinking water and sanitation for all, in particular in rural areas "
                "and informal settlements",
                "garantir à tous l'accès à l'eau potable et à l'assainissement, en particulier dans les "
                "zones rurales et les établissements informels",
            ),
            ph(
                "effectively regulate the activities of mining and oil companies to prevent the "
                "contamination of water sources and soils",
                "réglementer efficacement les activités des entreprises minières et pétrolières afin de "
                "prévenir la contamination des sources d'eau et des sols",
            ),
            ph(
                "provide health care to communities exposed to heavy metals and other toxic substances",
                "fournir des soins de santé aux communautés exposées aux métaux lourds et à d'autres "
                "substances toxiques",
            ),
            ph(
                "integrate a human rights-based approach into its climate change adaptation and disaster "
                "risk reduction policies",
                "intégrer une approche fondée sur les droits de l'homme dans ses politiques d'adaptation aux "
                "changements climatiques et de réduction des risques de catastrophe",
            ),
        ),
        (
            ph(
                "the contamination of rivers and water sources by extractive activities and its impact on "
                "the health of the communities concerned",
                "la contamination des rivières et des sources d'eau par les activités extractives et ses "
                "conséquences sur la santé des communautés concernées",
            ),
            ph(
                "the lack of access to safe drinking water and sanitation in rural areas",
                "le manque d'accès à l'eau potable et à l'assainissement dans les zones rurales",
            ),
        ),
    ),
    Topic(
        "lgbti",
        ph("Sexual orientation and gender identity", "Orientation sexuelle et identité de genre"),
        ("Sexual orientation & gender identity", "Equality & non-discrimination", "Hate speech"),
        (LGBTI,),
        ("10.2", "10.3"),
        (
            ph(
                "repeal all provisions that criminalize consensual same-sex relations between adults",
                "abroger toutes les dispositions qui érigent en infraction les relations sexuelles "
                "consenties entre adultes de même sexe",
            ),
            ph(
                "adopt legislation explicitly prohibiting discrimination on the grounds of sexual "
                "orientation and gender identity",
                "adopter une législation interdisant expressément la discrimination fondée sur l'orientation "
                "sexuelle et l'identité de genre",
            ),
            ph(
                "establish a simple administrative procedure for the legal recognition of the gender "
                "identity of transgender persons",
                "établir une procédure administrative simple de reconnaissance juridique de l'identité de "
                "genre des personnes transgenres",
            ),
            ph(
                "investigate and punish hate crimes against lesbian, gay, bisexual, transgender and intersex "
                "persons",
                "enquêter sur les crimes de haine commis contre des personnes lesbiennes, gays, bisexuelles, "
                "transgenres et intersexes et les sanctionner",
            ),
        ),
        (
            ph(
                "reports of violence, hate crimes and discrimination against lesbian, gay, bisexual, "
                "transgender and intersex persons",
                "les informations faisant état de violences, de crimes de haine et de discrimination à "
                "l'égard des personnes lesbiennes, gays, bisexuelles, transgenres et intersexes",
            ),
            ph(
                "the absence of legal recognition of same-sex couples",
                "l'absence de reconnaissance juridique des couples de même sexe",
            ),
        ),
    ),
    Topic(
        "expression",
        ph("Freedom of expression and peaceful assembly", "Liberté d'expression et de réunion pacifique"),
        ("Freedom of opinion and expression", "Freedom of peaceful assembly", "Law enforcement"),
        ("Journalists", "Media", "Human rights defenders"),
        ("16.10", "16.1"),
        (
            ph(
                "decriminalize defamation and bring it within the scope of civil law",
                "dépénaliser la diffamation et la faire relever du droit civil",
            ),
            ph(
                "ensure that the use of force by law enforcement officials during demonstrations complies "
                "with the principles of legality, necessity and proportionality",
                "veiller à ce que l'usage de la force par les agents des forces de l'ordre lors des "
                "manifestations respecte les principes de légalité, de nécessité et de proportionnalité",
            ),
            ph(
                "investigate all deaths and injuries that occurred during protests and hold those "
                "responsible accountable",
                "enquêter sur tous les décès et blessures survenus lors de manifestations et amener les "
                "responsables à rendre des comptes",
            ),
            ph(
                "protect journalists and media workers from attacks and ensure that such attacks do not go "
                "unpunished",
                "protéger les journalistes et les professionnels des médias contre les agressions et "
                "veiller à ce que ces agressions ne restent pas impunies",
            ),
        ),
        (
            ph(
                "the excessive use of force, including lethal force, by security forces during social "
                "protests",
                "l'usage excessif de la force, y compris meurtrière, par les forces de sécurité lors de "
                "manifestations sociales",
            ),
            ph(
                "the criminal prosecution of journalists for defamation",
                "les poursuites pénales engagées contre des journalistes pour diffamation",
            ),
        ),
    ),
    Topic(
        "death_penalty",
        ph("Death penalty", "Peine de mort"),
        ("Death penalty", "Right to life"),
        (DEPRIVED,),
        ("16.1",),
        (
            ph(
                "establish an official moratorium on executions with a view to abolishing the death penalty",
                "instaurer un moratoire officiel sur les exécutions en vue d'abolir la peine de mort",
            ),
            ph(
                "commute all death sentences to terms of imprisonment",
                "commuer toutes les condamnations à mort en peines d'emprisonnement",
            ),
            ph(
                "ensure that the death penalty is never imposed on persons who were under 18 years of age "
                "at the time of the offence or on persons with psychosocial or intellectual disabilities",
                "veiller à ce que la peine de mort ne soit jamais prononcée contre des personnes âgées de "
                "moins de 18 ans au moment de l'infraction ni contre des personnes présentant un handicap "
                "psychosocial ou intellectuel",
            ),
        ),
        (
            ph(
                "the resumption of executions and the large number of persons on death row",
                "la reprise des exécutions et le grand nombre de personnes condamnées à mort",
            ),
            ph(
                "the wide range of offences punishable by death, including offences that do not meet the "
                "threshold of the most serious crimes",
                "le large éventail d'infractions passibles de la peine de mort, y compris des infractions "
                "qui n'atteignent pas le seuil des crimes les plus graves",
            ),
        ),
    ),
    Topic(
        "birth",
        ph("Birth registration and nationality", "Enregistrement des naissances et nationalité"),
        ("Birth registration", "Right to nationality", "Statelessness"),
        ("Children", "Stateless persons"),
        ("16.9",),
        (
            ph(
                "ensure free and universal birth registration, including through mobile registration units "
                "in remote areas",
                "garantir l'enregistrement gratuit et universel des naissances, notamment au moyen d'unités "
                "d'enregistrement mobiles dans les zones reculées",
            ),
            ph(
                "facilitate the late registration of births and the issuance of identity documents to "
                "children of migrants",
                "faciliter l'enregistrement tardif des naissances et la délivrance de documents d'identité "
                "aux enfants de migrants",
            ),
            ph(
                "guarantee that all children born in its territory who would otherwise be stateless acquire "
                "its nationality",
                "garantir que tous les enfants nés sur son territoire qui seraient autrement apatrides "
                "acquièrent sa nationalité",
            ),
        ),
        (
            ph(
                "the large number of children whose births are not registered, in particular in rural areas "
                "and among indigenous communities",
                "le grand nombre d'enfants dont la naissance n'est pas enregistrée, en particulier dans les "
                "zones rurales et au sein des communautés autochtones",
            ),
        ),
    ),
    Topic(
        "labour",
        ph("Right to work and child labour", "Droit au travail et travail des enfants"),
        ("Right to work", "Child labour", "Just and favourable conditions of work"),
        ("Workers", "Children", "Domestic workers"),
        ("8.5", "8.7", "8.8"),
        (
            ph(
                "strengthen labour inspection, in particular in agriculture, mining and domestic work",
                "renforcer l'inspection du travail, en particulier dans l'agriculture, les mines et le "
                "travail domestique",
            ),
            ph(
                "eliminate child labour, especially in its worst forms, and ensure that children removed "
                "from work are reintegrated into school",
                "éliminer le travail des enfants, en particulier sous ses pires formes, et veiller à ce que "
                "les enfants retirés du travail soient réintégrés dans le système scolaire",
            ),
            ph(
                "ensure that the minimum wage is regularly adjusted to the cost of living and guarantee "
                "equal pay for work of equal value",
                "veiller à ce que le salaire minimum soit régulièrement ajusté au coût de la vie et garantir "
                "l'égalité de rémunération pour un travail de valeur égale",
            ),
        ),
        (
            ph(
                "the high proportion of workers in the informal economy, who lack labour and social "
                "protection",
                "la forte proportion de travailleurs dans l'économie informelle, qui sont privés de "
                "protection sociale et de la protection du droit du travail",
            ),
            ph(
                "the persistence of child labour, including in hazardous conditions",
                "la persistance du travail des enfants, y compris dans des conditions dangereuses",
            ),
        ),
    ),
)
TOPIC_INDEX = {t.key: i for i, t in enumerate(TOPICS)}


@dataclass(frozen=True)
class Extender:
    text: Phrase
    verb: bool  # a further infinitive ("and allocate ..."), which French must introduce with "de"/"à"


def ext(en: str, fr: str, verb: bool = False) -> Extender:
    return Extender(ph(en, fr), verb)


EXTENDERS = (
    ext(
        "with the meaningful participation of civil society organizations",
        "avec la participation effective des organisations de la société civile",
    ),
    ext(
        "allocate sufficient human, technical and financial resources for that purpose",
        "allouer des ressources humaines, techniques et financières suffisantes à cette fin",
        verb=True,
    ),
    ext(
        "in line with its obligations under international human rights law",
        "conformément à ses obligations en vertu du droit international des droits de l'homme",
    ),
    ext("including in rural and remote areas", "y compris dans les zones rurales et reculées"),
    ext(
        "in consultation with the national human rights institution",
        "en consultation avec l'institution nationale des droits de l'homme",
    ),
    ext(
        "paying particular attention to women, children and persons belonging to indigenous peoples",
        "en accordant une attention particulière aux femmes, aux enfants et aux personnes appartenant à des "
        "peuples autochtones",
    ),
    ext(
        "seek technical assistance from OHCHR and UNICEF, among others",
        "solliciter l'assistance technique du HCDH et de l'UNICEF, entre autres",
        verb=True,
    ),
    ext(
        "ensure that the measures adopted are regularly evaluated on the basis of data disaggregated by sex, "
        "age, ethnicity and disability",
        "veiller à ce que les mesures adoptées soient régulièrement évaluées sur la base de données "
        "ventilées par sexe, âge, origine ethnique et handicap",
        verb=True,
    ),
    ext(
        "in line with the 2030 Agenda for Sustainable Development and its pledge to “leave no one behind”",
        "conformément au Programme de développement durable à l'horizon 2030 et à son engagement de "
        "«\u00a0ne laisser personne de côté\u00a0»",
    ),
)
GENERIC_CONCERNS = (
    ph("the lack of disaggregated data on the issue", "l'absence de données ventilées sur la question"),
    ph(
        "the insufficient human, technical and financial resources allocated to the institutions concerned",
        "l'insuffisance des ressources humaines, techniques et financières allouées aux institutions "
        "concernées",
    ),
    ph(
        "the slow implementation of the legislation in force",
        "la lenteur de la mise en œuvre de la législation en vigueur",
    ),
)


# --------------------------------------------------------------------------------------------------
# Sentence templates. Placeholders: S/s subject (capitalised/lower), O object (en), Od/Oa/Og object
# in French with à/direct/de, de the elided "de "/"d'", a the chained actions, c the concerns.
# Templates are already HTML (entities and tags are written as UHRI writes them).
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Opening:
    en: str
    fr: str
    fr_join: str  # what introduces the 2nd, 3rd... infinitive in French: "de", "à" or ""


REC_OPENINGS = (
    Opening("{S} recommends that {O} {a}.", "{S} recommande {Od} {de}{a}.", "de"),
    Opening("{S} urges {O} to {a}.", "{S} prie instamment {Oa} {de}{a}.", "de"),
    Opening(
        "{S} reiterates previous recommendations and recommends that {O} {a}.",
        "{S} réitère des recommandations antérieures et recommande {Od} {de}{a}.",
        "de",
    ),
    Opening("{S} encourages {O} to {a}.", "{S} encourage {Oa} à {a}.", "à"),
)
GC_OPENING = Opening(
    "Recalling its {gc} No.&nbsp;{n}, {s} recommends that {O} {a}.",
    "Rappelant {gc} n<sup>o</sup>&nbsp;{n}, {s} recommande {Od} {de}{a}.",
    "de",
)
SHOULD_OPENING = Opening("{O} should {a}.", "{O} devrait {a}.", "")
LIST_OPENING = Opening("{S} recommends that {O}:", "{S} recommande {Od}&nbsp;:", "de")
SHOULD_LIST_OPENING = Opening("{O} should:", "{O} devrait&nbsp;:", "")
UPR_OPENINGS = (
    Opening("{a}", "{a}", ""),
    Opening("{a}", "{a}", ""),
    Opening("Continue its efforts to {a}", "Poursuivre ses efforts pour {a}", ""),
    Opening("Take the necessary measures to {a}", "Prendre les mesures nécessaires pour {a}", ""),
    Opening("Redouble its efforts to {a}", "Redoubler d&#39;efforts pour {a}", ""),
)
CONCERN_OPENINGS = (
    Opening("{S} is concerned about {c}.", "{S} est préoccupé par {c}.", ""),
    Opening("{S} notes with concern {c}.", "{S} note avec préoccupation {c}.", ""),
    Opening(
        "While noting the efforts made by {O}, {s} remains concerned about {c}.",
        "Tout en prenant note des efforts déployés par {Oa}, {s} reste préoccupé par {c}.",
        "",
    ),
    Opening("{S} is deeply concerned about {c}.", "{S} est profondément préoccupé par {c}.", ""),
)
CONCERN_FOLLOW_UP = Opening("{S} is also concerned about {c}.", "{S} est également préoccupé par {c}.", "")
REC_FOLLOW_UPS = (
    Opening(
        "{S} also requests {O} to include information on the measures taken in its next periodic report.",
        "{S} demande également {Od} de faire figurer des renseignements sur les mesures prises dans son "
        "prochain rapport périodique.",
        "",
    ),
    Opening(
        "{S} further recommends that {O} raise awareness of the issue among the general public, public "
        "officials and community leaders.",
        "{S} recommande en outre {Od} de sensibiliser le grand public, les agents publics et les "
        "responsables communautaires à cette question.",
        "",
    ),
    Opening(
        "{S} draws the attention of {O} to its previous recommendations on the subject, which have not been "
        "fully implemented.",
        "{S} appelle l&#39;attention {Og} sur ses recommandations précédentes à ce sujet, qui n&#39;ont pas "
        "été pleinement mises en œuvre.",
        "",
    ),
)


@dataclass(frozen=True)
class Addressee:
    en: str
    fr_dat: str  # "à l'État partie"
    fr_acc: str  # "l'État partie"
    fr_gen: str  # "de l'État partie"


STATE_PARTY = Addressee("the State party", "à l&#39;État partie", "l&#39;État partie", "de l&#39;État partie")
GOVERNMENT = Addressee("the Government", "au Gouvernement", "le Gouvernement", "du Gouvernement")
GOVERNMENTS = Addressee("the Governments", "aux Gouvernements", "les Gouvernements", "des Gouvernements")
STATES = Addressee("States", "aux États", "les États", "des États")


# --------------------------------------------------------------------------------------------------
# Mechanisms: ~75 body labels (short and long spellings), with document symbols and usual topics
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mechanism:
    code: str
    kind: str  # upr | tb | sp
    labels: tuple[str, ...]  # short first; the others appear on some records
    weight: float
    symbol: str  # format string with {iso3} {n} {m}
    subject: Phrase
    topics: tuple[str, ...]
    mandate: str | None = None  # country-specific mandate
    should_style: bool = False  # "The State party should ..." (CAT, Human Rights Committee)
    gc: Phrase | None = None  # "general comment" / "general recommendation"


COMMITTEE = ("The Committee", "Le Comité")
SR = ("The Special Rapporteur", "Le Rapporteur spécial")
WG = ("The Working Group", "Le Groupe de travail")
IE = ("The Independent Expert", "L&#39;Expert indépendant")
GC = ("general comment", "son observation générale")
GR = ("general recommendation", "sa recommandation générale")
ALL_TOPICS = tuple(t.key for t in TOPICS)


def sp(
    code: str, labels: tuple[str, ...], subject: Phrase, topics: str, mandate: str | None = None
) -> Mechanism:
    return Mechanism(
        code, "sp", labels, 0.45, "A/HRC/{h}/{n}/Add.{m}", subject, tuple(topics.split()), mandate=mandate
    )


MECHANISMS: tuple[Mechanism, ...] = (
    Mechanism(
        "UPR",
        "upr",
        ("- UPR", "- Universal Periodic Review"),
        45.0,
        "A/HRC/{h}/{n}",
        ("", ""),
        (*ALL_TOPICS, "ratification", "ratification", "nhri", "hrd", "vaw"),
    ),
    Mechanism(
        "CRC",
        "tb",
        ("- CRC", "- Committee on the Rights of the Child"),
        6.0,
        "CRC/C/{iso3}/CO/{n}-{m}",
        COMMITTEE,
        ("children_violence", "juvenile", "education", "birth", "labour", "srhr", "migrants"),
        gc=GC,
    ),
    Mechanism(
        "CEDAW",
        "tb",
        ("- CEDAW", "- Committee on the Elimination of Discrimination against Women"),
        6.0,
        "CEDAW/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("vaw", "participation", "srhr", "trafficking", "education", "labour"),
        gc=GR,
    ),
    Mechanism(
        "CCPR",
        "tb",
        ("- CCPR", "- Human Rights Committee"),
        4.5,
        "CCPR/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("torture", "detention", "disappearances", "expression", "hrd", "death_penalty", "lgbti"),
        should_style=True,
        gc=GC,
    ),
    Mechanism(
        "CAT",
        "tb",
        ("- CAT", "- Committee against Torture"),
        4.0,
        "CAT/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("torture", "detention", "juvenile", "migrants", "vaw"),
        should_style=True,
        gc=GC,
    ),
    Mechanism(
        "CESCR",
        "tb",
        ("- CESCR", "- Committee on Economic, Social and Cultural Rights"),
        4.0,
        "E/C.12/{iso3}/CO/{n}",
        COMMITTEE,
        ("poverty", "environment", "labour", "education", "srhr", "indigenous"),
        gc=GC,
    ),
    Mechanism(
        "CERD",
        "tb",
        ("- CERD", "- Committee on the Elimination of Racial Discrimination"),
        4.0,
        "CERD/C/{iso3}/CO/{n}-{m}",
        COMMITTEE,
        ("racial", "indigenous", "migrants"),
        gc=GR,
    ),
    Mechanism(
        "CRPD",
        "tb",
        ("- CRPD", "- Committee on the Rights of Persons with Disabilities"),
        3.0,
        "CRPD/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("disability", "education"),
        gc=GC,
    ),
    Mechanism(
        "CMW",
        "tb",
        ("- CMW", "- Committee on Migrant Workers"),
        1.2,
        "CMW/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("migrants", "trafficking", "labour"),
        gc=GC,
    ),
    Mechanism(
        "CED",
        "tb",
        ("- CED", "- Committee on Enforced Disappearances"),
        1.0,
        "CED/C/{iso3}/CO/{n}",
        COMMITTEE,
        ("disappearances",),
        gc=GC,
    ),
    Mechanism(
        "SPT",
        "tb",
        ("- SPT", "- Subcommittee on Prevention of Torture"),
        0.3,
        "CAT/OP/{iso3}/{n}",
        ("The Subcommittee", "Le Sous-Comité"),
        ("torture", "detention"),
    ),
    Mechanism(
        "CRC-OPSC",
        "tb",
        ("- CRC-OP-SC",),
        0.3,
        "CRC/C/OPSC/{iso3}/CO/{n}",
        COMMITTEE,
        ("trafficking", "children_violence"),
    ),
    Mechanism(
        "CRC-OPAC", "tb", ("- CRC-OP-AC",), 0.3, "CRC/C/OPAC/{iso3}/CO/{n}", COMMITTEE, ("children_violence",)
    ),
    sp(
        "SR-TORTURE",
        (
            "- SR Torture",
            "- Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment",
        ),
        SR,
        "torture detention",
    ),
    sp(
        "WG-AD",
        ("- WG Arbitrary Detention", "- Working Group on Arbitrary Detention"),
        WG,
        "detention juvenile migrants",
    ),
    sp(
        "WG-EID",
        ("- WG Enforced Disappearances", "- Working Group on Enforced or Involuntary Disappearances"),
        WG,
        "disappearances",
    ),
    sp(
        "SR-HRD",
        ("- SR Human Rights Defenders", "- Special Rapporteur on the situation of human rights defenders"),
        SR,
        "hrd expression",
    ),
    sp(
        "SR-IP",
        ("- SR Indigenous peoples", "- Special Rapporteur on the rights of Indigenous Peoples"),
        SR,
        "indigenous environment",
    ),
    sp(
        "SR-VAW",
        (
            "- SR Violence against women",
            "- Special Rapporteur on violence against women and girls, its causes and consequences",
        ),
        SR,
        "vaw trafficking",
    ),
    sp("SR-FOE", ("- SR Freedom of expression",), SR, "expression hrd"),
    sp("SR-FOAA", ("- SR Freedom of assembly and association",), SR, "expression hrd"),
    sp("SR-HEALTH", ("- SR Health",), SR, "srhr environment"),
    sp("SR-EDUCATION", ("- SR Education",), SR, "education"),
    sp("SR-FOOD", ("- SR Food",), SR, "poverty indigenous"),
    sp("SR-HOUSING", ("- SR Housing",), SR, "poverty indigenous"),
    sp("SR-WATER", ("- SR Water and Sanitation",), SR, "environment"),
    sp("SR-POVERTY", ("- SR Extreme poverty",), SR, "poverty"),
    sp("SR-MIGRANTS", ("- SR Migrants",), SR, "migrants"),
    sp("SR-TRAFFICKING", ("- SR Trafficking",), SR, "trafficking"),
    sp("SR-SALE", ("- SR Sale of children",), SR, "children_violence trafficking"),
    sp("SR-IJL", ("- SR Independence of judges and lawyers",), SR, "juvenile torture"),
    sp("SR-EXECUTIONS", ("- SR Extrajudicial executions",), SR, "death_penalty expression"),
    sp("SR-RACISM", ("- SR Racism",), SR, "racial migrants"),
    sp("SR-FOR", ("- SR Freedom of religion",), SR, "racial expression"),
    sp("SR-CT", ("- SR Counter-terrorism",), SR, "detention hrd"),
    sp("SR-ENVIRONMENT", ("- SR Environment",), SR, "environment indigenous"),
    sp("SR-TOXICS", ("- SR Toxics",), SR, "environment labour"),
    sp("SR-DISABILITY", ("- SR Disabilities",), SR, "disability"),
    sp("IE-OLDER", ("- IE Older persons",), IE, "poverty"),
    sp("IE-SOGI", ("- IE SOGI",), IE, "lgbti"),
    sp("IE-ALBINISM", ("- IE Albinism",), IE, "disability racial"),
    sp("SR-IDP", ("- SR Internally Displaced Persons",), SR, "migrants"),
    sp("SR-TRUTH", ("- SR Truth, justice, reparation",), SR, "disappearances"),
    sp("SR-PRIVACY", ("- SR Privacy",), SR, "expression"),
    sp("SR-CULTURAL", ("- SR Cultural rights",), SR, "indigenous racial"),
    sp("SR-MINORITY", ("- SR Minority issues",), SR, "racial"),
    sp("SR-SLAVERY", ("- SR Slavery",), SR, "labour trafficking"),
    sp("WG-BHR", ("- WG Business",), WG, "environment indigenous labour"),
    sp("WG-DAWG", ("- WG Discrimination against women and girls",), WG, "participation srhr vaw"),
    sp("WG-PAD", ("- WG People of African Descent",), WG, "racial"),
    sp("SR-BELARUS", ("- SR Belarus",), SR, "expression hrd torture", "Belarus"),
    sp("SR-MYANMAR", ("- SR Myanmar",), SR, "torture racial migrants", "Myanmar"),
    sp("SR-DPRK", ("- SR DPRK",), SR, "detention torture", "Democratic People's Republic of Korea"),
    sp("SR-IRAN", ("- SR Iran",), SR, "death_penalty expression", "Iran (Islamic Republic of)"),
    sp("IE-SOMALIA", ("- IE Somalia",), IE, "children_violence vaw", "Somalia"),
    sp("SR-AFGHANISTAN", ("- SR Afghanistan",), SR, "vaw education", "Afghanistan"),
    sp("SR-CAMBODIA", ("- SR Cambodia",), SR, "hrd expression", "Cambodia"),
)


# --------------------------------------------------------------------------------------------------
# SDG labels
# --------------------------------------------------------------------------------------------------
# Short target names (as on SDG trackers) that UHRI uses on some records instead of the official
# title; other targets are shortened to their first clause.
SHORT_TARGETS = {
    "1.2": "Reduce poverty by at least 50%",
    "1.3": "Implement social protection systems",
    "1.4": "Equal rights to ownership, basic services, technology and economic resources",
    "1.a": "Mobilize resources to implement policies to end poverty",
    "2.3": "Double the productivity and incomes of small-scale food producers",
    "3.1": "Reduce maternal mortality",
    "3.7": "Universal access to sexual and reproductive care, family planning and education",
    "3.9": "Reduce illnesses and death from hazardous chemicals and pollution",
    "4.1": "Free primary and secondary education",
    "4.5": "Eliminate all discrimination in education",
    "4.a": "Build and upgrade inclusive and safe schools",
    "5.1": "End discrimination against women and girls",
    "5.2": "End all violence against and exploitation of women and girls",
    "5.5": "Ensure full participation in leadership and decision-making",
    "5.6": "Universal access to reproductive rights and health",
    "6.1": "Safe and affordable drinking water",
    "6.3": "Improve water quality, wastewater treatment and safe reuse",
    "8.5": "Full employment and decent work with equal pay",
    "8.7": "End modern slavery, trafficking and child labour",
    "8.8": "Protect labour rights and promote safe working environments",
    "10.2": "Promote universal social, economic and political inclusion",
    "10.3": "Ensure equal opportunities and end discrimination",
    "10.4": "Adopt fiscal and social policies that promote equality",
    "10.7": "Responsible and well-managed migration policies",
    "13.1": "Strengthen resilience and adaptive capacity to climate-related disasters",
    "15.2": "End deforestation and restore degraded forests",
    "16.1": "Reduce violence everywhere",
    "16.2": "Protect children from abuse, exploitation, trafficking and violence",
    "16.3": "Promote the rule of law and ensure equal access to justice",
    "16.9": "Provide universal legal identity",
    "16.10": "Ensure public access to information and protect fundamental freedoms",
    "16.a": "Strengthen national institutions to prevent violence and combat crime and terrorism",
    "16.b": "Promote and enforce non-discriminatory laws and policies",
}


def load_sdg_labels() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Goal labels "16 - PEACE, ..." and, per target code, (official, shortened) label variants."""
    goals_yml = yaml.safe_load((SDG_DIR / "global_goals.yml").read_text(encoding="utf-8"))
    targets_yml = yaml.safe_load((SDG_DIR / "global_targets.yml").read_text(encoding="utf-8"))
    goals = {}
    for key, text in goals_yml.items():
        number, kind = key.split("-", 1)
        if kind == "short":
            goals[number] = f"{number} - {str(text).upper()}"
    targets = {}
    for key, text in targets_yml.items():
        goal, target, _ = key.split("-")
        code = f"{goal}.{target}"
        official = " ".join(str(text).split())
        short = SHORT_TARGETS.get(code) or re.sub(r"^By 20\d\d, ", "", official).split(", ")[0]
        targets[code] = (f"{code} - {official}", f"{code} - {short[:1].upper()}{short[1:]}")
    return goals, targets


# --------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------
EXCEL_START = date(2008, 1, 1)
DATE_SPAN = (date(2025, 6, 30) - EXCEL_START).days
UPR_FIRST = date(2008, 4, 7)
UPR_LAST = date(2024, 11, 4)
UHRI_RELAUNCH = date(2022, 8, 1)  # older documents were (re)loaded into the new UHRI around then
LAST_ON_UHRI = datetime(2025, 12, 31, 23, 0, 0)


def hrc_session(day: date) -> int:
    # Three Human Rights Council sessions a year since 2008 (session 7 in March 2008).
    return 7 + (day.year - 2008) * 3 + (day.month - 1) // 4


def upr_session_date(session: int) -> date:
    return UPR_FIRST + timedelta(days=round((session - 1) * (UPR_LAST - UPR_FIRST).days / 46))


def upr_cycle(session: int) -> int:
    return 1 if session <= 12 else 2 if session <= 26 else 3 if session <= 40 else 4


@dataclass
class Document:
    mech: Mechanism
    countries: tuple[Country, ...]
    doc_id: str
    symbol: str
    published: date
    on_uhri: datetime
    addressee: Addressee
    session: int | None = None
    paragraph: int = 8
    upr_paragraph: int = 100
    rank: int = 0


@dataclass
class Stats:
    records: int = 0
    fr_missing: int = 0
    countries: Counter[str] = field(default_factory=Counter)
    bodies: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    types: Counter[str] = field(default_factory=Counter)
    country_count: Counter[int] = field(default_factory=Counter)
    stubs: int = 0
    text_lengths: Counter[int] = field(default_factory=Counter)  # bucketed by 10 characters

    def text_percentile(self, q: float) -> int:
        target = q * sum(self.text_lengths.values())
        seen = 0
        for bucket in sorted(self.text_lengths):
            seen += self.text_lengths[bucket]
            if seen >= target:
                return bucket * 10
        return 0


class ExportGenerator:
    def __init__(self, seed: int, tracked: str | None, lang: str) -> None:
        self.rng = random.Random(seed)
        self.lang = LANG_INDEX[lang]
        self.countries = load_countries()
        self.by_name = {c.name: c for c in self.countries}
        if tracked is not None and tracked not in self.by_name:
            raise SystemExit(f"unknown country {tracked!r}; use the UHRI spelling, e.g. 'Peru'")
        self.tracked = self.by_name[tracked] if tracked else None
        self.others = [c for c in self.countries if c is not self.tracked]
        rng = self.rng
        # Some States receive far more recommendations than others.
        weights = [rng.lognormvariate(0.0, 0.6) for _ in self.others]
        self.other_cum = list(itertools.accumulate(weights))
        self.upr_slot = {c.name: KNOWN_UPR_SLOT.get(c.name, rng.randint(1, 12)) for c in self.countries}
        # Mechanism weights are shares of records; documents are drawn, so divide by document size.
        self.mech_cum = list(itertools.accumulate(m.weight / sum(DOC_SIZE[m.kind]) for m in MECHANISMS))
        self.sp_free = [m for m in MECHANISMS if m.kind == "sp" and m.mandate is None]
        self.goals, self.targets = load_sdg_labels()
        self.upr_docs: dict[tuple[str, int], Document] = {}
        self.stats = Stats()

    # ---- documents ---------------------------------------------------------------------------
    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick_other(self, exclude: Country | None = None) -> Country:
        while True:
            country = self.rng.choices(self.others, cum_weights=self.other_cum)[0]
            if country is not exclude:
                return country

    def pick_mechanism(self) -> Mechanism:
        return self.rng.choices(MECHANISMS, cum_weights=self.mech_cum)[0]

    def new_document(self, category: str) -> Document:
        rng = self.rng
        if category == "none":
            mech = rng.choice(self.sp_free)
            return self.thematic_document(mech)
        if category == "tracked":
            assert self.tracked is not None
            country = self.tracked
            mech = self.pick_mechanism()
            while mech.mandate not in (None, country.name):
                mech = self.pick_mechanism()
        else:
            mech = self.pick_mechanism()
            # A country mandate on the tracked State would eat into the tracked budget.
            while self.tracked is not None and mech.mandate == self.tracked.name:
                mech = self.pick_mechanism()
            country = self.by_name[mech.mandate] if mech.mandate else self.pick_other()
        if mech.kind == "upr":
            return self.upr_document(mech, country)
        countries: tuple[Country, ...] = (country,)
        if mech.kind == "sp" and mech.mandate is None and rng.random() < TWO_COUNTRY_SP_RATE:
            countries = (country, self.pick_other(exclude=country))
        published = EXCEL_START + timedelta(days=rng.randrange(DATE_SPAN))
        n = max(1, (published.year - 1998) // 4 + rng.randint(0, 2))
        h = hrc_session(published)
        symbol = mech.symbol.format(iso3=country.iso3, n=n, m=n + 1, h=h)
        if mech.kind == "sp":
            symbol = mech.symbol.format(iso3=country.iso3, h=h, n=rng.randint(20, 70), m=rng.randint(1, 4))
        return Document(
            mech,
            countries,
            self.uuid(),
            symbol,
            published,
            self.on_uhri(published),
            STATE_PARTY if mech.kind == "tb" else GOVERNMENT if len(countries) == 1 else GOVERNMENTS,
            paragraph=rng.randint(6, 14),
        )

    def thematic_document(self, mech: Mechanism) -> Document:
        rng = self.rng
        published = EXCEL_START + timedelta(days=rng.randrange(DATE_SPAN))
        if rng.random() < 0.5:
            symbol = f"A/{published.year - 1945}/{rng.randint(150, 420)}"
        else:
            symbol = f"A/HRC/{hrc_session(published)}/{rng.randint(20, 70)}"
        return Document(
            mech,
            (),
            self.uuid(),
            symbol,
            published,
            self.on_uhri(published),
            STATES,
            paragraph=rng.randint(60, 90),
        )

    def upr_document(self, mech: Mechanism, country: Country) -> Document:
        rng = self.rng
        slot = self.upr_slot[country.name]
        sessions = [s for s in (slot, slot + 12, slot + 26, slot + 40) if s <= LAST_UPR_SESSION]
        session = rng.choices(sessions, weights=[1.0, 1.5, 2.0, 2.5][: len(sessions)])[0]
        # One report per review: later documents for the same review continue the same one.
        key = (country.name, session)
        doc = self.upr_docs.get(key)
        if doc is None:
            published = upr_session_date(session) + timedelta(days=rng.randint(55, 80))
            symbol = mech.symbol.format(h=hrc_session(published) + 1, n=rng.randint(2, 20))
            doc = Document(
                mech,
                (country,),
                self.uuid(),
                symbol,
                published,
                self.on_uhri(published),
                STATE_PARTY,
                session=session,
                upr_paragraph=rng.randint(86, 160),
                paragraph=0,
            )
            self.upr_docs[key] = doc
        return doc

    def on_uhri(self, published: date) -> datetime:
        rng = self.rng
        day = published + timedelta(days=rng.randint(10, 120))
        if published < UHRI_RELAUNCH and rng.random() < 0.7:
            day = UHRI_RELAUNCH + timedelta(days=rng.randint(0, 90))
        moment = datetime(
            day.year, day.month, day.day, rng.randint(6, 19), rng.randint(0, 59), rng.randint(0, 59)
        )
        return min(moment + timedelta(milliseconds=rng.randint(0, 999)), LAST_ON_UHRI)

    # ---- records -----------------------------------------------------------------------------
    def record(self, doc: Document) -> tuple[dict[str, object], bool]:
        """One record, and whether it is missing from non-English exports."""
        rng = self.rng
        mech = doc.mech
        doc.rank += 1
        missing_in_translation = rng.random() < FR_MISSING_RATE
        topic_keys = mech.topics if rng.random() < 0.9 else ALL_TOPICS
        topic = TOPICS[TOPIC_INDEX[rng.choice(topic_keys)]]
        label = mech.labels[0]
        if len(mech.labels) > 1 and rng.random() < (0.01 if mech.kind == "upr" else 0.3):
            label = mech.labels[1]
        is_concern = mech.kind != "upr" and rng.random() < 0.3
        countries = [c.name for c in doc.countries]
        if countries and rng.random() < STUB_RATE:
            countries[0] = doc.countries[0].iso2
            self.stats.stubs += 1
        positions: list[str] = []
        states: list[Country] = []
        cycle: int | None = None
        session: list[str] = []
        if mech.kind == "upr":
            assert doc.session is not None
            text = self.upr_text(doc, topic, states)
            session = [str(doc.session)]
            cycle = upr_cycle(doc.session) if rng.random() < 0.5 else None
            pending = (doc.session >= LAST_UPR_SESSION and rng.random() < 0.6) or (
                doc.session <= 12 and rng.random() < 0.15
            )
            if not pending:
                positions = ["Supported" if rng.random() < 0.68 else "Noted"]
        elif is_concern:
            text = self.concern_text(doc, topic)
        else:
            text = self.recommendation_text(doc, topic)
        on_uhri = doc.on_uhri + timedelta(seconds=doc.rank * 3, milliseconds=rng.randint(0, 999))
        record: dict[str, object] = {
            "AnnotationId": self.uuid(),
            "DocumentId": doc.doc_id,
            "Symbol": doc.symbol,
            "Text": text,
            "AnnotationType": CONCERN if is_concern else RECOMMENDATION,
            "Body": label,
            "PublicationDate": f"{doc.published.isoformat()}T00:00:00",
            "PublicationDateOnUhri": min(on_uhri, LAST_ON_UHRI).isoformat(timespec="milliseconds"),
            "Countries": countries,
            "Regions": list(dict.fromkeys(c.region for c in doc.countries)),
            "Themes": self.themes(topic),
            "AffectedPersons": self.affected(topic),
            "Sdgs": self.sdgs(topic),
            "UprCycle": cycle,
            "UprPositions": positions,
            "UprRecommendingCountry": [s.name for s in states],
            "UprRecommendingRegions": list(dict.fromkeys(GROUP_LABEL[s.group] for s in states)),
            "UprSession": session,
        }
        stats = self.stats
        stats.records += 1
        stats.fr_missing += missing_in_translation
        stats.bodies[label] += 1
        stats.kinds[mech.kind] += 1
        stats.types[str(record["AnnotationType"])] += 1
        stats.country_count[len(countries)] += 1
        for c in doc.countries:
            stats.countries[c.name] += 1
        stats.text_lengths[len(text) // 10] += 1
        return record, missing_in_translation

    def themes(self, topic: Topic) -> list[str]:
        rng = self.rng
        labels = [topic.themes[0]] + [t for t in topic.themes[1:] if rng.random() < 0.6]
        for chance in (0.2, 0.05):
            if rng.random() < chance:
                labels.append(rng.choice(THEMES))
        out = []
        for label in dict.fromkeys(labels):
            if label in THEME_VARIANTS and rng.random() < 0.2:
                label = THEME_VARIANTS[label]
            if rng.random() < 0.03:
                label = rng.choice((f" {label} ", f" {label}", f"{label} "))
            out.append(label)
        return out

    def affected(self, topic: Topic) -> list[str]:
        rng = self.rng
        labels = [a for a in topic.affected if rng.random() < 0.8]
        if rng.random() < 0.1:
            labels.append(rng.choice(AFFECTED))
        out = list(dict.fromkeys(labels))
        if out and rng.random() < 0.02:
            out[0] = f" {out[0]} "
        return out

    def sdgs(self, topic: Topic) -> list[str]:
        rng = self.rng
        if not topic.sdgs or rng.random() < 0.12:
            return []
        codes = [code for code in topic.sdgs if rng.random() < 0.6] or [topic.sdgs[0]]
        goals_only = rng.random() < 0.05
        out: list[str] = []
        for code in codes:
            goal = self.goals[code.split(".")[0]]
            if (goals_only or rng.random() < 0.45) and goal not in out:
                out.append(goal)
            if not goals_only:
                out.append(self.targets[code][0 if rng.random() < 0.6 else 1])
        return out

    # ---- text ------------------------------------------------------------------------------
    def target_length(self) -> int:
        length = self.rng.lognormvariate(math.log(MEDIAN_TEXT), 0.55)
        return int(min(max(length, MIN_TEXT), MAX_TEXT))

    def paragraph_number(self, doc: Document) -> str:
        rng = self.rng
        doc.paragraph += 1 + (rng.random() < 0.3)
        return f"{doc.paragraph}." + ("" if rng.random() < 0.07 else " ")

    def heading(self, topic: Topic) -> tuple[str, int, int]:
        """The section heading (or none), with its shortest and longest length over the languages."""
        if self.rng.random() < 0.55:
            lo, hi = _span(topic.heading)
            return f"<p>{topic.heading[self.lang]}</p>", lo + 7, hi + 7
        return "", 0, 0

    def chain(self, actions: list[int], exts: list[int | None], topic: Topic, join: str) -> str:
        """Join infinitive phrases: "adopt X, in line with Y, and ensure Z" / "adopter X ..., et de ..."."""
        lang = self.lang
        parts = []
        for i, (action, extender) in enumerate(zip(actions, exts, strict=True)):
            text = topic.actions[action][lang]
            if i:
                text = (", and " if lang == 0 else ", et " + _prep(join, text)) + text
            if extender is not None:
                e = EXTENDERS[extender]
                if e.verb:
                    tail = e.text[lang]
                    text += (", and " + tail) if lang == 0 else (", et " + _prep(join, tail) + tail)
                else:
                    text += ", " + e.text[lang]
            parts.append(text)
        return "".join(parts)

    def plan_actions(
        self, topic: Topic, budget: int, limit: int, per_item: int = 0
    ) -> tuple[list[int], list[int | None]]:
        """Actions and extenders whose shortest wording reaches budget and longest stays within limit."""
        rng = self.rng
        order = rng.sample(range(len(topic.actions)), len(topic.actions))
        actions: list[int] = []
        exts: list[int | None] = []
        lo = hi = 0
        for action in order:
            extender = rng.randrange(len(EXTENDERS)) if rng.random() < 0.45 else None
            add_lo, add_hi = _planned_span(topic, [action], [extender], first=not actions)
            if actions and hi + add_hi + per_item > limit:
                break
            actions.append(action)
            exts.append(extender)
            lo += add_lo
            hi += add_hi + per_item
            if lo >= budget:
                break
        if lo < budget and exts[-1] is None:
            exts[-1] = rng.randrange(len(EXTENDERS))
        return actions, exts

    def fill(self, doc: Document, opening: Opening, **values: str) -> str:
        lang = self.lang
        subject = doc.mech.subject[lang]
        who = doc.addressee
        template = opening.en if lang == 0 else opening.fr
        action = values.get("a", "")
        return template.format(
            S=subject,
            s=subject[:1].lower() + subject[1:],
            O=who.en if lang == 0 else who.fr_acc,
            Od=who.fr_dat,
            Oa=who.fr_acc,
            Og=who.fr_gen,
            de=_prep("de", action) if action else "",
            **values,
        )

    def recommendation_text(self, doc: Document, topic: Topic) -> str:
        rng = self.rng
        lang = self.lang
        mech = doc.mech
        budget = self.target_length()
        heading, heading_lo, heading_hi = self.heading(topic)
        number = self.paragraph_number(doc)
        fixed = len(number) + 7  # <p>18. ...</p>
        budget -= heading_lo + OPENING_LO + fixed
        limit = MAX_TEXT - heading_hi - OPENING_HI - fixed
        should = mech.should_style and rng.random() < 0.8
        as_list = budget > 380 and rng.random() < 0.55
        follow_up = rng.randrange(len(REC_FOLLOW_UPS)) if budget > 420 and rng.random() < 0.35 else None
        if follow_up is not None:
            budget -= 110
            limit -= FOLLOW_UP_HI
        per_item = ITEM_MARKUP_HI if as_list else 0
        actions, exts = self.plan_actions(topic, max(budget, 60), limit - 10, per_item)
        if as_list and len(actions) > 1:
            opening = SHOULD_LIST_OPENING if should else LIST_OPENING
            items = []
            for i, (action, extender) in enumerate(zip(actions, exts, strict=True)):
                body = self.chain([action], [extender], topic, opening.fr_join)
                if lang == 1 and opening.fr_join:
                    body = _prep(opening.fr_join, body) + body
                letter = "abcdefgh"[i]
                end = "." if i == len(actions) - 1 else (";" if lang == 0 else "&nbsp;;")
                marker = f"({letter})" if lang == 0 else f"{letter})"
                items.append(f"<li>{marker} {body[:1].upper()}{body[1:]}{end}</li>")
            lead = self.fill(doc, opening)
            lead = lead[:1].upper() + lead[1:]
            text = f"{heading}<p>{number}{lead}</p><ul>{''.join(items)}</ul>"
        else:
            if should:
                opening = SHOULD_OPENING
            elif mech.gc is not None and rng.random() < 0.12:
                opening = GC_OPENING
            else:
                opening = REC_OPENINGS[rng.randrange(len(REC_OPENINGS))]
            gc_number = str(rng.randint(1, 39))
            chained = self.chain(actions, exts, topic, opening.fr_join)
            gc = mech.gc[lang] if mech.gc is not None else ""
            sentence = self.fill(doc, opening, a=chained, gc=gc, n=gc_number)
            if should:
                sentence = sentence[:1].upper() + sentence[1:]
            text = f"{heading}<p>{number}{sentence}"
            if follow_up is not None:
                text += " " + self.fill(doc, REC_FOLLOW_UPS[follow_up])
            return text + "</p>"
        if follow_up is not None:
            text += f"<p>{self.fill(doc, REC_FOLLOW_UPS[follow_up])}</p>"
        return text

    def concern_text(self, doc: Document, topic: Topic) -> str:
        rng = self.rng
        lang = self.lang
        budget = self.target_length()
        heading, heading_lo, heading_hi = self.heading(topic)
        number = self.paragraph_number(doc)
        fixed = len(number) + 7
        budget -= heading_lo + OPENING_LO + fixed
        limit = MAX_TEXT - heading_hi - OPENING_HI - fixed
        pool = [topic.concerns[i] for i in rng.sample(range(len(topic.concerns)), len(topic.concerns))]
        pool += [GENERIC_CONCERNS[rng.randrange(len(GENERIC_CONCERNS))]]
        chosen: list[Phrase] = []
        lo = hi = 0
        for concern in pool:
            # The 2nd concern is joined with ", as well as"; later ones get a sentence of their own.
            join_lo, join_hi = (0, 0) if not chosen else (12, 13) if len(chosen) == 1 else (38, 50)
            c_lo, c_hi = _span(concern)
            if chosen and hi + c_hi + join_hi > limit:
                break
            chosen.append(concern)
            lo += c_lo + join_lo
            hi += c_hi + join_hi
            if lo >= budget:
                break
        first, rest = chosen[:2], chosen[2:]
        joined = (", as well as " if lang == 0 else ", ainsi que ").join(c[lang] for c in first)
        opening = CONCERN_OPENINGS[rng.randrange(len(CONCERN_OPENINGS))]
        text = f"{heading}<p>{number}{self.fill(doc, opening, c=joined)}"
        for concern in rest:
            text += " " + self.fill(doc, CONCERN_FOLLOW_UP, c=concern[lang])
        return text + "</p>"

    def upr_text(self, doc: Document, topic: Topic, states: list[Country]) -> str:
        rng = self.rng
        lang = self.lang
        doc.paragraph += 1
        roll = rng.random()
        sep = " " if roll < 0.88 else ". " if roll < 0.96 else "&nbsp;"
        number = f"{doc.upr_paragraph}.{doc.paragraph}{sep}"
        count = 1 if roll < 0.7 else rng.choice((1, 2, 2, 2, 3, 3, 4, 5))
        reviewed = doc.countries[0]
        while len(states) < count:
            state = rng.choice(self.countries)
            if state is not reviewed and state not in states:
                states.append(state)
        suffix = " " + " ".join(f"({s.names[lang]})" for s in states) + ";"
        suffix_lo = sum(min(map(len, s.names)) + 3 for s in states) + 1
        # UPR recommendations are one sentence: keep them to the short end of the distribution.
        budget = min(self.target_length(), 420) - len(number) - suffix_lo - 7
        opening = UPR_OPENINGS[rng.randrange(len(UPR_OPENINGS))]
        actions, exts = self.plan_actions(topic, budget, 700)
        actions, exts = actions[:2], exts[:2]
        body = opening.en if lang == 0 else opening.fr
        sentence = body.format(a=self.chain(actions, exts, topic, opening.fr_join))
        sentence = sentence[:1].upper() + sentence[1:]
        opening_lo = min(len(opening.en), len(opening.fr)) - 3
        spare = budget - opening_lo - _planned_span(topic, actions, exts, first=True)[0]
        extra = ""
        unused = [i for i in rng.sample(range(len(EXTENDERS)), len(EXTENDERS)) if i not in exts]
        for index in unused[:3]:
            if spare <= 0:
                break
            extender = EXTENDERS[index]
            joiner = (", and " if lang == 0 else ", et ") if extender.verb else ", "
            extra += joiner + extender.text[lang]
            spare -= _span(extender.text)[0] + 2
        return f"<p>{number}{sentence}{extra}{suffix}</p>"


@functools.cache
def _span(phrase: Phrase) -> tuple[int, int]:
    return min(map(len, phrase)), max(map(len, phrase))


def _planned_span(
    topic: Topic, actions: Sequence[int], exts: Sequence[int | None], first: bool
) -> tuple[int, int]:
    """Shortest and longest length, over the languages, of chained actions as chain() writes them."""
    lo = hi = 0
    for i, (action, extender) in enumerate(zip(actions, exts, strict=True)):
        a_lo, a_hi = _span(topic.actions[action])
        # ", and " / ", et d&#39;": what chain() puts before every action but the first.
        lo, hi = lo + a_lo + (0 if first and i == 0 else 6), hi + a_hi + (0 if first and i == 0 else 14)
        if extender is not None:
            e_lo, e_hi = _span(EXTENDERS[extender].text)
            lo, hi = lo + e_lo + 2, hi + e_hi + 14
    return lo, hi


def _prep(join: str, word: str) -> str:
    """French "de"/"à" before an infinitive, eliding "de" before a vowel or mute h."""
    if join == "de":
        return "d&#39;" if word[:1].lower() in "aeiouyhéèêàâîïôû" else "de "
    if join == "à":
        return "à "
    return ""


# --------------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------------
def write_export(
    out: TextIO, generator: ExportGenerator, records: int, tracked_records: int, lang: str
) -> None:
    rng = generator.rng
    tracked_left = tracked_records if generator.tracked is not None else 0
    others_left = records - tracked_left
    first = True
    buffer: list[str] = []
    out.write("[")
    while tracked_left + others_left > 0:
        if rng.random() * (tracked_left + others_left) < tracked_left:
            category, budget = "tracked", tracked_left
        else:
            category = "none" if rng.random() < NO_COUNTRY_DOC_RATE else "other"
            budget = others_left
        doc = generator.new_document(category)
        size = min(rng.randint(*DOC_SIZE["none" if category == "none" else doc.mech.kind]), budget)
        if category == "tracked":
            tracked_left -= size
        else:
            others_left -= size
        for _ in range(size):
            record, missing_in_translation = generator.record(doc)
            if missing_in_translation and lang != "en":
                continue
            buffer.append(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
            first = False
            if len(buffer) >= 2000:
                out.write("".join(buffer))
                buffer.clear()
    out.write("".join(buffer) + "\n]\n")


def print_stats(stats: Stats, lang: str) -> None:
    n = stats.records or 1
    print(f"records generated: {stats.records:,} (missing from non-English files: {stats.fr_missing})")
    if lang != "en":
        print(f"records written ({lang}): {stats.records - stats.fr_missing:,}")
    print("mechanism kinds: " + ", ".join(f"{k} {v / n:.1%}" for k, v in stats.kinds.most_common()))
    print("annotation types: " + ", ".join(f"{k} {v / n:.1%}" for k, v in stats.types.most_common()))
    print(
        "countries per record: "
        + ", ".join(f"{k}: {v / n:.2%}" for k, v in sorted(stats.country_count.items()))
        + f"; 2-letter stubs: {stats.stubs}"
    )
    print(f"distinct countries: {len(stats.countries)}; top: {stats.countries.most_common(5)}")
    print(f"distinct body labels: {len(stats.bodies)}")
    print(
        "text length p10/p50/p90/max (10-char buckets): "
        f"{stats.text_percentile(0.1)}/{stats.text_percentile(0.5)}/{stats.text_percentile(0.9)}/"
        f"{max(stats.text_lengths, default=0) * 10}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path, help="output JSON file")
    parser.add_argument("--records", type=int, default=250_000, help="records in the English file")
    parser.add_argument("--country", help="tracked State (UHRI spelling, e.g. Peru)")
    parser.add_argument("--country-records", type=int, default=3000, help="records concerning --country")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of Text")
    parser.add_argument("--stats", action="store_true", help="print distribution statistics")
    args = parser.parse_args(argv)
    if args.records < 0 or not 0 <= args.country_records <= args.records:
        parser.error("need 0 <= --country-records <= --records")

    started = time.perf_counter()
    generator = ExportGenerator(args.seed, args.country, args.lang)
    out_path: Path = args.out
    with out_path.open("w", encoding="utf-8", newline="\n", buffering=1 << 20) as fh:
        write_export(fh, generator, args.records, args.country_records, args.lang)
    elapsed = time.perf_counter() - started
    size = out_path.stat().st_size
    if args.stats:
        print_stats(generator.stats, args.lang)
    print(f"wrote {out_path} ({size:,} bytes, {size / 2**20:.1f} MiB) in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
