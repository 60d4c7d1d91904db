"""The world of the review queue and dashboard tests: three imports that change recommendations (one
reviewed between two of them), and two entities' actions and progress updates in every state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.core.actor import Actor
from app.core.time_zone import local_today
from app.feed.records import SourceRecord
from app.recommendations import bulk
from tests.builder import building, imported
from tests.factories import import_records, record

TEXT_V1 = "<p>Adopt a law criminalising torture and ensure prompt investigations of every complaint.</p>"
TEXT_V2 = (
    "<p>Adopt a comprehensive law criminalising torture and ensure independent investigations"
    " of every complaint.</p>"
)
TWICE_V1 = "<p>Raise the minimum age of marriage to 18 years.</p>"
TWICE_V2 = "<p>Raise the minimum age of marriage to 18 years for girls and boys.</p>"
TWICE_V3 = "<p>Raise the minimum age of marriage to 18 years for all, without exception.</p>"
SYMBOL = "CRC/C/PER/CO/6"


@dataclass(frozen=True)
class ReviewWorld:
    text_changed: int  # its English text changed (run 2)
    theme_changed: int  # a theme added (run 2)
    unchanged: int
    twice: int  # changed by run 2, reviewed, changed again by run 3
    last_run: int
    justice: int  # entity of the focal point
    health: int  # another entity
    overdue_justice: str
    open_justice: str  # due within 30 days
    later_justice: str  # open, due in years
    overdue_health: str
    overdue_supported: str  # led by health, supported by justice
    completed_late: str


def _records(run: int) -> list[SourceRecord]:
    text = TEXT_V1 if run == 1 else TEXT_V2
    themes = ["Torture"] if run == 1 else ["Torture", "Children"]
    twice = {1: TWICE_V1, 2: TWICE_V2, 3: TWICE_V3}[run]
    return [
        record("R-TEXT", text, symbol=SYMBOL, themes=["Torture"]),
        record("R-THEME", "<p>Protect children from violence.</p>", symbol=SYMBOL, themes=themes),
        record("R-SAME", "<p>Ratify the optional protocol.</p>", symbol=SYMBOL),
        record("R-TWICE", twice, symbol=SYMBOL),
    ]


def build(engine: Engine) -> ReviewWorld:
    imported(engine, _records(1))
    ids = imported(engine, _records(2))
    coordinator = Actor(role="coordinator", label="world@example.org")
    with Session(engine) as session, session.begin():
        bulk.mark_reviewed(session, coordinator, [ids["R-TWICE"]])
    last = import_records(engine, [r for r in _records(3) if r.external_id == "R-TWICE"])
    with building(engine) as b:
        justice = b.entity("Ministry of Justice").id
        health = b.entity("Ministry of Health").id
        author_j = b.author("author-justice@example.org", entity_id=justice).id
        author_h = b.author("author-health@example.org", entity_id=health).id
        a1 = b.action("Draft the anti-torture bill", lead_entity_id=justice, due_date=date(2020, 1, 1))
        a2 = b.action(
            "Train prison staff",
            lead_entity_id=justice,
            due_date=local_today() + timedelta(days=10),
            status="in_progress",
        )
        later = b.action("Build a training centre", lead_entity_id=justice, due_date=date(2999, 1, 1))
        a3 = b.action("Open child health clinics", lead_entity_id=health, due_date=date(2021, 5, 1))
        a4 = b.action(
            "Publish the 2019 report", lead_entity_id=justice, due_date=date(2019, 6, 1), status="completed"
        )
        a5 = b.action(
            "Fund legal aid for children",
            lead_entity_id=health,
            entities=[justice],
            due_date=date(2022, 1, 1),
            status="delayed",
        )
        b.progress(a1.id, "submitted", "Bill sent to cabinet.", author_id=author_j)
        b.progress(a3.id, "submitted", "Two clinics open.", author_id=author_h)
        b.progress(a1.id, "returned", "Bill drafted.", author_id=author_j, review_comment="Add the figures.")
        b.progress(a2.id, "draft", "Training planned.", author_id=author_j)
        b.progress(a3.id, "draft", "Health draft.", author_id=author_h)
        b.progress(a4.id, "approved", "Report published.", author_id=author_j)
        bills = b.indicator(a1.id, "Bills tabled").id
        clinics = b.indicator(a3.id, "Clinics open").id
        b.value(bills, "submitted", 1)
        b.value(bills, "returned", 2, review_comment="Count again.")
        b.value(clinics, "submitted", 3)
        b.value(clinics, "returned", 4, review_comment="Health count.")
    return ReviewWorld(
        text_changed=ids["R-TEXT"],
        theme_changed=ids["R-THEME"],
        unchanged=ids["R-SAME"],
        twice=ids["R-TWICE"],
        last_run=last.run_id,
        justice=justice,
        health=health,
        overdue_justice=a1.title,
        open_justice=a2.title,
        later_justice=later.title,
        overdue_health=a3.title,
        overdue_supported=a5.title,
        completed_late=a4.title,
    )
