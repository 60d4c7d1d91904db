"""UHRI body labels (short and long spellings) mapped onto one mechanism each.

UHRI names one body in several ways ("CRC", "Committee on the Rights of the Child"; "SR Torture",
"Special Rapporteur on torture and other cruel, inhuman or degrading treatment or punishment"), and
regional bodies come in by hand with whatever spelling the user types. ``resolve_mechanism`` folds
all of them onto one code, and never fails on a label it does not know: a new mandate appearing in
the feed must not stop an import.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from app.feed.keys import label_key
from app.feed.records import RecordError


@dataclass(frozen=True)
class MechanismInfo:
    code: str  # "UPR", "CRC", "SR-TORTURE"
    name: str  # display name
    family: str  # upr | treaty-body | special-procedure | regional | other


UPR = "upr"
TREATY_BODY = "treaty-body"
SPECIAL_PROCEDURE = "special-procedure"
REGIONAL = "regional"
OTHER = "other"

FAMILIES = (UPR, TREATY_BODY, SPECIAL_PROCEDURE, REGIONAL, OTHER)

# (code, display name, family, other spellings). The code and the name are matched too, so the
# aliases list only the extra spellings: UHRI's short label, former names of a renamed mandate (its
# old reports stay in the index under the old label), common acronyms, and the French and Spanish
# names of the UN bodies, which users of those languages type when they enter records by hand.
# Mandates that changed type but not substance (IE -> SR) keep one code so their history stays whole.
# fmt: off
_TABLE: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # --- Universal Periodic Review ----------------------------------------------------------------
    ("UPR", "Universal Periodic Review", UPR,
     ("UPR Working Group", "EPU", "Examen périodique universel", "Examen Periódico Universal")),
    # --- treaty bodies ----------------------------------------------------------------------------
    ("CAT", "Committee against Torture", TREATY_BODY,
     ("Comité contre la torture", "Comité contra la Tortura")),
    ("CCPR", "Human Rights Committee", TREATY_BODY,
     ("HR Committee", "HRCttee", "HRCee", "Committee on Civil and Political Rights",
      "Comité des droits de l'homme", "Comité de Derechos Humanos")),
    ("CED", "Committee on Enforced Disappearances", TREATY_BODY,
     ("Comité des disparitions forcées", "Comité contra la Desaparición Forzada")),
    ("CEDAW", "Committee on the Elimination of Discrimination against Women", TREATY_BODY,
     ("CEDEF", "Comité pour l'élimination de la discrimination à l'égard des femmes",
      "Comité para la Eliminación de la Discriminación contra la Mujer")),
    ("CERD", "Committee on the Elimination of Racial Discrimination", TREATY_BODY,
     ("Comité pour l'élimination de la discrimination raciale",
      "Comité para la Eliminación de la Discriminación Racial")),
    ("CESCR", "Committee on Economic, Social and Cultural Rights", TREATY_BODY,
     ("Comité des droits économiques, sociaux et culturels",
      "Comité de Derechos Económicos, Sociales y Culturales")),
    ("CMW", "Committee on Migrant Workers", TREATY_BODY,
     ("Committee on the Protection of the Rights of All Migrant Workers and Members of Their Families",
      "Comité des travailleurs migrants",
      "Comité de Protección de los Derechos de Todos los Trabajadores Migratorios y de Sus Familiares")),
    ("CRC", "Committee on the Rights of the Child", TREATY_BODY,
     ("Comité des droits de l'enfant", "Comité de los Derechos del Niño")),
    ("CRPD", "Committee on the Rights of Persons with Disabilities", TREATY_BODY,
     ("Comité des droits des personnes handicapées",
      "Comité sobre los Derechos de las Personas con Discapacidad")),
    ("SPT", "Subcommittee on Prevention of Torture", TREATY_BODY,
     ("Subcommittee on Prevention of Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment",
      "Subcommittee on the Prevention of Torture", "Sous-comité pour la prévention de la torture",
      "Subcomité para la Prevención de la Tortura")),
    # --- thematic special procedures --------------------------------------------------------------
    ("SR-HOUSING", "Special Rapporteur on adequate housing as a component of the right to an adequate "
                   "standard of living, and on the right to non-discrimination in this context",
                   SPECIAL_PROCEDURE,
     ("SR Housing", "SR Adequate housing", "SR Right to adequate housing",
      "Special Rapporteur on adequate housing")),
    ("WG-AFRICAN-DESCENT", "Working Group of Experts on People of African Descent", SPECIAL_PROCEDURE,
     ("WG People of African descent", "WG African descent", "WG of Experts on People of African Descent",
      "WGEPAD")),
    ("IE-ALBINISM", "Independent Expert on the enjoyment of human rights by persons with albinism",
                    SPECIAL_PROCEDURE,
     ("IE Albinism", "IE Persons with albinism")),
    ("WG-ARBITRARY-DETENTION", "Working Group on Arbitrary Detention", SPECIAL_PROCEDURE,
     ("WG Arbitrary detention", "WGAD")),
    ("WG-BUSINESS", "Working Group on the issue of human rights and transnational corporations and other "
                    "business enterprises", SPECIAL_PROCEDURE,
     ("WG Business and human rights", "WG Business", "WG Transnational corporations",
      "Working Group on business and human rights")),
    ("SR-CLIMATE-CHANGE", "Special Rapporteur on the promotion and protection of human rights in the context"
                          " of climate change", SPECIAL_PROCEDURE,
     ("SR Climate change", "SR Human rights and climate change")),
    ("SR-COUNTER-TERRORISM", "Special Rapporteur on the promotion and protection of human rights and "
                             "fundamental freedoms while countering terrorism", SPECIAL_PROCEDURE,
     ("SR Counter-terrorism", "SR Terrorism", "SR Counter-terrorism and human rights",
      "SR Human rights while countering terrorism")),
    ("SR-CULTURAL-RIGHTS", "Special Rapporteur in the field of cultural rights", SPECIAL_PROCEDURE,
     ("SR Cultural rights", "IE Cultural rights", "Independent Expert in the field of cultural rights")),
    ("SR-DEVELOPMENT", "Special Rapporteur on the right to development", SPECIAL_PROCEDURE,
     ("SR Development", "SR Right to development")),
    ("SR-DISABILITY", "Special Rapporteur on the rights of persons with disabilities", SPECIAL_PROCEDURE,
     ("SR Disability", "SR Persons with disabilities", "SR Rights of persons with disabilities",
      "SR Disabilities")),
    ("WG-DISCRIMINATION-WOMEN", "Working Group on discrimination against women and girls", SPECIAL_PROCEDURE,
     ("WG Discrimination against women and girls", "WG Discrimination against women", "WG Women and girls",
      "WG Women", "Working Group on the issue of discrimination against women in law and in practice")),
    ("SR-EDUCATION", "Special Rapporteur on the right to education", SPECIAL_PROCEDURE,
     ("SR Education", "SR Right to education")),
    ("WG-ENFORCED-DISAPPEARANCES", "Working Group on Enforced or Involuntary Disappearances",
                                   SPECIAL_PROCEDURE,
     ("WG Enforced disappearances", "WG Disappearances", "WG Enforced or involuntary disappearances",
      "WGEID")),
    ("SR-ENVIRONMENT", "Special Rapporteur on the issue of human rights obligations relating to the "
                       "enjoyment of a safe, clean, healthy and sustainable environment", SPECIAL_PROCEDURE,
     ("SR Environment", "SR Human rights and the environment", "SR Healthy environment", "IE Environment",
      "IE Human rights and the environment")),
    ("SR-EXECUTIONS", "Special Rapporteur on extrajudicial, summary or arbitrary executions",
                      SPECIAL_PROCEDURE,
     ("SR Summary executions", "SR Executions", "SR Extrajudicial executions",
      "SR Extrajudicial, summary or arbitrary executions", "SR Arbitrary executions")),
    ("SR-EXTREME-POVERTY", "Special Rapporteur on extreme poverty and human rights", SPECIAL_PROCEDURE,
     ("SR Extreme poverty", "SR Poverty", "IE Extreme poverty",
      "Independent Expert on the question of human rights and extreme poverty")),
    ("SR-FOOD", "Special Rapporteur on the right to food", SPECIAL_PROCEDURE,
     ("SR Food", "SR Right to food")),
    ("IE-FOREIGN-DEBT", "Independent Expert on the effects of foreign debt and other related international "
                        "financial obligations of States on the full enjoyment of all human rights, "
                        "particularly economic, social and cultural rights", SPECIAL_PROCEDURE,
     ("IE Foreign debt", "IE Debt", "IE Foreign debt and human rights")),
    ("SR-ASSEMBLY-ASSOCIATION", "Special Rapporteur on the rights to freedom of peaceful assembly and of "
                                "association", SPECIAL_PROCEDURE,
     ("SR Freedom of assembly and association", "SR Assembly and association", "SR Freedom of assembly",
      "SR Freedom of peaceful assembly and of association", "SR Peaceful assembly and association",
      "SR FoAA")),
    ("SR-FREEDOM-OF-EXPRESSION", "Special Rapporteur on the promotion and protection of the right to freedom"
                                 " of opinion and expression", SPECIAL_PROCEDURE,
     ("SR Freedom of expression", "SR Freedom of opinion and expression", "SR Expression",
      "SR Opinion and expression")),
    ("SR-FREEDOM-OF-RELIGION", "Special Rapporteur on freedom of religion or belief", SPECIAL_PROCEDURE,
     ("SR Freedom of religion or belief", "SR Freedom of religion", "SR Religion", "SR Religion or belief",
      "SR FoRB", "SR Religious intolerance")),
    ("SR-HEALTH", "Special Rapporteur on the right of everyone to the enjoyment of the highest attainable "
                  "standard of physical and mental health", SPECIAL_PROCEDURE,
     ("SR Health", "SR Right to health", "SR Physical and mental health")),
    ("SR-HRDEFENDERS", "Special Rapporteur on the situation of human rights defenders", SPECIAL_PROCEDURE,
     ("SR Human rights defenders", "SR HRDs", "SR HRD", "SR Defenders",
      "Special Representative of the Secretary-General on human rights defenders",
      "SRSG Human rights defenders")),
    ("SR-IDPS", "Special Rapporteur on the human rights of internally displaced persons", SPECIAL_PROCEDURE,
     ("SR IDPs", "SR Internally displaced persons", "SR Human rights of internally displaced persons",
      "Representative of the Secretary-General on the human rights of internally displaced persons",
      "RSG IDPs", "RSG Internally displaced persons")),
    ("SR-JUDGES-LAWYERS", "Special Rapporteur on the independence of judges and lawyers", SPECIAL_PROCEDURE,
     ("SR Independence of judges and lawyers", "SR Judges and lawyers", "SR Independence of judges")),
    ("SR-INDIGENOUS-PEOPLES", "Special Rapporteur on the rights of Indigenous Peoples", SPECIAL_PROCEDURE,
     ("SR Indigenous peoples", "SR Rights of indigenous peoples", "SR Indigenous",
      "Special Rapporteur on the situation of human rights and fundamental freedoms of indigenous people")),
    ("IE-INTERNATIONAL-ORDER", "Independent Expert on the promotion of a democratic and equitable "
                               "international order", SPECIAL_PROCEDURE,
     ("IE International order", "IE Democratic and equitable international order")),
    ("IE-INTERNATIONAL-SOLIDARITY", "Independent Expert on human rights and international solidarity",
                                    SPECIAL_PROCEDURE,
     ("IE International solidarity", "IE Solidarity")),
    ("SR-LEPROSY", "Special Rapporteur on the elimination of discrimination against persons affected by "
                   "leprosy and their family members", SPECIAL_PROCEDURE,
     ("SR Leprosy", "SR Persons affected by leprosy")),
    ("WG-MERCENARIES", "Working Group on the use of mercenaries as a means of violating human rights and "
                       "impeding the exercise of the right of peoples to self-determination",
                       SPECIAL_PROCEDURE,
     ("WG Mercenaries", "WG Use of mercenaries", "SR Mercenaries")),
    ("SR-MIGRANTS", "Special Rapporteur on the human rights of migrants", SPECIAL_PROCEDURE,
     ("SR Migrants", "SR Human rights of migrants")),
    ("SR-MINORITY-ISSUES", "Special Rapporteur on minority issues", SPECIAL_PROCEDURE,
     ("SR Minority issues", "SR Minorities", "IE Minority issues", "Independent Expert on minority issues")),
    ("IE-OLDER-PERSONS", "Independent Expert on the enjoyment of all human rights by older persons",
                         SPECIAL_PROCEDURE,
     ("IE Older persons", "IE Rights of older persons")),
    ("SR-PRIVACY", "Special Rapporteur on the right to privacy", SPECIAL_PROCEDURE,
     ("SR Privacy", "SR Right to privacy")),
    ("SR-RACISM", "Special Rapporteur on contemporary forms of racism, racial discrimination, xenophobia and"
                  " related intolerance", SPECIAL_PROCEDURE,
     ("SR Racism", "SR Contemporary forms of racism")),
    ("SR-SALE-OF-CHILDREN", "Special Rapporteur on the sale, sexual exploitation and sexual abuse of "
                            "children", SPECIAL_PROCEDURE,
     ("SR Sale of children", "SR Sale and sexual exploitation of children",
      "Special Rapporteur on the sale of children, child prostitution and child pornography",
      "SR Sale of children, child prostitution and child pornography")),
    ("SR-SLAVERY", "Special Rapporteur on contemporary forms of slavery, including its causes and "
                   "consequences", SPECIAL_PROCEDURE,
     ("SR Slavery", "SR Contemporary forms of slavery")),
    ("IE-SOGI", "Independent Expert on protection against violence and discrimination based on sexual "
                "orientation and gender identity", SPECIAL_PROCEDURE,
     ("IE Sexual orientation and gender identity", "IE SOGI", "IE Sexual orientation")),
    ("SR-TORTURE", "Special Rapporteur on torture and other cruel, inhuman or degrading treatment or "
                   "punishment", SPECIAL_PROCEDURE,
     ("SR Torture", "SR on torture")),
    ("SR-TOXICS", "Special Rapporteur on the implications for human rights of the environmentally sound "
                  "management and disposal of hazardous substances and wastes", SPECIAL_PROCEDURE,
     ("SR Toxics", "SR Toxic waste", "SR Toxic wastes", "SR Hazardous substances and wastes",
      "SR Hazardous substances", "SR Toxic substances")),
    ("SR-TRAFFICKING", "Special Rapporteur on trafficking in persons, especially women and children",
                       SPECIAL_PROCEDURE,
     ("SR Trafficking", "SR Trafficking in persons")),
    ("SR-TRUTH", "Special Rapporteur on the promotion of truth, justice, reparation and guarantees of "
                 "non-recurrence", SPECIAL_PROCEDURE,
     ("SR Truth, justice, reparation and guarantees of non-recurrence", "SR Truth and justice",
      "SR Truth, justice and reparation", "SR Transitional justice", "SR Truth")),
    ("SR-UNILATERAL-COERCIVE-MEASURES", "Special Rapporteur on the negative impact of unilateral coercive "
                                        "measures on the enjoyment of human rights", SPECIAL_PROCEDURE,
     ("SR Unilateral coercive measures", "SR UCM", "SR Coercive measures")),
    ("SR-VIOLENCE-AGAINST-WOMEN", "Special Rapporteur on violence against women and girls, its causes and "
                                  "consequences", SPECIAL_PROCEDURE,
     ("SR Violence against women", "SR Violence against women and girls", "SR VAW",
      "Special Rapporteur on violence against women, its causes and consequences")),
    ("SR-WATER-SANITATION", "Special Rapporteur on the human rights to safe drinking water and sanitation",
                            SPECIAL_PROCEDURE,
     ("SR Water and sanitation", "SR Water", "SR Safe drinking water and sanitation",
      "SR Right to water and sanitation", "IE Water and sanitation",
      "Independent Expert on the issue of human rights obligations related to access to safe drinking water"
      " and sanitation")),
    # --- country special procedures ---------------------------------------------------------------
    ("SR-AFGHANISTAN", "Special Rapporteur on the situation of human rights in Afghanistan",
                       SPECIAL_PROCEDURE,
     ("SR Afghanistan",)),
    ("SR-BELARUS", "Special Rapporteur on the situation of human rights in Belarus", SPECIAL_PROCEDURE,
     ("SR Belarus",)),
    ("SR-BURUNDI", "Special Rapporteur on the situation of human rights in Burundi", SPECIAL_PROCEDURE,
     ("SR Burundi",)),
    ("SR-CAMBODIA", "Special Rapporteur on the situation of human rights in Cambodia", SPECIAL_PROCEDURE,
     ("SR Cambodia", "Special Representative of the Secretary-General for human rights in Cambodia")),
    ("IE-CAR", "Independent Expert on the situation of human rights in the Central African Republic",
               SPECIAL_PROCEDURE,
     ("IE Central African Republic", "IE CAR")),
    ("IE-COTE-DIVOIRE", "Independent Expert on the situation of human rights in Côte d'Ivoire",
                        SPECIAL_PROCEDURE,
     ("IE Côte d'Ivoire", "IE Cote d'Ivoire")),
    ("SR-DPRK", "Special Rapporteur on the situation of human rights in the Democratic People's Republic of "
                "Korea", SPECIAL_PROCEDURE,
     ("SR DPRK", "SR Democratic People's Republic of Korea", "SR North Korea")),
    ("SR-ERITREA", "Special Rapporteur on the situation of human rights in Eritrea", SPECIAL_PROCEDURE,
     ("SR Eritrea",)),
    ("IE-HAITI", "Designated Expert on the situation of human rights in Haiti", SPECIAL_PROCEDURE,
     ("IE Haiti", "Independent Expert on the situation of human rights in Haiti", "Expert on Haiti")),
    ("SR-IRAN", "Special Rapporteur on the situation of human rights in the Islamic Republic of Iran",
                SPECIAL_PROCEDURE,
     ("SR Iran", "SR Islamic Republic of Iran")),
    ("IE-MALI", "Independent Expert on the situation of human rights in Mali", SPECIAL_PROCEDURE,
     ("IE Mali",)),
    ("SR-MYANMAR", "Special Rapporteur on the situation of human rights in Myanmar", SPECIAL_PROCEDURE,
     ("SR Myanmar",)),
    ("SR-OPT", "Special Rapporteur on the situation of human rights in the Palestinian territories occupied "
               "since 1967", SPECIAL_PROCEDURE,
     ("SR OPT", "SR Occupied Palestinian territory", "SR Occupied Palestinian territories",
      "SR Palestinian territories", "SR Palestine")),
    ("SR-RUSSIAN-FEDERATION", "Special Rapporteur on the situation of human rights in the Russian Federation",
                              SPECIAL_PROCEDURE,
     ("SR Russian Federation", "SR Russia")),
    ("IE-SOMALIA", "Independent Expert on the situation of human rights in Somalia", SPECIAL_PROCEDURE,
     ("IE Somalia",)),
    ("IE-SUDAN", "Independent Expert on the situation of human rights in the Sudan", SPECIAL_PROCEDURE,
     ("IE Sudan", "SR Sudan", "Special Rapporteur on the situation of human rights in the Sudan",
      "Designated Expert on the situation of human rights in the Sudan")),
    ("SR-SYRIA", "Special Rapporteur on the situation of human rights in the Syrian Arab Republic",
                 SPECIAL_PROCEDURE,
     ("SR Syria", "SR Syrian Arab Republic")),
    # --- other UN bodies --------------------------------------------------------------------------
    ("HRC", "Human Rights Council", OTHER,
     ("UN Human Rights Council", "Conseil des droits de l'homme")),
    ("OHCHR", "Office of the United Nations High Commissioner for Human Rights", OTHER,
     ("High Commissioner for Human Rights", "UN High Commissioner for Human Rights")),
    ("EMRIP", "Expert Mechanism on the Rights of Indigenous Peoples", OTHER,
     ()),
    ("UNPFII", "United Nations Permanent Forum on Indigenous Issues", OTHER,
     ("Permanent Forum on Indigenous Issues",)),
    ("COI-SYRIA", "Independent International Commission of Inquiry on the Syrian Arab Republic", OTHER,
     ("COI Syria", "Commission of Inquiry on Syria")),
    ("COI-DPRK", "Commission of Inquiry on Human Rights in the Democratic People's Republic of Korea", OTHER,
     ("COI DPRK",)),
    ("COI-ERITREA", "Commission of Inquiry on Human Rights in Eritrea", OTHER,
     ("COI Eritrea",)),
    ("COI-BURUNDI", "Commission of Inquiry on Burundi", OTHER,
     ("COI Burundi",)),
    ("COI-UKRAINE", "Independent International Commission of Inquiry on Ukraine", OTHER,
     ("COI Ukraine",)),
    ("COI-OPT", "Independent International Commission of Inquiry on the Occupied Palestinian Territory, "
                "including East Jerusalem, and Israel", OTHER,
     ("COI OPT", "COI Occupied Palestinian Territory")),
    ("FFM-VENEZUELA", "Independent International Fact-Finding Mission on the Bolivarian Republic of "
                      "Venezuela", OTHER,
     ("FFM Venezuela",)),
    ("FFM-MYANMAR", "Independent International Fact-Finding Mission on Myanmar", OTHER,
     ("FFM Myanmar",)),
    ("ILO-CEACR", "ILO Committee of Experts on the Application of Conventions and Recommendations", OTHER,
     ("CEACR", "Committee of Experts on the Application of Conventions and Recommendations")),
    # --- regional mechanisms (entered by hand or from the CSV template) ---------------------------
    ("ACHPR", "African Commission on Human and Peoples' Rights", REGIONAL,
     ("African Commission", "Commission africaine des droits de l'homme et des peuples", "CADHP")),
    ("AFCHPR", "African Court on Human and Peoples' Rights", REGIONAL,
     ("African Court", "AfCHPR")),
    ("ACERWC", "African Committee of Experts on the Rights and Welfare of the Child", REGIONAL,
     ("African Committee of Experts", "African Children's Committee")),
    ("IACHR", "Inter-American Commission on Human Rights", REGIONAL,
     ("CIDH", "Comisión Interamericana de Derechos Humanos", "Inter-American Commission")),
    ("IACTHR", "Inter-American Court of Human Rights", REGIONAL,
     ("Corte IDH", "Corte Interamericana de Derechos Humanos", "Inter-American Court", "I/A Court H.R.")),
    ("MESECVI", "Follow-up Mechanism to the Belém do Pará Convention", REGIONAL,
     ("Mecanismo de Seguimiento de la Convención de Belém do Pará",)),
    ("ECTHR", "European Court of Human Rights", REGIONAL,
     ("Cour européenne des droits de l'homme", "Tribunal Europeo de Derechos Humanos")),
    ("CPT", "European Committee for the Prevention of Torture and Inhuman or Degrading Treatment or "
            "Punishment", REGIONAL,
     ("European Committee for the Prevention of Torture",)),
    ("ECSR", "European Committee of Social Rights", REGIONAL,
     ("Comité européen des droits sociaux",)),
    ("GREVIO", "Group of Experts on Action against Violence against Women and Domestic Violence", REGIONAL,
     ()),
    ("GRETA", "Group of Experts on Action against Trafficking in Human Beings", REGIONAL,
     ()),
    ("ECRI", "European Commission against Racism and Intolerance", REGIONAL,
     ()),
    ("GRECO", "Group of States against Corruption", REGIONAL,
     ()),
    ("ACFC", "Advisory Committee on the Framework Convention for the Protection of National Minorities",
             REGIONAL,
     ("Advisory Committee on the FCNM", "FCNM Advisory Committee")),
    ("LANZAROTE", "Committee of the Parties to the Council of Europe Convention on the Protection of "
                  "Children against Sexual Exploitation and Sexual Abuse", REGIONAL,
     ("Lanzarote Committee",)),
    ("COE-COMMISSIONER", "Council of Europe Commissioner for Human Rights", REGIONAL,
     ("CoE Commissioner for Human Rights", "Commissioner for Human Rights of the Council of Europe")),
    ("VENICE-COMMISSION", "European Commission for Democracy through Law", REGIONAL,
     ("Venice Commission",)),
    ("ODIHR", "OSCE Office for Democratic Institutions and Human Rights", REGIONAL,
     ("OSCE ODIHR", "Office for Democratic Institutions and Human Rights")),
    ("AICHR", "ASEAN Intergovernmental Commission on Human Rights", REGIONAL,
     ("ASEAN AICHR",)),
    ("ACWC", "ASEAN Commission on the Promotion and Protection of the Rights of Women and Children", REGIONAL,
     ("ASEAN ACWC",)),
    ("ARAB-HRC", "Arab Human Rights Committee", REGIONAL,
     ("Arab Charter Committee", "Arab Committee on Human Rights",
      "Arab Human Rights Committee (Arab Charter)")),
    ("OIC-IPHRC", "OIC Independent Permanent Human Rights Commission", REGIONAL,
     ("IPHRC", "Independent Permanent Human Rights Commission")),
    ("ECOWAS-COURT", "ECOWAS Community Court of Justice", REGIONAL,
     ("ECOWAS Court",)),
)
# fmt: on

# Long forms are contracted to UHRI's short style before a second look-up, so that "Special Rapporteur
# on torture" or "UN Working Group on arbitrary detention" find "SR Torture" / "WG Arbitrary detention"
# without every such spelling being listed above.
_LEADING_NOISE = re.compile(r"^(?:the |un |united nations )+")
_LONG_PREFIXES = (("special rapporteur ", "sr "), ("working group ", "wg "), ("independent expert ", "ie "))
_LINKING = re.compile(
    r"^(?:on the situation of human rights in(?: the)?|in the field of"
    r"|on the|on|of the|of|for the|for|in the|in)\s+"
)
_SP_PREFIXES = {"sr": "SR", "wg": "WG", "ie": "IE"}
# Hand-typed labels often carry the acronym after the name: "Committee on the Rights of the Child (CRC)".
_TRAILING_ACRONYM = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")

KNOWN_MECHANISMS: tuple[MechanismInfo, ...] = tuple(
    MechanismInfo(code=code, name=name, family=family) for code, name, family, _ in _TABLE
)


def _contract(key: str) -> str:
    key = _LEADING_NOISE.sub("", key)
    for long, short in _LONG_PREFIXES:
        if key.startswith(long):
            key = short + key[len(long) :]
            break
    head, _, rest = key.partition(" ")
    if head in _SP_PREFIXES and rest:
        return f"{head} {_LINKING.sub('', rest)}"
    return key


def _build_index() -> dict[str, MechanismInfo]:
    index: dict[str, MechanismInfo] = {}
    codes: set[str] = set()
    for info, (_, _, _, aliases) in zip(KNOWN_MECHANISMS, _TABLE, strict=True):
        if info.family not in FAMILIES:
            raise ValueError(f"mechanism {info.code}: unknown family {info.family!r}")
        if info.code in codes:
            raise ValueError(f"mechanism {info.code} listed twice")
        codes.add(info.code)
        for spelling in (info.code, info.name, *aliases):
            # The contracted form too, so that "IE Human rights and international solidarity" finds
            # the official "Independent Expert on human rights and international solidarity".
            for key in {label_key(spelling), _contract(label_key(spelling))}:
                other = index.setdefault(key, info)
                # A spelling shared by two bodies would silently file recommendations under the
                # wrong one; refuse to load rather than guess.
                if other is not info:
                    raise ValueError(
                        f"mechanism spelling {spelling!r} claimed by {other.code} and {info.code}"
                    )
    return index


_INDEX: dict[str, MechanismInfo] = _build_index()
_BY_CODE: dict[str, MechanismInfo] = {info.code: info for info in KNOWN_MECHANISMS}

_CODE_LIMIT = 64


def _code_from(text: str) -> str:
    ascii_text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    code = re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")
    if not code:
        # A label in a non-Latin script leaves nothing after the ASCII filter; a hash keeps its code
        # deterministic and distinct from other such labels.
        code = "BODY-" + hashlib.sha256(text.encode()).hexdigest()[:12].upper()
    return code[:_CODE_LIMIT].rstrip("-")


def _lookup(label: str) -> MechanismInfo | None:
    key = label_key(label)
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
