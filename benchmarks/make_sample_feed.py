"""Write the bundled sample UHRI feed (synthetic, written by us, not OHCHR text).

Outputs, under app/data/sample/:
  export-full-en.json, export-full-fr.json   UHRI full-export JSON (uhri-formats.md §1)
  uhri-search-export.xlsx                    UHRI search-page XLSX export (§2), 10 Peru records
  upr-info-peru.csv                          UPR Info database CSV (§3), Windows-1252, CR line ends

Every value is fixed in this file and identifiers are derived by hashing, so re-running the script
rewrites byte-identical JSON and CSV files (the XLSX differs only by openpyxl's zip timestamps).

    .venv/bin/python benchmarks/make_sample_feed.py [--out DIR]
"""

# The French texts and the UPR Info rows hold typographic apostrophes and dashes on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "app" / "data" / "sample"
SDG_DIR = ROOT / "app" / "data" / "sdg" / "en"

RECOMMENDATION = "- Recommendations"
CONCERN = "- Concerns/Observations"

LATAM = "Latin America and the Caribbean"
AFRICA = "Africa"
ASIA = "Asia-Pacific"
WEST = "Western Europe and Other States"
REGION_OF = {
    "Peru": LATAM,
    "PE": LATAM,
    "Chile": LATAM,
    "Bolivia (Plurinational State of)": LATAM,
    "Kenya": AFRICA,
    "Somalia": AFRICA,
    "France": WEST,
    "Pakistan": ASIA,
    "PK": ASIA,
    "Afghanistan": ASIA,
}

# UN regional group of each recommending State, as UHRI labels UprRecommendingRegions.
GROUP_OF = {
    "Algeria": "African Group",
    "Argentina": "GRULAC",
    "Australia": "WEOG",
    "Bahrain": "Asia-Pacific Group",
    "Bolivia (Plurinational State of)": "GRULAC",
    "Canada": "WEOG",
    "Chile": "GRULAC",
    "Colombia": "GRULAC",
    "Comoros": "African Group",
    "Costa Rica": "GRULAC",
    "Cuba": "GRULAC",
    "Czechia": "EEG",
    "Denmark": "WEOG",
    "Ecuador": "GRULAC",
    "Fiji": "Asia-Pacific Group",
    "France": "WEOG",
    "Germany": "WEOG",
    "Ghana": "African Group",
    "Iceland": "WEOG",
    "India": "Asia-Pacific Group",
    "Ireland": "WEOG",
    "Israel": "WEOG",
    "Japan": "Asia-Pacific Group",
    "Luxembourg": "WEOG",
    "Malta": "WEOG",
    "Mexico": "GRULAC",
    "Montenegro": "EEG",
    "Morocco": "African Group",
    "Netherlands": "WEOG",
    "Norway": "WEOG",
    "Pakistan": "Asia-Pacific Group",
    "Peru": "GRULAC",
    "Philippines": "Asia-Pacific Group",
    "Portugal": "WEOG",
    "Sweden": "WEOG",
    "Switzerland": "WEOG",
    "Thailand": "Asia-Pacific Group",
    "Ukraine": "EEG",
    "Uruguay": "GRULAC",
}

# Short target names (as in the SDG tracker) that UHRI uses on some records instead of the official
# title: importers must key on the code, not the label.
SHORT_TARGET = {
    "16.2": "Protect children from abuse, exploitation, trafficking and violence",
    "16.10": "Ensure public access to information and protect fundamental freedoms",
    "5.5": "Ensure full participation in leadership and decision-making",
    "5.2": "Eliminate all forms of violence against women and girls",
    "10.3": "Ensure equal opportunities and end discrimination",
    "4.5": "Eliminate all discrimination in education",
    "16.3": "Promote the rule of law and ensure equal access to justice",
    "1.a": "Mobilize resources to implement policies to end poverty",
}


def load_sdg_labels() -> dict[str, str]:
    """Code -> UHRI label ("16 - PEACE, ...", "16.2 - End abuse, ..."), from the bundled YAML."""
    goals = yaml.safe_load((SDG_DIR / "global_goals.yml").read_text(encoding="utf-8"))
    targets = yaml.safe_load((SDG_DIR / "global_targets.yml").read_text(encoding="utf-8"))
    labels: dict[str, str] = {}
    for key, text in goals.items():
        number, kind = key.split("-", 1)
        if kind == "short":
            labels[number] = f"{number} - {text.upper()}"
    for key, text in targets.items():
        goal, target, _ = key.split("-")
        code = f"{goal}.{target}"
        labels[code] = f"{code} - {' '.join(str(text).split())}"
    for code, short in SHORT_TARGET.items():
        labels[code + "~"] = f"{code} - {short}"
    return labels


@dataclass(frozen=True)
class Doc:
    key: str
    symbol: str
    body: str
    countries: tuple[str, ...]
    published: date
    on_uhri: datetime
    upr_session: str | None = None
    upr_cycle: int | None = None


@dataclass(frozen=True)
class Rec:
    doc: Doc
    en: str
    fr: str | None  # None: missing from the French export, as happens
    themes: tuple[str, ...]
    affected: tuple[str, ...] = ()
    sdgs: tuple[str, ...] = ()  # codes; "16.2~" selects the short label
    concern: bool = False
    body: str | None = None  # another spelling of the document's body
    countries: tuple[str, ...] | None = None  # e.g. the "PE" stub
    positions: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    cycle_known: bool = True
    key: str = field(default="")


def stable_uuid(key: str) -> str:
    return str(uuid.UUID(bytes=hashlib.sha256(key.encode()).digest()[:16], version=4))


def d(text: str) -> date:
    return date.fromisoformat(text)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


PER = ("Peru",)
# --- Peru: treaty bodies -----------------------------------------------------------------------
CRC_PER = Doc("crc-per", "CRC/C/PER/CO/6-7", "- CRC", PER, d("2025-02-12"), dt("2025-03-03T10:53:45.827"))
CEDAW_PER = Doc(
    "cedaw-per", "CEDAW/C/PER/CO/9", "- CEDAW", PER, d("2022-03-01"), dt("2022-05-16T14:02:11.310")
)
CAT_PER = Doc("cat-per", "CAT/C/PER/CO/8", "- CAT", PER, d("2023-12-15"), dt("2024-01-22T09:15:02.447"))
CCPR_PER = Doc(
    "ccpr-per",
    "CCPR/C/PER/CO/6",
    "- Human Rights Committee",
    PER,
    d("2023-11-30"),
    dt("2024-01-09T16:40:27.103"),
)
CERD_PER = Doc(
    "cerd-per", "CERD/C/PER/CO/22-23", "- CERD", PER, d("2018-05-23"), dt("2022-09-14T08:21:56.004")
)
CESCR_PER = Doc(
    "cescr-per", "E/C.12/PER/CO/5", "- CESCR", PER, d("2024-10-18"), dt("2024-11-27T12:08:33.590")
)
CRPD_PER = Doc("crpd-per", "CRPD/C/PER/CO/2-3", "- CRPD", PER, d("2023-09-19"), dt("2023-10-30T11:27:49.012"))
SPT_PER = Doc("spt-per", "CAT/OP/PER/1", "- SPT", PER, d("2024-06-05"), dt("2024-08-12T15:33:10.275"))
# --- Peru: UPR (sessions 14, 28 and 42) --------------------------------------------------------
UPR2_PER = Doc(
    "upr2-per", "A/HRC/22/15", "- UPR", PER, d("2012-12-27"), dt("2022-08-03T07:45:12.660"), "14", 2
)
UPR3_PER = Doc(
    "upr3-per", "A/HRC/37/8", "- UPR", PER, d("2017-12-27"), dt("2022-08-03T07:46:40.118"), "28", 3
)
UPR4_PER = Doc(
    "upr4-per", "A/HRC/53/8", "- UPR", PER, d("2023-04-05"), dt("2023-07-19T13:22:05.907"), "42", 4
)
# --- Peru: special procedures ------------------------------------------------------------------
SRIP_PER = Doc(
    "srip-per",
    "A/HRC/27/52/Add.3",
    "- SR Indigenous peoples",
    PER,
    d("2014-07-03"),
    dt("2022-08-10T10:12:44.330"),
)
WGBHR_PER = Doc(
    "wgbhr-per", "A/HRC/38/48/Add.2", "- WG Business", PER, d("2018-04-23"), dt("2022-08-10T10:15:06.781")
)
WGAD_PER = Doc(
    "wgad-per",
    "A/HRC/57/44/Add.1",
    "- WG Arbitrary Detention",
    PER,
    d("2024-07-15"),
    dt("2024-09-02T09:03:51.440"),
)
# --- Other States ------------------------------------------------------------------------------
CHL = ("Chile",)
CAT_CHL = Doc("cat-chl", "CAT/C/CHL/CO/7", "- CAT", CHL, d("2018-08-28"), dt("2022-09-01T11:42:07.239"))
UPR3_CHL = Doc(
    "upr3-chl", "A/HRC/41/6", "- UPR", CHL, d("2019-04-02"), dt("2022-08-04T08:10:19.552"), "32", 3
)
UPR4_CHL = Doc(
    "upr4-chl", "A/HRC/57/11", "- UPR", CHL, d("2024-07-01"), dt("2024-07-15T17:05:33.081"), "46", 4
)
SRT_CHL = Doc(
    "srt-chl", "A/HRC/46/26/Add.2", "- SR Torture", CHL, d("2021-02-10"), dt("2022-08-11T12:30:00.000")
)
KEN = ("Kenya",)
CEDAW_KEN = Doc(
    "cedaw-ken", "CEDAW/C/KEN/CO/9", "- CEDAW", KEN, d("2024-05-31"), dt("2024-07-08T10:01:02.300")
)
CCPR_KEN = Doc(
    "ccpr-ken",
    "CCPR/C/KEN/CO/4",
    "- Human Rights Committee",
    KEN,
    d("2021-05-11"),
    dt("2022-09-20T13:44:18.906"),
)
UPR4_KEN = Doc(
    "upr4-ken", "A/HRC/52/16", "- UPR", KEN, d("2023-01-03"), dt("2023-04-26T09:58:41.117"), "41", 4
)
SRH_KEN = Doc(
    "srh-ken", "A/HRC/55/53/Add.1", "- SR Housing", KEN, d("2024-01-19"), dt("2024-03-05T15:20:47.662")
)
FRA = ("France",)
CRC_FRA = Doc("crc-fra", "CRC/C/FRA/CO/6-7", "- CRC", FRA, d("2023-06-02"), dt("2023-07-10T08:45:29.871"))
CERD_FRA = Doc(
    "cerd-fra",
    "CERD/C/FRA/CO/22-26",
    "- Committee on the Elimination of Racial Discrimination",
    FRA,
    d("2022-12-15"),
    dt("2023-02-06T11:17:55.019"),
)
UPR4_FRA = Doc(
    "upr4-fra", "A/HRC/54/5", "- UPR", FRA, d("2023-07-05"), dt("2023-10-16T14:36:12.480"), "43", 4
)
SRP_FRA = Doc(
    "srp-fra",
    "A/HRC/59/51/Add.1",
    "- SR Extreme poverty",
    FRA,
    d("2025-05-20"),
    dt("2025-06-30T16:12:08.054"),
)
PAK = ("Pakistan",)
CAT_PAK = Doc("cat-pak", "CAT/C/PAK/CO/1", "- CAT", PAK, d("2017-06-01"), dt("2022-09-02T10:25:36.718"))
CCPR_PAK = Doc("ccpr-pak", "CCPR/C/PAK/CO/2", "- CCPR", PAK, d("2024-11-05"), dt("2024-12-16T09:40:11.205"))
UPR1_PAK = Doc("upr1-pak", "A/HRC/8/42", "- UPR", PAK, d("2008-06-04"), dt("2022-08-02T15:01:59.993"), "2", 1)
UPR4_PAK = Doc(
    "upr4-pak", "A/HRC/53/12", "- UPR", PAK, d("2023-04-03"), dt("2023-07-19T13:25:50.364"), "42", 4
)
# --- Two countries, and none -------------------------------------------------------------------
SRM_MULTI = Doc(
    "srm-multi",
    "A/HRC/53/26/Add.1",
    "- SR Migrants",
    ("Chile", "Peru"),
    d("2023-05-12"),
    dt("2023-06-26T10:31:14.590"),
)
SRW_MULTI = Doc(
    "srw-multi",
    "A/HRC/51/24/Add.2",
    "- SR Water and Sanitation",
    ("Peru", "Bolivia (Plurinational State of)"),
    d("2022-07-22"),
    dt("2022-10-03T12:12:12.120"),
)
SRTIP_MULTI = Doc(
    "srtip-multi",
    "A/HRC/56/60/Add.2",
    "- SR Trafficking",
    ("Kenya", "Somalia"),
    d("2024-05-02"),
    dt("2024-06-17T09:09:45.333"),
)
SRAFG_MULTI = Doc(
    "srafg-multi",
    "A/HRC/55/80",
    "- SR Afghanistan",
    ("Afghanistan", "Pakistan"),
    d("2024-02-23"),
    dt("2024-04-02T14:50:27.001"),
)
SRT_NONE = Doc("srt-none", "A/78/324", "- SR Torture", (), d("2023-08-17"), dt("2023-10-02T11:00:03.450"))
WGAD_NONE = Doc(
    "wgad-none", "A/HRC/54/51", "- WG Arbitrary Detention", (), d("2023-07-13"), dt("2023-09-04T08:30:40.870")
)
SRHRD_NONE = Doc(
    "srhrd-none",
    "A/HRC/55/50",
    "- SR Human Rights Defenders",
    (),
    d("2024-01-15"),
    dt("2024-03-11T13:13:31.626"),
)

