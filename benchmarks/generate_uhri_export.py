"""Generate a synthetic full-size UHRI export (docs/uhri-formats.md §1) to benchmark the importers.

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
import csv
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
from typing import Any, TextIO

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
# UPR sessions are b, b+12, b+26, b+40 for a State first reviewed at session b (1..12): one per
# cycle under the session->cycle rule of domain.md. Peru's real slot gives sessions 2, 14, 28, 42.
KNOWN_UPR_SLOT = {"Peru": 2}


# --------------------------------------------------------------------------------------------------
# The vocabulary, read from benchmarks/data/ at start. Phrases are plain text there and escaped here,
# as they go into the HTML of Text; sentence templates are HTML already. The order of every list is
# part of what a seed generates.
# --------------------------------------------------------------------------------------------------
DATA_DIR = Path(__file__).resolve().parent / "data"
# libyaml when PyYAML has it: the pure-Python loader takes a noticeable part of a small run.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)


def _phrase(entry: dict[str, str]) -> Phrase:
    return ph(entry["en"], entry["fr"])


_TAXONOMY = _read_yaml(DATA_DIR / "uhri_taxonomy.yaml")
GROUP_LABEL: dict[str, str] = {key: group["label"] for key, group in _TAXONOMY["groups"].items()}
REGION_LABEL: dict[str, str] = {key: group["region"] for key, group in _TAXONOMY["groups"].items()}
THEMES: tuple[str, ...] = tuple(_TAXONOMY["themes"])
# Other spellings the feed uses for the same theme; importers must merge them.
THEME_VARIANTS: dict[str, str] = _TAXONOMY["theme_variants"]
AFFECTED: tuple[str, ...] = tuple(_TAXONOMY["affected_persons"])
# Short target names (as on SDG trackers) that UHRI uses on some records instead of the official
# title; other targets are shortened to their first clause.
SHORT_TARGETS: dict[str, str] = _TAXONOMY["sdg_short_targets"]


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
    with (DATA_DIR / "uhri_countries.csv").open(encoding="utf-8", newline="") as fh:
        return [
            Country(row["name"], row["iso2"], row["iso3"], row["group"], ph(row["name"], row["name_fr"]))
            for row in csv.DictReader(fh)
        ]


@dataclass(frozen=True)
class Topic:
    key: str
    heading: Phrase
    themes: tuple[str, ...]
    affected: tuple[str, ...]
    sdgs: tuple[str, ...]
    actions: tuple[Phrase, ...]  # bare infinitives: "adopt ...", "adopter ..."
    concerns: tuple[Phrase, ...]  # noun phrases with their article: "the persistence of ..."


TOPICS: tuple[Topic, ...] = tuple(
    Topic(
        t["key"],
        _phrase(t["heading"]),
        tuple(t["themes"]),
        tuple(t["affected_persons"]),
        tuple(t["sdgs"]),
        tuple(map(_phrase, t["actions"])),
        tuple(map(_phrase, t["concerns"])),
    )
    for t in _read_yaml(DATA_DIR / "uhri_topics.yaml")["topics"]
)
TOPIC_INDEX = {t.key: i for i, t in enumerate(TOPICS)}
ALL_TOPICS = tuple(t.key for t in TOPICS)


@dataclass(frozen=True)
class Extender:
    text: Phrase
    verb: bool  # a further infinitive ("and allocate ..."), which French must introduce with "de"/"à"


@dataclass(frozen=True)
class Opening:
    """A sentence template, already HTML; its placeholders are described in uhri_phrasing.yaml."""

    en: str
    fr: str
    fr_join: str  # what introduces the 2nd, 3rd... infinitive in French: "de", "à" or ""


@dataclass(frozen=True)
class Addressee:
    en: str
    fr_dat: str  # "à l'État partie"
    fr_acc: str  # "l'État partie"
    fr_gen: str  # "de l'État partie"


def _opening(entry: dict[str, str]) -> Opening:
    return Opening(entry["en"], entry["fr"], entry.get("fr_join", ""))


def _addressee(entry: dict[str, str]) -> Addressee:
    return Addressee(esc(entry["en"]), esc(entry["fr_dat"]), esc(entry["fr_acc"]), esc(entry["fr_gen"]))


_PHRASING = _read_yaml(DATA_DIR / "uhri_phrasing.yaml")
EXTENDERS = tuple(Extender(_phrase(e), e.get("verb", False)) for e in _PHRASING["extenders"])
GENERIC_CONCERNS = tuple(map(_phrase, _PHRASING["generic_concerns"]))
_OPENINGS = _PHRASING["openings"]
REC_OPENINGS = tuple(map(_opening, _OPENINGS["recommendation"]))
GC_OPENING = _opening(_OPENINGS["general_comment"])
SHOULD_OPENING = _opening(_OPENINGS["should"])
LIST_OPENING = _opening(_OPENINGS["list"])
SHOULD_LIST_OPENING = _opening(_OPENINGS["should_list"])
UPR_OPENINGS = tuple(map(_opening, _OPENINGS["upr"]))
CONCERN_OPENINGS = tuple(map(_opening, _OPENINGS["concern"]))
CONCERN_FOLLOW_UP = _opening(_OPENINGS["concern_follow_up"])
REC_FOLLOW_UPS = tuple(map(_opening, _OPENINGS["recommendation_follow_ups"]))
STATE_PARTY = _addressee(_PHRASING["addressees"]["state_party"])
GOVERNMENT = _addressee(_PHRASING["addressees"]["government"])
GOVERNMENTS = _addressee(_PHRASING["addressees"]["governments"])
STATES = _addressee(_PHRASING["addressees"]["states"])


@dataclass(frozen=True)
class Mechanism:
    code: str
    kind: str  # upr | tb | sp
    labels: tuple[str, ...]  # short first; the others appear on some records
    weight: float
    symbol: str  # format string with {iso3} {n} {m} {h}
    subject: Phrase
    topics: tuple[str, ...]
    mandate: str | None = None  # country-specific mandate
    should_style: bool = False  # "The State party should ..." (CAT, Human Rights Committee)
    gc: Phrase | None = None  # "general comment" / "general recommendation"


def load_mechanisms() -> tuple[Mechanism, ...]:
    data = _read_yaml(DATA_DIR / "uhri_mechanisms.yaml")
    subjects = {key: _phrase(value) for key, value in data["subjects"].items()}
    general_comments = {key: _phrase(value) for key, value in data["general_comments"].items()}
    defaults = data["special_procedure"]
    out = []
    for m in data["mechanisms"]:
        if m["kind"] == "sp":
            m = {**defaults, **m}
        topics = [key for t in m["topics"] for key in (ALL_TOPICS if t == "*" else (t,))]
        out.append(
            Mechanism(
                m["code"],
                m["kind"],
                tuple(m["labels"]),
                float(m["weight"]),
                m["symbol"],
                subjects[m["subject"]] if "subject" in m else ("", ""),
                tuple(topics),
                mandate=m.get("mandate"),
                should_style=m.get("should_style", False),
                gc=general_comments[m["gc"]] if "gc" in m else None,
            )
        )
    return tuple(out)


MECHANISMS = load_mechanisms()


def load_sdg_labels() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """Goal labels "16 - PEACE, ..." and, per target code, (official, shortened) label variants."""
    goals_yml = _read_yaml(SDG_DIR / "global_goals.yml")
    targets_yml = _read_yaml(SDG_DIR / "global_targets.yml")
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