TORTURE = "Torture and other cruel, inhuman or degrading treatment or punishment"
LGBTI = "Lesbian, gay, bisexual, transgender and intersex persons"
MINORITIES = "Minorities/ racial, ethnic, linguistic, religious or descent-based groups"
DEPRIVED = "Persons deprived of their liberty"
DISABILITY = "Persons with disabilities: definition, general principles"

RECORDS: tuple[Rec, ...] = (
    # ============================ Peru: CRC ============================
    Rec(
        CRC_PER,
        "<p>Right to health</p><p>18. The Committee recommends that the State party:</p><ul>"
        "<li>(a) Strengthen primary health-care services in rural and Amazonian areas, including through "
        "culturally appropriate services for indigenous children;</li>"
        "<li>(b) Reduce anaemia and chronic malnutrition among children under 5 years of age, particularly "
        "in the highlands;</li>"
        "<li>(c) Ensure that adolescents have access to confidential sexual and reproductive health "
        "services and information.</li></ul>",
        "<p>Droit à la santé</p><p>18. Le Comité recommande à l&#39;État partie&nbsp;:</p><ul>"
        "<li>a) De renforcer les services de soins de santé primaires dans les zones rurales et "
        "amazoniennes, notamment au moyen de services adaptés à la culture des enfants "
        "autochtones&nbsp;;</li>"
        "<li>b) De réduire l&#39;anémie et la malnutrition chronique chez les enfants de moins de 5 ans, "
        "en particulier dans les hauts plateaux&nbsp;;</li>"
        "<li>c) De veiller à ce que les adolescents aient accès à des services et à des informations "
        "confidentiels en matière de santé sexuelle et procréative.</li></ul>",
        ("Right to health", "Sexual & reproductive health and rights", "Indigenous peoples"),
        ("Children", "Youth & juveniles", "Indigenous peoples"),
        ("3", "3.7", "3.8", "2.2"),
    ),
    Rec(
        CRC_PER,
        "<p>Violence against children, including torture and other cruel or degrading treatment or "
        "punishment</p><p>21. The Committee is deeply concerned about the high prevalence of violence "
        "against children, including corporal punishment in the home and in schools, sexual abuse and "
        "the recruitment of children by criminal groups.</p>",
        "<p>Violence à l&#39;égard des enfants, y compris la torture et les peines ou traitements cruels "
        "ou dégradants</p><p>21. Le Comité est profondément préoccupé par la forte prévalence de la "
        "violence à l&#39;égard des enfants, notamment les châtiments corporels au sein de la famille et "
        "à l&#39;école, les abus sexuels et le recrutement d&#39;enfants par des groupes criminels.</p>",
        ("Violence against children", "Children: protection against exploitation"),
        ("Children",),
        ("16", "16.2~"),
        concern=True,
        body="- Committee on the Rights of the Child",
    ),
    Rec(
        CRC_PER,
        "<p>22. Recalling its general comment No. 13 (2011) on the right of the child to freedom from all "
        "forms of violence and taking note of target 16.2 of the Sustainable Development Goals, the "
        "Committee recommends that the State party:<br>(a) Explicitly prohibit corporal punishment in all "
        "settings, including in the home;<br>(b) Strengthen the National System for Comprehensive Care of "
        "Children and Adolescents and allocate sufficient resources to the child protection units;<br>"
        "(c) Establish a national database on all cases of violence against children.</p>",
        "<p>22. Rappelant son observation générale n<sup>o</sup> 13 (2011) sur le droit de l&#39;enfant "
        "d&#39;être protégé contre toutes les formes de violence, et prenant note de la cible 16.2 des "
        "objectifs de développement durable, le Comité recommande à l&#39;État partie&nbsp;:<br>"
        "a) D&#39;interdire expressément les châtiments corporels dans tous les contextes, y compris au "
        "sein de la famille&nbsp;;<br>b) De renforcer le système national de prise en charge intégrale des "
        "enfants et des adolescents et d&#39;allouer des ressources suffisantes aux unités de protection de "
        "l&#39;enfance&nbsp;;<br>c) De créer une base de données nationale sur tous les cas de violence à "
        "l&#39;égard des enfants.</p>",
        ("Violence against children", "Corporal punishment"),
        ("Children",),
        ("16", "16.2"),
    ),
    Rec(
        CRC_PER,
        "<p>Birth registration and nationality</p><p>16. The Committee recommends that the State party "
        "continue its efforts to ensure free and universal birth registration, including through mobile "
        "registration units in remote areas of the Amazon region, and that it facilitate the late "
        "registration of children born to Venezuelan migrant families.</p>",
        "<p>Enregistrement des naissances et nationalité</p><p>16. Le Comité recommande à l’État partie de "
        "poursuivre ses efforts pour garantir l’enregistrement gratuit et universel des naissances, "
        "notamment au moyen d’unités d’enregistrement mobiles dans les zones reculées de l’Amazonie, et de "
        "faciliter l’enregistrement tardif des enfants nés de familles migrantes vénézuéliennes.</p>",
        ("Birth registration", "Right to nationality"),
        ("Children", "Migrants"),
        ("16.9",),
    ),
    Rec(
        CRC_PER,
        "<p>Administration of child justice</p><p>47. The Committee urges the State party to bring its "
        "child justice system fully into line with the Convention and, in particular: (a) Ensure that "
        "detention is used as a measure of last resort and for the shortest possible period of time; "
        "(b) Refrain from lowering the minimum age of criminal responsibility and from trying children as "
        "adults; (c) Promote non-judicial measures, such as diversion, mediation and counselling, for "
        "children accused of criminal offences.</p>",
        "<p>Administration de la justice pour enfants</p><p>47. Le Comité engage instamment l&#39;État "
        "partie à mettre son système de justice pour enfants en pleine conformité avec la Convention et, "
        "en particulier&nbsp;: a) à veiller à ce que la détention soit une mesure de dernier ressort et "
        "d&#39;une durée aussi brève que possible&nbsp;; b) à s&#39;abstenir d&#39;abaisser l&#39;âge "
        "minimum de la responsabilité pénale et de juger des enfants comme des adultes&nbsp;; "
        "c) à promouvoir des mesures extrajudiciaires, telles que la déjudiciarisation, la médiation et "
        "l&#39;accompagnement, pour les enfants accusés d&#39;infractions pénales.</p>",
        ("Juvenile justice", "Administration of justice & fair trial"),
        ("Children", "Youth & juveniles"),
        ("16.3",),
        body="- Committee on the Rights of the Child",
        countries=("PE",),
    ),
    Rec(
        CRC_PER,
        "<p>Children of indigenous and Afro-Peruvian origin</p><p>44. The Committee recommends that the "
        "State party guarantee intercultural bilingual education for indigenous children at all levels, "
        "including by training and recruiting more bilingual teachers, and adopt measures to combat the "
        "discrimination faced by Afro-Peruvian children in the education system.</p>",
        "<p>Enfants autochtones et d&#39;ascendance afro-péruvienne</p><p>44. Le Comité recommande à "
        "l&#39;État partie de garantir une éducation interculturelle bilingue aux enfants autochtones à "
        "tous les niveaux, notamment en formant et en recrutant davantage d&#39;enseignants bilingues, et "
        "d&#39;adopter des mesures pour lutter contre la discrimination dont sont victimes les enfants "
        "afro-péruviens dans le système éducatif.</p>",
        ("Right to education", "Indigenous peoples", "Racial discrimination"),
        ("Children", "Indigenous peoples", "People of African descent"),
        ("4", "4.5", "10.2"),
    ),
    # ============================ Peru: CEDAW ============================
    Rec(
        CEDAW_PER,
        "<p>Gender-based violence against women</p><p>25. Recalling its general recommendation No. 35 "
        "(2017) on gender-based violence against women, updating general recommendation No. 19, the "
        "Committee recommends that the State party:</p><ul><li>(a) Ensure the effective implementation of "
        "Law No. 30364 on preventing, punishing and eradicating violence against women and family members, "
        "and allocate sufficient resources to the Women&#39;s Emergency Centres;</li><li>(b) Ensure that "
        "all cases of femicide are investigated, prosecuted and adequately punished;</li><li>(c) Provide "
        "comprehensive support to women victims, including shelters, legal aid and psychosocial "
        "counselling.</li></ul>",
        "<p>Violence fondée sur le genre à l&#39;égard des femmes</p><p>25. Rappelant sa recommandation "
        "générale n<sup>o</sup> 35 (2017) sur la violence à l&#39;égard des femmes fondée sur le genre, "
        "portant actualisation de la recommandation générale n<sup>o</sup> 19, le Comité recommande à "
        "l&#39;État partie&nbsp;:</p><ul><li>a) De veiller à l&#39;application effective de la loi "
        "n<sup>o</sup> 30364 visant à prévenir, réprimer et éliminer la violence à l&#39;égard des femmes "
        "et des membres de la famille, et d&#39;allouer des ressources suffisantes aux centres "
        "d&#39;urgence pour les femmes&nbsp;;</li><li>b) De veiller à ce que tous les cas de féminicide "
        "fassent l&#39;objet d&#39;enquêtes et de poursuites et soient dûment punis&nbsp;;</li><li>c) "
        "D&#39;apporter un soutien complet aux femmes victimes, notamment des foyers d&#39;accueil, une aide "
        "juridictionnelle et un accompagnement psychosocial.</li></ul>",
        ("Violence against women", "Gender-based violence"),
        ("Women & girls",),
        ("5", "5.2", "16.1"),
    ),
    Rec(
        CEDAW_PER,
        "<p>Participation in political and public life</p><p>28. The Committee notes the adoption of Law "
        "No. 31030 establishing parity and alternation on electoral lists. It is concerned, however, about "
        "the persistent under-representation of women, in particular indigenous and Afro-Peruvian women, "
        "in elected and appointed positions at the regional and local levels, and about reports of "
        "political harassment of women candidates.</p>",
        "<p>Participation à la vie politique et publique</p><p>28. Le Comité prend note de l&#39;adoption "
        "de la loi n<sup>o</sup> 31030 instaurant la parité et l&#39;alternance sur les listes "
        "électorales. Il est toutefois préoccupé par la sous-représentation persistante des femmes, en "
        "particulier des femmes autochtones et afro-péruviennes, aux postes électifs et de nomination aux "
        "niveaux régional et local, et par les informations faisant état de harcèlement politique à "
        "l&#39;égard des candidates.</p>",
        (" Participation of women in political & public life ",),
        ("Women & girls", "Indigenous peoples"),
        ("5.5",),
        concern=True,
        body="- Committee on the Elimination of Discrimination against Women",
    ),
    Rec(
        CEDAW_PER,
        "<p>29. The Committee recommends that the State party adopt temporary special measures to "
        "accelerate the achievement of substantive equality of women and men in political and public "
        "life, and criminalize and punish political harassment against women.</p>",
        "<p>29. Le Comité recommande à l&#39;État partie d&#39;adopter des mesures temporaires spéciales "
        "afin d&#39;accélérer l&#39;instauration d&#39;une égalité réelle entre les femmes et les hommes "
        "dans la vie politique et publique, et d&#39;ériger en infraction et de punir le harcèlement "
        "politique à l&#39;égard des femmes.</p>",
        ("Participation of women in political and public life", "Equality & non-discrimination"),
        ("Women & girls",),
        ("5", "5.5~"),
    ),
    Rec(
        CEDAW_PER,
        "<p>Health</p><p>37. The Committee recommends that the State party legalize abortion in cases of "
        "rape, incest and severe fetal impairment, decriminalize it in all other cases and ensure that the "
        "national guidelines on therapeutic abortion are effectively applied throughout the country.</p>",
        "<p>Santé</p><p>37. Le Comité recommande à l&#39;État partie de légaliser l&#39;avortement en cas "
        "de viol, d&#39;inceste et de malformation grave du fœtus, de le dépénaliser dans tous les autres "
        "cas et de veiller à ce que le protocole national relatif à l&#39;avortement thérapeutique soit "
        "effectivement appliqué dans tout le pays.</p>",
        ("Sexual & reproductive health and rights", "Right to health"),
        ("Women & girls",),
        ("3.7", "5.6"),
        countries=("PE",),
    ),
    Rec(
        CEDAW_PER,
        "<p>Rural and indigenous women</p><p>43.The Committee recommends that the State party ensure that "
        "rural and indigenous women have equal access to land ownership, credit and technical assistance, "
        "and that they participate in decision-making on extractive projects affecting their territories, "
        "including through free, prior and informed consent.</p>",
        "<p>Femmes rurales et autochtones</p><p>43.Le Comité recommande à l&#39;État partie de veiller à "
        "ce que les femmes rurales et autochtones aient un accès égal à la propriété foncière, au crédit "
        "et à l&#39;assistance technique, et à ce qu&#39;elles participent à la prise de décisions "
        "concernant les projets extractifs qui touchent leurs territoires, notamment par leur "
        "consentement préalable, libre et éclairé.</p>",
        ("Rural women", "Land & property", "Indigenous peoples", "Business & human rights"),
        ("Rural women", "Indigenous peoples"),
        ("1.4", "2.3", "5.a"),
        body="- Committee on the Elimination of Discrimination against Women",
    ),
    # ============================ Peru: CAT ============================
    Rec(
        CAT_PER,
        "<p>Definition and criminalization of torture</p><p>8. The Committee is concerned that article 321 "
        "of the Criminal Code does not fully reflect the definition contained in article 1 of the "
        "Convention, in particular regarding acts committed by third parties with the consent or "
        "acquiescence of a public official.</p>",
        "<p>Définition et incrimination de la torture</p><p>8. Le Comité est préoccupé par le fait que "
        "l&#39;article 321 du Code pénal ne reflète pas pleinement la définition énoncée à l&#39;article "
        "premier de la Convention, notamment en ce qui concerne les actes commis par des tiers avec le "
        "consentement exprès ou tacite d&#39;un agent de la fonction publique.</p>",
        (TORTURE, "Constitutional and legislative framework"),
        (DEPRIVED,),
        ("16.a",),
        concern=True,
        body="- Committee against Torture",
    ),
    Rec(
        CAT_PER,
        "<p>9. The State party should amend article 321 of the Criminal Code to bring the definition of "
        "torture into line with article 1 of the Convention and ensure that the penalties for torture are "
        "commensurate with the gravity of the crime.</p>",
        "<p>9. L&#39;État partie devrait modifier l&#39;article 321 du Code pénal afin de rendre la "
        "définition de la torture conforme à l&#39;article premier de la Convention et veiller à ce que "
        "les peines prévues pour la torture soient proportionnées à la gravité de l&#39;infraction.</p>",
        (TORTURE,),
        (DEPRIVED,),
        ("16.a",),
    ),
    Rec(
        CAT_PER,
        "<p>Conditions of detention</p><p>23. The State party should:</p><ul><li>(a) Step up its efforts to "
        "reduce prison overcrowding, in particular by applying non-custodial measures and reducing the use "
        "of pretrial detention;</li><li>(b) Improve material conditions in all places of deprivation of "
        "liberty, including access to drinking water, adequate food and health care;</li><li>(c) Ensure "
        "that the national preventive mechanism, attached to the Defensoría del Pueblo, has sufficient "
        "resources to visit all places of detention.</li></ul>",
        "<p>Conditions de détention</p><p>23. L&#39;État partie devrait&nbsp;:</p><ul><li>a) Intensifier "
        "ses efforts pour réduire la surpopulation carcérale, notamment en appliquant des mesures non "
        "privatives de liberté et en limitant le recours à la détention provisoire&nbsp;;</li><li>b) "
        "Améliorer les conditions matérielles dans tous les lieux de privation de liberté, notamment "
        "l&#39;accès à l&#39;eau potable, à une alimentation suffisante et aux soins de santé&nbsp;;</li>"
        "<li>c) Veiller à ce que le mécanisme national de prévention, rattaché à la Defensoría del Pueblo, "
        "dispose de ressources suffisantes pour visiter tous les lieux de détention.</li></ul>",
        ("Conditions of detention", "Deprivation of liberty"),
        (DEPRIVED,),
        ("16.3",),
    ),
    Rec(
        CAT_PER,
        "<p>Excessive use of force during protests</p><p>15. The State party should ensure prompt, "
        "impartial and effective investigations into all deaths and injuries that occurred during the "
        "social protests of December 2022 to March 2023, prosecute and punish those responsible, including "
        "commanding officers, and provide full redress to victims and their families.</p>",
        "<p>Usage excessif de la force lors des manifestations</p><p>15. L&#39;État partie devrait veiller "
        "à ce que tous les décès et blessures survenus lors des manifestations sociales de décembre 2022 à "
        "mars 2023 fassent rapidement l&#39;objet d&#39;enquêtes impartiales et efficaces, poursuivre et "
        "punir les responsables, y compris les officiers de commandement, et accorder une réparation "
        "intégrale aux victimes et à leur famille.</p>",
        ("Freedom of peaceful assembly", "Impunity", "Right to an effective remedy"),
        ("General",),
        ("16", "16.3"),
        body="- Committee against Torture",
    ),
    # ============================ Peru: Human Rights Committee ============================
    Rec(
        CCPR_PER,
        "<p>Human rights defenders</p><p>40. The Committee is concerned about reports of killings, threats, "
        "harassment and stigmatization of human rights defenders, in particular environmental and land "
        "defenders in the Amazon region, and about the misuse of criminal proceedings against them.</p>",
        "<p>Défenseurs des droits de l&#39;homme</p><p>40. Le Comité est préoccupé par les informations "
        "faisant état de meurtres, de menaces, de harcèlement et de stigmatisation de défenseurs des droits "
        "de l&#39;homme, en particulier de défenseurs de l&#39;environnement et des terres dans la région "
        "amazonienne, ainsi que par l&#39;utilisation abusive de poursuites pénales à leur encontre.</p>",
        ("Human rights defenders", "Environment"),
        ("Human rights defenders", "Indigenous peoples"),
        ("16.10",),
        concern=True,
    ),
    Rec(
        CCPR_PER,
        "<p>41. The State party should:<br>(a) Take all measures necessary to prevent violence and "
        "reprisals against human rights defenders &amp; journalists, and ensure that all such acts are "
        "investigated and those responsible brought to justice;<br>(b) Strengthen the intersectoral "
        "mechanism for the protection of human rights defenders and provide it with a legal basis and "
        "adequate resources;<br>(c) Consider ratifying the Regional Agreement on Access to Information, "
        "Public Participation and Justice in Environmental Matters in Latin America and the Caribbean "
        "(Escazú Agreement).</p>",
        "<p>41. L&#39;État partie devrait&nbsp;:<br>a) Prendre toutes les mesures nécessaires pour "
        "prévenir les violences et les représailles contre les défenseurs des droits de l&#39;homme "
        "&amp; les journalistes, et veiller à ce que tous ces actes fassent l&#39;objet d&#39;enquêtes et "
        "que les responsables soient traduits en justice&nbsp;;<br>b) Renforcer le mécanisme "
        "intersectoriel de protection des défenseurs des droits de l&#39;homme et le doter d&#39;une base "
        "légale et de ressources suffisantes&nbsp;;<br>c) Envisager de ratifier l&#39;Accord régional sur "
        "l&#39;accès à l&#39;information, la participation publique et l&#39;accès à la justice à propos "
        "des questions environnementales en Amérique latine et dans les Caraïbes (Accord "
        "d&#39;Escazú).</p>",
        ("Human rights defenders", "Freedom of opinion and expression", "Acceptance of international norms"),
        ("Human rights defenders", "Journalists"),
        ("16", "16.10~"),
        body="- CCPR",
    ),
    Rec(
        CCPR_PER,
        "<p>Enforced disappearances and transitional justice</p><p>13. The State party should intensify its "
        "efforts to search for, identify and return the remains of persons who disappeared during the "
        "internal armed conflict (1980–2000), ensure that statutes of limitations and amnesties do not "
        "apply to serious human rights violations, and guarantee comprehensive reparation to all victims "
        "registered in the Single Registry of Victims.</p>",
        "<p>Disparitions forcées et justice transitionnelle</p><p>13. L&#39;État partie devrait intensifier "
        "ses efforts pour rechercher, identifier et restituer les restes des personnes disparues pendant "
        "le conflit armé interne (1980-2000), veiller à ce que la prescription et l&#39;amnistie ne "
        "s&#39;appliquent pas aux violations graves des droits de l&#39;homme et garantir une réparation "
        "intégrale à toutes les victimes inscrites au registre unique des victimes.</p>",
        ("Enforced disappearances", "Impunity", "Right to an effective remedy"),
        ("Disappeared persons", "Persons affected by armed conflict"),
        ("16.3",),
    ),
    # ============================ Peru: CERD ============================
    Rec(
        CERD_PER,
        "<p>Prior consultation</p><p>17. The Committee recommends that the State party guarantee the right "
        "of indigenous peoples and Afro-Peruvian communities to be consulted in order to obtain their "
        "free, prior and informed consent before adopting any measure, including the granting of mining "
        "and hydrocarbon concessions, that may affect their rights, and that it ensure the participation "
        "of their representative institutions in the process.</p>",
        "<p>Consultation préalable</p><p>17. Le Comité recommande à l&#39;État partie de garantir le droit "
        "des peuples autochtones et des communautés afro-péruviennes d&#39;être consultés afin "
        "d&#39;obtenir leur consentement préalable, libre et éclairé avant l&#39;adoption de toute mesure "
        "susceptible de porter atteinte à leurs droits, y compris l&#39;octroi de concessions minières et "
        "d&#39;hydrocarbures, et d&#39;assurer la participation de leurs institutions représentatives à ce "
        "processus.</p>",
        ("Indigenous peoples", "Business & human rights", "Land & property"),
        ("Indigenous peoples", "People of African descent"),
        ("10.2", "16.7"),
    ),
    Rec(
        CERD_PER,
        "<p>Afro-Peruvian population</p><p>12. The Committee is concerned about the persistence of "
        "structural discrimination against Afro-Peruvians, which is reflected in high levels of poverty "
        "and limited access to education, health and employment, and about the lack of disaggregated data "
        "to assess their situation.</p>",
        "<p>Population afro-péruvienne</p><p>12. Le Comité est préoccupé par la persistance de la "
        "discrimination structurelle à l&#39;égard des Afro-Péruviens, qui se traduit par des niveaux "
        "élevés de pauvreté et un accès limité à l&#39;éducation, à la santé et à l&#39;emploi, ainsi que "
        "par l&#39;absence de données ventilées permettant d&#39;évaluer leur situation.</p>",
        ("Racial discrimination", "Poverty"),
        ("People of African descent", "Persons living in poverty"),
        ("10.3~", "17.18"),
        concern=True,
        body="- Committee on the Elimination of Racial Discrimination",
    ),
    # ============================ Peru: CESCR ============================
    Rec(
        CESCR_PER,
        "<p>Right to water</p><p>52. The Committee recommends that the State party ensure access to safe "
        "drinking water and sanitation for all, particularly in rural areas and informal settlements, and "
        "that it effectively monitor the contamination of water sources by heavy metals from mining "
        "activities, providing health care to affected communities.</p>",
        "<p>Droit à l&#39;eau</p><p>52. Le Comité recommande à l&#39;État partie de garantir à tous "
        "l&#39;accès à l&#39;eau potable et à l&#39;assainissement, en particulier dans les zones rurales "
        "et les établissements informels, et de surveiller efficacement la contamination des sources "
        "d&#39;eau par les métaux lourds issus des activités minières, en assurant des soins de santé aux "
        "communautés touchées.</p>",
        (" Right to water & sanitation", "Environment", "Business & human rights"),
        ("Persons living in rural areas",),
        ("6", "6.1", "6.3", "3.9"),
    ),
    Rec(
        CESCR_PER,
        "<p>Informal employment</p><p>31.The Committee recommends that the State party adopt a "
        "comprehensive strategy to reduce the high level of informal employment, extend social security "
        "coverage to workers in the informal economy and strengthen labour inspection, including in "
        "agriculture and artisanal mining.</p>",
        "<p>Emploi informel</p><p>31.Le Comité recommande à l&#39;État partie d&#39;adopter une stratégie "
        "globale pour réduire le niveau élevé d&#39;emploi informel, d&#39;étendre la couverture de "
        "sécurité sociale aux travailleurs de l&#39;économie informelle et de renforcer l&#39;inspection "
        "du travail, y compris dans l&#39;agriculture et l&#39;exploitation minière artisanale.</p>",
        ("Right to work", "Right to social security"),
        ("Workers",),
        ("8.3", "8.8", "1.3", "1.a~"),
        body="- Committee on Economic, Social and Cultural Rights",
    ),
    # ============================ Peru: CRPD ============================
    Rec(
        CRPD_PER,
        "<p>Equal recognition before the law (art. 12)</p><p>26. The Committee recommends that the State "
        "party complete the implementation of Legislative Decree No. 1384 by replacing all remaining forms "
        "of substituted decision-making with supported decision-making, and train judges, notaries &amp; "
        "public officials on the right of persons with disabilities to legal capacity.</p>",
        "<p>Reconnaissance de la personnalité juridique dans des conditions d&#39;égalité (art. 12)</p>"
        "<p>26. Le Comité recommande à l&#39;État partie d&#39;achever la mise en œuvre du décret "
        "législatif n<sup>o</sup> 1384 en remplaçant toutes les formes subsistantes de prise de décisions "
        "substitutive par la prise de décisions assistée, et de former les juges, les notaires &amp; les "
        "agents publics au droit des personnes handicapées à la capacité juridique.</p>",
        (DISABILITY, "Equality before the law"),
        ("Persons with disabilities",),
        ("10.2", "16.3"),
    ),
    Rec(
        CRPD_PER,
        "<p>Inclusive education (art. 24)</p><p>47. The Committee is concerned that many children with "
        "disabilities remain out of school or in special schools, and that mainstream schools lack "
        "reasonable accommodation, accessible materials and teachers trained in inclusive education.</p>",
        "<p>Éducation inclusive (art. 24)</p><p>47. Le Comité est préoccupé par le fait que de nombreux "
        "enfants handicapés restent non scolarisés ou sont placés dans des écoles spécialisées, et que les "
        "écoles ordinaires ne disposent ni d&#39;aménagements raisonnables, ni de matériel accessible, ni "
        "d&#39;enseignants formés à l&#39;éducation inclusive.</p>",
        ("Right to education", DISABILITY),
        ("Persons with disabilities", "Children"),
        ("4", "4.5~", "4.a"),
        concern=True,
        body="- Committee on the Rights of Persons with Disabilities",
    ),
    # ============================ Peru: SPT ============================
    Rec(
        SPT_PER,
        "<p>National preventive mechanism</p><p>19. The Subcommittee recommends that the State party "
        "guarantee the functional and financial independence of the national preventive mechanism and "
        "provide it with sufficient human and material resources, including staff with expertise in "
        "medicine and psychology, to carry out its mandate throughout the country.</p>",
        "<p>Mécanisme national de prévention</p><p>19. Le Sous-Comité recommande à l&#39;État partie de "
        "garantir l&#39;indépendance fonctionnelle et financière du mécanisme national de prévention et de "
        "le doter de ressources humaines et matérielles suffisantes, notamment de personnel ayant des "
        "compétences en médecine et en psychologie, pour lui permettre de s&#39;acquitter de son mandat "
        "dans l&#39;ensemble du pays.</p>",
        (TORTURE, "National Preventive Mechanism"),
        (DEPRIVED,),
        ("16.a",),
    ),
    # ============================ Peru: UPR, 2nd cycle (session 14) ============================
    Rec(
        UPR2_PER,
        "<p>116.4 Ratify the Optional Protocol to the International Covenant on Economic, Social and "
        "Cultural Rights (Portugal);</p>",
        "<p>116.4 Ratifier le Protocole facultatif se rapportant au Pacte international relatif aux droits "
        "économiques, sociaux et culturels (Portugal);</p>",
        ("Acceptance of international norms",),
        positions=("Supported",),
        states=("Portugal",),
        cycle_known=False,
    ),
    Rec(
        UPR2_PER,
        "<p>116.37 Continue to take measures to improve conditions in prisons and reduce overcrowding "
        "(Thailand);</p>",
        None,
        ("Conditions of detention",),
        (DEPRIVED,),
        ("16.3",),
        positions=("Supported",),
        states=("Thailand",),
        cycle_known=False,
    ),
    Rec(
        UPR2_PER,
        "<p>116.69 Take the necessary measures to ensure the effective implementation of the law on the "
        "right to prior consultation of indigenous peoples (Norway) (Bolivia (Plurinational State of));</p>",
        "<p>116.69 Prendre les mesures nécessaires pour garantir l&#39;application effective de la loi sur "
        "le droit des peuples autochtones à la consultation préalable (Norvège) (Bolivie (État "
        "plurinational de));</p>",
        ("Indigenous peoples",),
        ("Indigenous peoples",),
        ("10.2",),
        positions=("Supported",),
        states=("Norway", "Bolivia (Plurinational State of)"),
        cycle_known=False,
    ),
    # ============================ Peru: UPR, 3rd cycle (session 28) ============================
    Rec(
        UPR3_PER,
        "<p>111.34 Adopt a national plan of action on business and human rights (Germany);</p>",
        "<p>111.34 Adopter un plan d&#39;action national relatif aux entreprises et aux droits de "
        "l&#39;homme (Allemagne);</p>",
        ("Business & human rights",),
        (),
        ("8.8", "12.6"),
        positions=("Supported",),
        states=("Germany",),
    ),
    Rec(
        UPR3_PER,
        "<p>111.58 Strengthen the protection of human rights defenders, including environmental defenders "
        "and indigenous leaders, and ensure that attacks against them are investigated and punished "
        "(Ireland) (Canada) (Switzerland);</p>",
        "<p>111.58 Renforcer la protection des défenseurs des droits de l&#39;homme, y compris les "
        "défenseurs de l&#39;environnement et les dirigeants autochtones, et veiller à ce que les attaques "
        "dont ils sont victimes fassent l&#39;objet d&#39;enquêtes et soient punies (Irlande) (Canada) "
        "(Suisse);</p>",
        ("Human rights defenders",),
        ("Human rights defenders", "Indigenous peoples"),
        ("16.10",),
        positions=("Supported",),
        states=("Ireland", "Canada", "Switzerland"),
        cycle_known=False,
    ),
    Rec(
        UPR3_PER,
        "<p>111.96 Decriminalize abortion in all cases and ensure access to safe and legal abortion at "
        "least in cases of rape, incest and fetal impairment (Iceland);</p>",
        "<p>111.96 Dépénaliser l&#39;avortement dans tous les cas et garantir l&#39;accès à un avortement "
        "légal et sécurisé au moins en cas de viol, d&#39;inceste et de malformation du fœtus "
        "(Islande);</p>",
        ("Sexual & reproductive health and rights",),
        ("Women & girls",),
        ("3.7", "5.6"),
        positions=("Noted",),
        states=("Iceland",),
    ),
    Rec(
        UPR3_PER,
        "<p>111.110 Continue its efforts to combat violence against women, including femicide, and to "
        "ensure access to justice for victims (Chile) (Cuba) (India);</p>",
        "<p>111.110 Poursuivre ses efforts pour lutter contre la violence à l&#39;égard des femmes, y "
        "compris le féminicide, et garantir l&#39;accès des victimes à la justice (Chili) (Cuba) "
        "(Inde);</p>",
        ("Violence against women", "Access to justice"),
        ("Women & girls",),
        ("5.2~", "16.3~"),
        positions=("Supported",),
        states=("Chile", "Cuba", "India"),
        cycle_known=False,
    ),
    Rec(
        UPR3_PER,
        "<p>111.130 Guarantee intercultural bilingual education and reduce the school dropout rate among "
        "indigenous and rural children (Ecuador);</p>",
        "<p>111.130 Garantir l&#39;éducation interculturelle bilingue et réduire le taux d&#39;abandon "
        "scolaire chez les enfants autochtones et ruraux (Équateur);</p>",
        ("Right to education", "Indigenous Peoples"),
        ("Children", "Indigenous peoples"),
        ("4.1", "4.5"),
        countries=("PE",),
        positions=("Supported",),
        states=("Ecuador",),
        cycle_known=False,
    ),
    # ============================ Peru: UPR, 4th cycle (session 42) ============================
    Rec(
        UPR4_PER,
        "<p>118.12 Ratify the Optional Protocol to the International Covenant on Economic, Social and "
        "Cultural Rights (Norway) (Portugal);</p>",
        "<p>118.12 Ratifier le Protocole facultatif se rapportant au Pacte international relatif aux "
        "droits économiques, sociaux et culturels (Norvège) (Portugal);</p>",
        ("Acceptance of international norms", "Economic, social & cultural rights - general measures"),
        positions=("Noted",),
        states=("Norway", "Portugal"),
    ),
    Rec(
        UPR4_PER,
        "<p>118.15 Ratify the Regional Agreement on Access to Information, Public Participation and Justice "
        "in Environmental Matters in Latin America and the Caribbean (Escazú Agreement) (Costa Rica) "
        "(Luxembourg) (Fiji);</p>",
        "<p>118.15 Ratifier l&#39;Accord régional sur l&#39;accès à l&#39;information, la participation "
        "publique et l&#39;accès à la justice à propos des questions environnementales en Amérique latine "
        "et dans les Caraïbes (Accord d&#39;Escazú) (Costa Rica) (Luxembourg) (Fidji);</p>",
        ("Acceptance of international norms", "Environment", "Human rights defenders"),
        ("Human rights defenders",),
        ("16", "16.10"),
        positions=("Noted",),
        states=("Costa Rica", "Luxembourg", "Fiji"),
    ),
    Rec(
        UPR4_PER,
        "<p>118.47 Ensure that all allegations of excessive use of force by the police and armed forces "
        "during the protests are investigated promptly, impartially &amp; independently (Sweden);</p>",
        "<p>118.47 Veiller à ce que toutes les allégations d&#39;usage excessif de la force par la police "
        "et les forces armées pendant les manifestations fassent l&#39;objet d&#39;enquêtes rapides, "
        "impartiales &amp; indépendantes (Suède);</p>",
        ("Freedom of peaceful assembly", "Impunity"),
        ("General",),
        ("16.1", "16.3"),
        positions=("Supported",),
        states=("Sweden",),
        cycle_known=False,
    ),
    Rec(
        UPR4_PER,
        "<p>118.63 Adopt the necessary measures to prevent and punish torture and ill-treatment in places "
        "of deprivation of liberty, and strengthen the national preventive mechanism (Ghana) "
        "(Morocco);</p>",
        "<p>118.63 Adopter les mesures nécessaires pour prévenir et punir la torture et les mauvais "
        "traitements dans les lieux de privation de liberté, et renforcer le mécanisme national de "
        "prévention (Ghana) (Maroc);</p>",
        (TORTURE, "Conditions of detention"),
        (DEPRIVED,),
        ("16.a",),
        positions=("Supported",),
        states=("Ghana", "Morocco"),
    ),
    Rec(
        UPR4_PER,
        "<p>118.101 Step up efforts to prevent and eradicate child labour, especially in informal mining and "
        "agriculture (Bahrain);</p>",
        "<p>118.101 Redoubler d&#39;efforts pour prévenir et éliminer le travail des enfants, en "
        "particulier dans l&#39;exploitation minière informelle et l&#39;agriculture (Bahreïn);</p>",
        ("Child labour",),
        ("Children",),
        ("8", "8.7"),
        positions=("Supported",),
        states=("Bahrain",),
    ),
    Rec(
        UPR4_PER,
        "<p>118.142 Guarantee the rights of lesbian, gay, bisexual, transgender and intersex persons, "
        "including by legally recognizing same-sex couples and the gender identity of transgender persons "
        "(Australia) (Israel) (Malta);</p>",
        "<p>118.142 Garantir les droits des personnes lesbiennes, gays, bisexuelles, transgenres et "
        "intersexes, notamment en reconnaissant juridiquement les couples de même sexe et l&#39;identité "
        "de genre des personnes transgenres (Australie) (Israël) (Malte);</p>",
        ("Sexual orientation & gender identity", "Equality & non-discrimination"),
        (LGBTI,),
        ("10.2", "10.3"),
        positions=("Noted",),
        states=("Australia", "Israel", "Malta"),
        cycle_known=False,
    ),
    Rec(
        UPR4_PER,
        "<p>118.175 Continue to implement measures to ensure the regular migration status and access to "
        "health and education of Venezuelan migrants and refugees (Colombia) (Ukraine);</p>",
        "<p>118.175 Continuer d&#39;appliquer des mesures visant à garantir la régularité du statut "
        "migratoire et l&#39;accès à la santé et à l&#39;éducation des migrants et réfugiés vénézuéliens "
        "(Colombie) (Ukraine);</p>",
        ("Migrants", "Refugees & asylum-seekers"),
        ("Migrants", "Refugees & asylum-seekers"),
        ("10.7",),
        positions=("Supported",),
        states=("Colombia", "Ukraine"),
    ),
    # ============================ Peru: special procedures ============================
    Rec(
        SRIP_PER,
        "<p>Extractive industries</p><p>81. The Special Rapporteur recommends that the Government ensure "
        "that no extractive activities take place in indigenous territories without adequate "
        "consultation, and that environmental impact assessments are carried out independently, with the "
        "participation of the peoples concerned &amp; with full access to information.</p>",
        "<p>Industries extractives</p><p>81. Le Rapporteur spécial recommande au Gouvernement de veiller à "
        "ce qu&#39;aucune activité extractive n&#39;ait lieu sur les territoires autochtones sans "
        "consultation adéquate, et à ce que les études d&#39;impact environnemental soient réalisées de "
        "manière indépendante, avec la participation des peuples concernés &amp; un plein accès à "
        "l&#39;information.</p>",
        ("Indigenous peoples", "Business & human rights", "Environment"),
        ("Indigenous peoples",),
        ("15", "1.4"),
    ),
    Rec(
        SRIP_PER,
        "<p>85. The Special Rapporteur urges the Government to adopt urgent measures to protect the "
        "indigenous peoples in isolation and initial contact in the Amazon, including by establishing the "
        "pending indigenous reserves and preventing illegal logging and drug-trafficking activities in "
        "their territories.</p>",
        "<p>85. Le Rapporteur spécial prie instamment le Gouvernement d&#39;adopter des mesures urgentes "
        "pour protéger les peuples autochtones en situation d&#39;isolement et de premier contact en "
        "Amazonie, notamment en créant les réserves autochtones en attente et en empêchant "
        "l&#39;exploitation forestière illégale et le trafic de drogues sur leurs territoires.</p>",
        ("Indigenous Peoples", "Land & property"),
        ("Indigenous peoples",),
        ("15", "15.2"),
        body="- Special Rapporteur on the rights of Indigenous Peoples",
    ),
    Rec(
        WGBHR_PER,
        "<p>88. The Working Group recommends that the Government develop a national action plan on business "
        "&amp; human rights through an inclusive and transparent process, and strengthen the capacity of "
        "the Agency for Environmental Assessment and Enforcement (OEFA) to monitor the impacts of mining "
        "and oil operations.</p>",
        "<p>88. Le Groupe de travail recommande au Gouvernement d&#39;élaborer un plan d&#39;action "
        "national relatif aux entreprises &amp; aux droits de l&#39;homme dans le cadre d&#39;un processus "
        "inclusif et transparent, et de renforcer la capacité de l&#39;Organisme d&#39;évaluation et de "
        "contrôle environnemental (OEFA) à surveiller les incidences des activités minières et "
        "pétrolières.</p>",
        ("Business & human rights", "Environment"),
        (),
        ("8.8", "12.6"),
    ),
    Rec(
        WGAD_PER,
        "<p>Pretrial detention</p><p>54. The Working Group is concerned about the excessive use of pretrial "
        "detention, which affects almost 40 per cent of the prison population, and about the length of "
        "such detention, which in some cases exceeds the maximum period established by law.</p>",
        "<p>Détention provisoire</p><p>54. Le Groupe de travail est préoccupé par le recours excessif à la "
        "détention provisoire, qui touche près de 40&nbsp;% de la population carcérale, et par la durée de "
        "cette détention, qui dépasse dans certains cas la durée maximale fixée par la loi.</p>",
        ("Arbitrary detention", "Deprivation of liberty", "Administration of justice & fair trial"),
        (DEPRIVED,),
        ("16.3",),
        concern=True,
    ),
    Rec(
        WGAD_PER,
        "<p>91. The Working Group recommends that the Government:<ul><li>(a) Ensure that pretrial detention "
        "is an exceptional measure, ordered only after an individualized assessment;</li><li>(b) Guarantee "
        "that every detained person is brought promptly before a judge and has access to a lawyer from the "
        "outset of the deprivation of liberty;</li><li>(c) Review the situation of persons held in "
        "psychiatric or drug-rehabilitation facilities without judicial oversight.</li></ul></p>",
        "<p>91. Le Groupe de travail recommande au Gouvernement&nbsp;:<ul><li>a) De veiller à ce que la "
        "détention provisoire soit une mesure exceptionnelle, ordonnée uniquement après une évaluation "
        "individuelle&nbsp;;</li><li>b) De garantir que toute personne détenue soit présentée sans délai à "
        "un juge et ait accès à un avocat dès le début de la privation de liberté&nbsp;;</li><li>c) De "
        "réexaminer la situation des personnes placées dans des établissements psychiatriques ou de "
        "désintoxication sans contrôle judiciaire.</li></ul></p>",
        ("Arbitrary detention", "Deprivation of liberty"),
        (DEPRIVED, "Persons with disabilities"),
        ("16.3",),
        body="- Working Group on Arbitrary Detention",
    ),
    # ============================ Chile ============================
    Rec(
        CAT_CHL,
        "<p>Excessive use of force</p><p>14. The Committee is concerned about reports of excessive use of "
        "force by the Carabineros during demonstrations, in particular against students and members of "
        "the Mapuche people, including the use of riot-control weapons that have caused serious eye "
        "injuries.</p>",
        "<p>Usage excessif de la force</p><p>14. Le Comité est préoccupé par les informations faisant état "
        "d&#39;un usage excessif de la force par les Carabineros lors de manifestations, en particulier "
        "contre des étudiants et des membres du peuple mapuche, notamment par l&#39;emploi d&#39;armes "
        "antiémeutes ayant causé de graves lésions oculaires.</p>",
        (TORTURE, "Freedom of peaceful assembly"),
        ("Indigenous peoples", "Youth & juveniles"),
        ("16.1",),
        concern=True,
    ),
    Rec(
        CAT_CHL,
        "<p>15. The State party should ensure that all allegations of torture and ill-treatment by law "
        "enforcement officers are promptly, thoroughly and impartially investigated by an independent "
        "body, and that suspected perpetrators are suspended from duty for the duration of the "
        "investigation.</p>",
        "<p>15. L&#39;État partie devrait veiller à ce que toutes les allégations de torture et de mauvais "
        "traitements imputés à des membres des forces de l&#39;ordre fassent rapidement l&#39;objet "
        "d&#39;enquêtes approfondies et impartiales menées par un organe indépendant, et à ce que les "
        "auteurs présumés soient suspendus de leurs fonctions pendant toute la durée de l&#39;enquête.</p>",
        (TORTURE, "Impunity"),
        (DEPRIVED,),
        ("16.3",),
    ),
    Rec(
        UPR3_CHL,
        "<p>125.23 Establish a national preventive mechanism with adequate resources, in accordance with "
        "the Optional Protocol to the Convention against Torture (Denmark);</p>",
        "<p>125.23 Créer un mécanisme national de prévention doté de ressources suffisantes, conformément "
        "au Protocole facultatif se rapportant à la Convention contre la torture (Danemark);</p>",
        (TORTURE, "National Preventive Mechanism"),
        (DEPRIVED,),
        ("16.a",),
        positions=("Supported",),
        states=("Denmark",),
    ),
    Rec(
        UPR3_CHL,
        "<p>125.81 Adopt a constitutional recognition of indigenous peoples and ensure their participation "
        "in decision-making (Bolivia (Plurinational State of)) (Peru);</p>",
        "<p>125.81 Adopter une reconnaissance constitutionnelle des peuples autochtones et garantir leur "
        "participation à la prise de décisions (Bolivie (État plurinational de)) (Pérou);</p>",
        ("Indigenous peoples", "Constitutional and legislative framework"),
        ("Indigenous peoples",),
        ("10.2", "16.7"),
        positions=("Supported",),
        states=("Bolivia (Plurinational State of)", "Peru"),
        cycle_known=False,
    ),
    Rec(
        UPR3_CHL,
        "<p>125.144 Expand access to safe and legal abortion beyond the three grounds established in Law "
        "No. 21030 (Netherlands);</p>",
        "<p>125.144 Élargir l&#39;accès à un avortement légal et sécurisé au-delà des trois motifs prévus "
        "par la loi n<sup>o</sup> 21030 (Pays-Bas);</p>",
        ("Sexual & reproductive health and rights",),
        ("Women & girls",),
        ("3.7", "5.6"),
        positions=("Noted",),
        states=("Netherlands",),
        cycle_known=False,
    ),
    Rec(
        UPR4_CHL,
        "<p>40.27 Strengthen the search for victims of enforced disappearance during the military "
        "dictatorship, in line with the National Search Plan (Argentina);</p>",
        "<p>40.27 Renforcer la recherche des victimes de disparition forcée pendant la dictature militaire, "
        "conformément au Plan national de recherche (Argentine);</p>",
        ("Enforced disappearances", "Right to truth"),
        ("Disappeared persons",),
        ("16.3",),
        states=("Argentina",),
    ),
    Rec(
        UPR4_CHL,
        "<p>40.112 Continue efforts to guarantee the rights of migrants, including access to asylum "
        "procedures and protection against collective expulsions (Mexico) (Philippines);</p>",
        "<p>40.112 Poursuivre les efforts visant à garantir les droits des migrants, notamment l&#39;accès "
        "aux procédures d&#39;asile et la protection contre les expulsions collectives (Mexique) "
        "(Philippines);</p>",
        ("Migrants", "Refugees & asylum-seekers"),
        ("Migrants",),
        ("10.7",),
        states=("Mexico", "Philippines"),
        cycle_known=False,
    ),
    Rec(
        SRT_CHL,
        "<p>Children in residential care</p><p>112. The Special Rapporteur recommends that the Government "
        "ensure that children in residential care are protected from all forms of ill-treatment, that all "
        "deaths of children in State care are fully investigated, and that the new National Service for "
        "Specialized Protection of Children and Adolescents is adequately resourced.</p>",
        "<p>Enfants placés en institution</p><p>112. Le Rapporteur spécial recommande au Gouvernement de "
        "veiller à ce que les enfants placés en institution soient protégés contre toute forme de mauvais "
        "traitements, à ce que tous les décès d&#39;enfants pris en charge par l&#39;État fassent "
        "l&#39;objet d&#39;enquêtes approfondies et à ce que le nouveau Service national de protection "
        "spécialisée de l&#39;enfance et de l&#39;adolescence dispose de ressources suffisantes.</p>",
        (TORTURE, "Children in alternative care"),
        ("Children",),
        ("16.2",),
    ),
    # ============================ Kenya ============================
    Rec(
        CEDAW_KEN,
        "<p>Harmful practices</p><p>24. The Committee recommends that the State party strengthen the "
        "enforcement of the Prohibition of Female Genital Mutilation Act (2011), including in cross-border "
        "communities, and address child marriage through awareness-raising programmes targeting religious "
        "and community leaders.</p>",
        "<p>Pratiques préjudiciables</p><p>24. Le Comité recommande à l&#39;État partie de renforcer "
        "l&#39;application de la loi de 2011 interdisant les mutilations génitales féminines, y compris "
        "dans les communautés transfrontalières, et de lutter contre le mariage d&#39;enfants au moyen de "
        "programmes de sensibilisation ciblant les chefs religieux et communautaires.</p>",
        ("Harmful practices", "Violence against women"),
        ("Women & girls", "Children"),
        ("5", "5.3"),
    ),
    Rec(
        CEDAW_KEN,
        "<p>Participation in political and public life</p><p>31. The Committee is concerned that the "
        "two-thirds gender principle enshrined in article 27 (8) of the Constitution has not yet been "
        "implemented in Parliament.</p>",
        "<p>Participation à la vie politique et publique</p><p>31. Le Comité est préoccupé par le fait que "
        "le principe selon lequel aucun des deux sexes ne peut occuper plus des deux tiers des sièges, "
        "consacré au paragraphe 8 de l&#39;article 27 de la Constitution, n&#39;a toujours pas été mis en "
        "œuvre au Parlement.</p>",
        ("Participation of women in political & public life",),
        ("Women & girls",),
        ("5.5",),
        concern=True,
        body="- Committee on the Elimination of Discrimination against Women",
    ),
    Rec(
        CCPR_KEN,
        "<p>Extrajudicial killings and enforced disappearances</p><p>21. The State party should ensure that "
        "all allegations of extrajudicial killings and enforced disappearances by the police are promptly "
        "investigated by the Independent Policing Oversight Authority, that perpetrators are prosecuted "
        "and that the families of victims receive full reparation.</p>",
        "<p>Exécutions extrajudiciaires et disparitions forcées</p><p>21. L&#39;État partie devrait veiller "
        "à ce que toutes les allégations d&#39;exécutions extrajudiciaires et de disparitions forcées "
        "imputées à la police fassent rapidement l&#39;objet d&#39;enquêtes de l&#39;Autorité "
        "indépendante de contrôle de la police, à ce que les auteurs soient poursuivis et à ce que les "
        "familles des victimes obtiennent une réparation intégrale.</p>",
        ("Extrajudicial, summary or arbitrary executions", "Enforced disappearances", "Impunity"),
        ("General",),
        ("16.1",),
    ),
    Rec(
        CCPR_KEN,
        "<p>Counter-terrorism</p><p>17.The State party should ensure that its counter-terrorism legislation "
        "and practice are in full conformity with the Covenant and that persons suspected of terrorism are "
        "not subjected to arbitrary detention or ill-treatment.</p>",
        None,
        ("Counter-terrorism", "Arbitrary detention"),
        (DEPRIVED,),
        (),
        body="- CCPR",
    ),
    Rec(
        UPR4_KEN,
        "<p>141.44 Take measures to protect human rights defenders and journalists from harassment and "
        "intimidation, and ensure that the National Coroners Service Act is fully operational "
        "(Czechia);</p>",
        "<p>141.44 Prendre des mesures pour protéger les défenseurs des droits de l&#39;homme et les "
        "journalistes contre le harcèlement et l&#39;intimidation, et veiller à la pleine application de "
        "la loi sur le service national des coroners (Tchéquie);</p>",
        ("Human rights defenders", "Freedom of opinion and expression"),
        ("Human rights defenders", "Journalists"),
        ("16.10",),
        positions=("Supported",),
        states=("Czechia",),
    ),
    Rec(
        UPR4_KEN,
        "<p>141.201 Abolish the death penalty and ratify the Second Optional Protocol to the International "
        "Covenant on Civil and Political Rights, aiming at the abolition of the death penalty (Iceland) "
        "(Montenegro) (Uruguay);</p>",
        "<p>141.201 Abolir la peine de mort et ratifier le deuxième Protocole facultatif se rapportant au "
        "Pacte international relatif aux droits civils et politiques, visant à abolir la peine de mort "
        "(Islande) (Monténégro) (Uruguay);</p>",
        ("Death penalty", "Acceptance of international norms"),
        (),
        (),
        positions=("Noted",),
        states=("Iceland", "Montenegro", "Uruguay"),
        cycle_known=False,
    ),
    Rec(
        SRH_KEN,
        "<p>Forced evictions</p><p>79. The Special Rapporteur recommends that the Government adopt the "
        "Evictions and Resettlement Bill and impose a moratorium on forced evictions of indigenous "
        "communities, including the Ogiek and Sengwer, from forest areas until adequate safeguards are in "
        "place.</p>",
        "<p>Expulsions forcées</p><p>79. La Rapporteuse spéciale recommande au Gouvernement d&#39;adopter "
        "le projet de loi sur les expulsions et la réinstallation et d&#39;imposer un moratoire sur les "
        "expulsions forcées de communautés autochtones, notamment les Ogiek et les Sengwer, des zones "
        "forestières jusqu&#39;à ce que des garanties adéquates soient en place.</p>",
        ("Right to adequate housing", "Indigenous peoples", "Land & property"),
        ("Indigenous peoples",),
        ("11.1", "15.2"),
    ),
    # ============================ France ============================
    Rec(
        CRC_FRA,
        "<p>Unaccompanied migrant children</p><p>43. The Committee urges the State party to end the "
        "detention of children in administrative detention centres, including in Mayotte, and to ensure "
        "that unaccompanied children receive immediate protection, legal representation and access to "
        "education and health care.</p>",
        "<p>Enfants migrants non accompagnés</p><p>43. Le Comité demande instamment à l’État partie de "
        "mettre fin au placement d’enfants en centre de rétention administrative, y compris à Mayotte, et "
        "de veiller à ce que les enfants non accompagnés bénéficient d’une protection immédiate, d’une "
        "représentation juridique et d’un accès à l’éducation et aux soins de santé.</p>",
        ("Migrants", "Children: protection against exploitation"),
        ("Children", "Migrants"),
        ("10.7", "16.2~"),
    ),
    Rec(
        CRC_FRA,
        "<p>Children&#39;s right to be heard</p><p>20. The Committee recommends that the State party ensure "
        "that the views of children are systematically taken into account in all judicial and "
        "administrative proceedings concerning them, including in family courts.</p>",
        "<p>Droit de l’enfant d’être entendu</p><p>20. Le Comité recommande à l’État partie de veiller à "
        "ce que l’opinion des enfants soit systématiquement prise en considération dans toutes les "
        "procédures judiciaires et administratives les concernant, y compris devant les juridictions "
        "familiales.</p>",
        ("Children: definition; general principles; protection",),
        ("Children",),
        (),
        body="- Committee on the Rights of the Child",
    ),
    Rec(
        CERD_FRA,
        "<p>Racial profiling</p><p>17. The Committee recommends that the State party take effective "
        "measures to put an end to identity checks based on racial profiling, including by introducing a "
        "system of receipts (récépissés) for identity checks and establishing an independent complaint "
        "mechanism.</p>",
        "<p>Profilage racial</p><p>17. Le Comité recommande à l’État partie de prendre des mesures "
        "efficaces pour mettre fin aux contrôles d’identité fondés sur le profilage racial, notamment en "
        "instaurant un système de récépissés pour les contrôles d’identité et en créant un mécanisme de "
        "plainte indépendant.</p>",
        ("Racial discrimination", "Law enforcement"),
        (MINORITIES, "People of African descent"),
        ("10.3", "16.b"),
    ),
    Rec(
        UPR4_FRA,
        "<p>4.57 Strengthen measures to combat hate speech and discrimination against Roma, Muslims &amp; "
        "people of African descent (Algeria);</p>",
        "<p>4.57 Renforcer les mesures de lutte contre les discours de haine et la discrimination visant "
        "les Roms, les musulmans &amp; les personnes d’ascendance africaine (Algérie);</p>",
        ("Racial discrimination", "Hate speech"),
        (MINORITIES, "People of African descent"),
        ("10.3~", "16.b"),
        positions=("Supported",),
        states=("Algeria",),
    ),
    Rec(
        UPR4_FRA,
        "<p>4.113 Ensure that law enforcement officials are held accountable for the excessive use of "
        "force, in particular during demonstrations (Switzerland);</p>",
        "<p>4.113 Veiller à ce que les responsables de l’application des lois répondent de l’usage "
        "excessif de la force, en particulier lors des manifestations (Suisse);</p>",
        ("Law enforcement", "Freedom of peaceful assembly"),
        ("General",),
        ("16.1",),
        positions=("Supported",),
        states=("Switzerland",),
        cycle_known=False,
    ),
    Rec(
        UPR4_FRA,
        "<p>4.198 Guarantee the rights of migrants and asylum seekers in overseas territories, including in "
        "Mayotte (Comoros) (Pakistan);</p>",
        "<p>4.198 Garantir les droits des migrants et des demandeurs d’asile dans les territoires "
        "d’outre-mer, y compris à Mayotte (Comores) (Pakistan);</p>",
        ("Migrants", "Refugees & asylum-seekers"),
        ("Migrants", "Refugees & asylum-seekers"),
        ("10.7",),
        positions=("Noted",),
        states=("Comoros", "Pakistan"),
    ),
    Rec(
        SRP_FRA,
        "<p>Non-take-up of social benefits</p><p>72. The Special Rapporteur recommends that the Government "
        "automate the payment of the revenu de solidarité active and other benefits to eliminate "
        "non-take-up, and ensure that the digitalization of public services does not exclude persons "
        "living in poverty.</p>",
        "<p>Non-recours aux prestations sociales</p><p>72. Le Rapporteur spécial recommande au "
        "Gouvernement d’automatiser le versement du revenu de solidarité active et des autres prestations "
        "afin d’éliminer le non-recours, et de veiller à ce que la dématérialisation des services publics "
        "n’exclue pas les personnes vivant dans la pauvreté.</p>",
        ("Poverty", "Right to social security"),
        ("Persons living in poverty",),
        ("1", "1.3", "10.4"),
    ),
    # ============================ Pakistan ============================
    Rec(
        CAT_PAK,
        "<p>Custodial deaths</p><p>13. The State party should establish an independent mechanism to "
        "investigate all allegations of torture and deaths in police custody, and adopt legislation "
        "criminalizing torture in line with article 1 of the Convention.</p>",
        "<p>Décès en détention</p><p>13. L&#39;État partie devrait créer un mécanisme indépendant chargé "
        "d&#39;enquêter sur toutes les allégations de torture et de décès en garde à vue, et adopter une "
        "loi érigeant la torture en infraction conformément à l&#39;article premier de la Convention.</p>",
        (TORTURE, "Deaths in custody"),
        (DEPRIVED,),
        ("16.1", "16.3"),
    ),
    Rec(
        CAT_PAK,
        "<p>Death penalty</p><p>8.The State party should reinstate the moratorium on executions and commute "
        "all death sentences, in particular those of persons who were under 18 years of age at the time of "
        "the offence or who have psychosocial disabilities.</p>",
        "<p>Peine de mort</p><p>8.L&#39;État partie devrait rétablir le moratoire sur les exécutions et "
        "commuer toutes les condamnations à mort, en particulier celles des personnes qui avaient moins de "
        "18 ans au moment de l&#39;infraction ou qui présentent un handicap psychosocial.</p>",
        ("Death penalty", "Juvenile justice"),
        (DEPRIVED, "Persons with disabilities"),
        ("16.1",),
        countries=("PK",),
        body="- Committee against Torture",
    ),
    Rec(
        CCPR_PAK,
        "<p>Freedom of religion and blasphemy laws</p><p>33. The State party should repeal or substantially "
        "amend sections 295 and 298 of the Penal Code (the blasphemy laws), ensure that accusations of "
        "blasphemy are investigated with due process safeguards, and protect religious minorities, "
        "including Ahmadis, Christians &amp; Hindus, from violence and discrimination.</p>",
        "<p>Liberté de religion et lois sur le blasphème</p><p>33. L&#39;État partie devrait abroger ou "
        "modifier substantiellement les articles 295 et 298 du Code pénal (lois sur le blasphème), veiller "
        "à ce que les accusations de blasphème fassent l&#39;objet d&#39;enquêtes assorties des garanties "
        "d&#39;une procédure régulière, et protéger les minorités religieuses, notamment les ahmadis, les "
        "chrétiens &amp; les hindous, contre la violence et la discrimination.</p>",
        ("Freedom of thought, conscience and religion", "Minorities"),
        (MINORITIES,),
        ("16.b",),
    ),
    Rec(
        UPR1_PAK,
        "<p>106.5. Consider ratifying the Convention against Torture (Switzerland);</p>",
        "<p>106.5. Envisager de ratifier la Convention contre la torture (Suisse);</p>",
        ("Acceptance of international norms", TORTURE),
        positions=("Supported",),
        states=("Switzerland",),
        cycle_known=False,
    ),
    Rec(
        UPR1_PAK,
        "<p>106.21 Take measures to eliminate honour killings and other forms of violence against women "
        "(Canada);</p>",
        "<p>106.21 Prendre des mesures pour éliminer les crimes d&#39;honneur et les autres formes de "
        "violence à l&#39;égard des femmes (Canada);</p>",
        ("Violence against women", "Harmful practices"),
        ("Women & girls",),
        ("5.2",),
        states=("Canada",),
    ),
    Rec(
        UPR4_PAK,
        "<p>147.89 Adopt legislation to prevent and criminalize enforced disappearances and ratify the "
        "International Convention for the Protection of All Persons from Enforced Disappearance (Argentina) "
        "(France) (Japan);</p>",
        "<p>147.89 Adopter une législation visant à prévenir et à ériger en infraction les disparitions "
        "forcées et ratifier la Convention internationale pour la protection de toutes les personnes "
        "contre les disparitions forcées (Argentine) (France) (Japon);</p>",
        ("Enforced disappearances", "Acceptance of international norms"),
        ("Disappeared persons",),
        ("16.3",),
        countries=("PK",),
        positions=("Noted",),
        states=("Argentina", "France", "Japan"),
    ),
    # ============================ Two countries ============================
    Rec(
        SRM_MULTI,
        "<p>Situation at the border</p><p>96. The Special Rapporteur recommends that the Governments of "
        "Chile and Peru coordinate their responses at the border between Tacna and Arica to ensure that "
        "migrants, including children and pregnant women, are not returned without an individual "
        "assessment of their protection needs.</p>",
        "<p>Situation à la frontière</p><p>96. Le Rapporteur spécial recommande aux Gouvernements chilien "
        "et péruvien de coordonner leurs interventions à la frontière entre Tacna et Arica afin que les "
        "migrants, notamment les enfants et les femmes enceintes, ne soient pas renvoyés sans une "
        "évaluation individuelle de leurs besoins de protection.</p>",
        ("Migrants", "Non-refoulement"),
        ("Migrants", "Children", "Women & girls"),
        ("10.7",),
    ),
    Rec(
        SRW_MULTI,
        "<p>Lake Titicaca</p><p>63. The Special Rapporteur recommends that the authorities of both "
        "countries establish a binational plan to clean up Lake Titicaca, with the participation of the "
        "Aymara and Quechua communities living on its shores.</p>",
        "<p>Lac Titicaca</p><p>63. Le Rapporteur spécial recommande aux autorités des deux pays "
        "d&#39;établir un plan binational d&#39;assainissement du lac Titicaca, avec la participation des "
        "communautés aymaras et quechuas vivant sur ses rives.</p>",
        ("Right to water and sanitation", "Environment", "Indigenous peoples"),
        ("Indigenous peoples",),
        ("6", "6.3", "6.5"),
    ),
    Rec(
        SRTIP_MULTI,
        "<p>Cross-border trafficking</p><p>88. The Special Rapporteur recommends that Kenya and Somalia "
        "strengthen their bilateral cooperation to identify and protect victims of trafficking, in "
        "particular women and children recruited for domestic servitude abroad.</p>",
        "<p>Traite transfrontière</p><p>88. La Rapporteuse spéciale recommande au Kenya et à la Somalie de "
        "renforcer leur coopération bilatérale afin d&#39;identifier et de protéger les victimes de la "
        "traite, en particulier les femmes et les enfants recrutés pour la servitude domestique à "
        "l&#39;étranger.</p>",
        ("Trafficking in persons", "Contemporary forms of slavery"),
        ("Women & girls", "Children", "Migrants"),
        ("5.2", "8.7", "16.2"),
    ),
    Rec(
        SRAFG_MULTI,
        "<p>Returns</p><p>72. The Special Rapporteur urges the Government of Pakistan to halt the forced "
        "deportation of Afghan nationals and calls on the de facto authorities in Afghanistan to ensure "
        "the safety of returnees, in particular women and girls.</p>",
        "<p>Retours</p><p>72. Le Rapporteur spécial prie instamment le Gouvernement pakistanais de mettre "
        "fin aux expulsions forcées de ressortissants afghans et demande aux autorités de facto en "
        "Afghanistan d&#39;assurer la sécurité des rapatriés, en particulier des femmes et des filles.</p>",
        ("Refugees & asylum-seekers", "Non-refoulement"),
        ("Refugees & asylum-seekers", "Women & girls"),
        ("10.7",),
    ),
    # ============================ No country ============================
    Rec(
        SRT_NONE,
        "<p>Recommendations</p><p>89. The Special Rapporteur recommends that States prohibit the "
        "manufacture, promotion, trade and use of inherently abusive law enforcement equipment, such as "
        "spiked batons and electric-shock body-worn devices.</p>",
        "<p>Recommandations</p><p>89. Le Rapporteur spécial recommande aux États d&#39;interdire la "
        "fabrication, la promotion, le commerce et l&#39;utilisation d&#39;équipements de maintien de "
        "l&#39;ordre intrinsèquement abusifs, tels que les matraques à pointes et les dispositifs à "
        "décharge électrique portés sur le corps.</p>",
        (TORTURE, "Law enforcement"),
        ("General",),
        ("16.1",),
    ),
    Rec(
        WGAD_NONE,
        "<p>77. The Working Group recommends that States ensure that the deprivation of liberty of migrants "
        "is used only as a measure of last resort, never for children, and for the shortest period "
        "possible.</p>",
        None,
        ("Arbitrary detention", "Migrants"),
        ("Migrants", "Children"),
        ("10.7",),
    ),
    Rec(
        SRHRD_NONE,
        "<p>Defenders working in isolated areas</p><p>101. The Special Rapporteur recommends that States "
        "develop protection programmes adapted to the needs of defenders working in rural and isolated "
        "areas, designed with their participation &amp; with sufficient resources.</p>",
        "<p>Défenseurs travaillant dans des zones isolées</p><p>101. La Rapporteuse spéciale recommande aux "
        "États d&#39;élaborer des programmes de protection adaptés aux besoins des défenseurs travaillant "
        "dans des zones rurales et isolées, conçus avec leur participation &amp; dotés de ressources "
        "suffisantes.</p>",
        ("Human rights defenders",),
        ("Human rights defenders", "Persons living in rural areas"),
        ("16.10~",),
    ),
)


def keyed_records() -> list[Rec]:
    """Give each record a stable key (document key + rank in document) for its AnnotationId."""
    seen: dict[str, int] = {}
    out: list[Rec] = []
    for rec in RECORDS:
        seen[rec.doc.key] = seen.get(rec.doc.key, 0) + 1
        out.append(replace(rec, key=f"{rec.doc.key}/{seen[rec.doc.key]}"))
    return out


def unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def to_json_record(rec: Rec, rank: int, text: str, sdg_labels: dict[str, str]) -> dict[str, object]:
    doc = rec.doc
    countries = list(rec.countries if rec.countries is not None else doc.countries)
    # UHRI stamps each annotation a little apart when a document is loaded.
    on_uhri = doc.on_uhri + timedelta(seconds=rank * 7, milliseconds=rank * 131)
    is_upr = doc.upr_session is not None
    return {
        "AnnotationId": stable_uuid("annotation:" + rec.key),
        "DocumentId": stable_uuid("document:" + doc.key),
        "Symbol": doc.symbol,
        "Text": text,
        "AnnotationType": CONCERN if rec.concern else RECOMMENDATION,
        "Body": rec.body or doc.body,
        "PublicationDate": doc.published.strftime("%Y-%m-%dT00:00:00"),
        "PublicationDateOnUhri": on_uhri.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3],
        "Countries": countries,
        "Regions": unique([REGION_OF[c] for c in countries]),
        "Themes": list(rec.themes),
        "AffectedPersons": list(rec.affected),
        "Sdgs": [sdg_labels[code] for code in rec.sdgs],
        "UprCycle": doc.upr_cycle if is_upr and rec.cycle_known else None,
        "UprPositions": list(rec.positions),
        "UprRecommendingCountry": list(rec.states),
        "UprRecommendingRegions": unique([GROUP_OF[s] for s in rec.states]),
        "UprSession": [doc.upr_session] if doc.upr_session else [],
    }


def write_json(path: Path, records: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        json.dump(records, fh, ensure_ascii=False, indent=1)
        fh.write("\n")


# --- UHRI search-page XLSX export ----------------------------------------------------------------
XLSX_HEADERS = (
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
)
XLSX_RECORD_KEYS = (
    "crc-per/1",
    "crc-per/3",
    "cedaw-per/2",
    "cat-per/3",
    "upr2-per/1",
    "upr3-per/3",
    "upr4-per/1",
    "upr4-per/2",
    "upr4-per/6",
    "wgad-per/2",
)
EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(value: str) -> float:
    moment = datetime.fromisoformat(value)
    delta = moment - EXCEL_EPOCH
    return round(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000, 8)


def html_to_text(fragment: str) -> str:
    text = re.sub(r"</p>|<br\s*/?>|</li>", "\n", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def dash_lines(value: object) -> str:
    """One value per line, each starting with "- ", as the UHRI XLSX export writes lists."""
    items = value if isinstance(value, list) else [value]
    return "\n".join(s if s.startswith("- ") else f"- {s}" for s in (str(i).strip() for i in items))


def write_xlsx(path: Path, records: list[dict[str, object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    sheet.append(list(XLSX_HEADERS))
    for rec in records:
        published = excel_serial(str(rec["PublicationDate"]))
        sheet.append(
            [
                html_to_text(str(rec["Text"])),
                dash_lines(rec["Countries"]),
                dash_lines(rec["Body"]),
                rec["Symbol"],
                dash_lines(rec["Themes"]),
                dash_lines(rec["AffectedPersons"]),
                dash_lines(rec["Sdgs"]),
                int(published),
                dash_lines(rec["UprRecommendingCountry"]),
                dash_lines(rec["UprPositions"]),
                dash_lines(rec["AnnotationType"]),
                rec["AnnotationId"],
                dash_lines(rec["UprSession"]),
                dash_lines(rec["Regions"]),
                dash_lines(rec["UprRecommendingRegions"]),
                excel_serial(str(rec["PublicationDateOnUhri"])),
            ]
        )
    book.save(path)


# --- UPR Info database CSV ------------------------------------------------------------------------
UPR_INFO_HEADER = (
    "To",
    "To-Rgrp",
    "To-Org",
    "Text",
    "From",
    "From-Rgrp",
    "From-Org",
    "Response",
    "Action",
    "Issue",
    "Session",
)
# The accented and typographic characters below all exist in Windows-1252; the curly apostrophe,
# curly quotes, en dash and ellipsis do NOT exist in Latin-1, so a reader guessing ISO-8859-1 garbles them.
UPR_INFO_ROWS: tuple[tuple[str, ...], ...] = (
    (
        "Peru", "GRULAC", "OAS", "Ratify the Optional Protocol to the International Covenant on Economic, "
        "Social and Cultural Rights", "Portugal", "WEOG", "EU, OIF, CoE", "Accepted", "5",
        "International instruments,ESC rights - general", "14",
    ),
    (
        "Peru", "GRULAC", "OAS", "Continue to take measures to improve conditions in prisons and reduce "
        "overcrowding", "Thailand", "Asia", "ASEAN", "Accepted", "2", "Detention conditions", "14",
    ),
    (
        "Peru", "GRULAC", "OAS", "Take the necessary measures to ensure the effective implementation of "
        "the law on the right to prior consultation of indigenous peoples", "Norway", "WEOG",
        "&#40;Unknown&#41;", "Accepted", "4", "Indigenous peoples,Development,Environment", "14",
    ),
    (
        "Peru", "GRULAC", "OAS", "Adopt a national plan of action on business and human rights", "Germany",
        "WEOG", "EU, CoE, OSCE", "Accepted", "4", "Business and Human Rights", "28",
    ),
    (
        "Peru", "GRULAC", "OAS", "Strengthen the protection of human rights defenders – including "
        "environmental defenders and indigenous leaders – and ensure that attacks against them are "
        "investigated and punished", "Ireland", "WEOG", "EU, CoE, OSCE", "Accepted", "5",
        "Human rights defenders,Indigenous peoples,Impunity", "28",
    ),
    (
        "Peru", "GRULAC", "OAS", "Decriminalize abortion in all cases and ensure access to safe and legal "
        "abortion at least in cases of rape, incest and fetal impairment", "Iceland", "WEOG",
        "CoE, OSCE", "Noted", "5", "Women's rights,Right to health,Sexual and reproductive health", "28",
    ),
    (
        "Peru", "GRULAC", "OAS", "Guarantee intercultural bilingual education and reduce the school "
        "dropout rate among indigenous and rural children, as in the “Escuelas Bilingües” programme",
        "Ecuador", "GRULAC", "OAS", "Accepted", "3", "Right to education,Indigenous peoples,Rights of the "
        "Child", "28",
    ),
    (
        "Peru", "GRULAC", "OAS", "Ratify the Optional Protocol to the International Covenant on Economic, "
        "Social and Cultural Rights", "Norway", "WEOG", "&#40;Unknown&#41;", "Noted", "5",
        "International instruments", "42",
    ),
    (
        "Peru", "GRULAC", "OAS", "Adopt the necessary measures to prevent and punish torture and "
        "ill-treatment in places of deprivation of liberty, and strengthen the national preventive "
        "mechanism of the Defensoría del Pueblo", "Côte d’Ivoire", "Africa", "AU, OIF", "Accepted", "4",
        "Torture and other CID,Detention conditions,NHRI", "42",
    ),
    (
        "Peru", "GRULAC", "OAS", "Continue to implement measures to ensure the regular migration status "
        "and access to health and education of Venezuelan migrants and refugees…", "Türkiye", "WEOG",
        "CoE, OSCE, OIC", "Accepted", "1", "Migrants,Asylum-seekers - refugees,Right to health", "42",
    ),
    (
        "Peru", "GRULAC", "OAS", "Step up efforts to prevent and eradicate child labour, especially in "
        "informal mining (minería informal) and agriculture", "Bahrain", "Asia", "OIC", "Accepted", "3",
        "Labour,Rights of the Child,Child labour", "42",
    ),
)  # fmt: skip


def write_upr_info_csv(path: Path) -> None:
    # Old-Mac CR line ends and cp1252 on purpose: this is what UPR Info exports look like in the wild.
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(UPR_INFO_HEADER)
        writer.writerows(UPR_INFO_ROWS)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    sdg_labels = load_sdg_labels()
    records = keyed_records()
    rank_in_doc = [int(rec.key.rsplit("/", 1)[1]) for rec in records]
    en = [to_json_record(r, k, r.en, sdg_labels) for r, k in zip(records, rank_in_doc, strict=True)]
    fr = [
        to_json_record(r, k, r.fr, sdg_labels)
        for r, k in zip(records, rank_in_doc, strict=True)
        if r.fr is not None
    ]
    write_json(out / "export-full-en.json", en)
    write_json(out / "export-full-fr.json", fr)

    by_key = {rec.key: json_rec for rec, json_rec in zip(records, en, strict=True)}
    write_xlsx(out / "uhri-search-export.xlsx", [by_key[k] for k in XLSX_RECORD_KEYS])
    write_upr_info_csv(out / "upr-info-peru.csv")

    print(
        f"wrote {len(en)} en records, {len(fr)} fr records, {len(XLSX_RECORD_KEYS)} XLSX rows "
        f"and {len(UPR_INFO_ROWS)} UPR Info rows to {out}"
    )


if __name__ == "__main__":
    main()
