"""The demo's implementation work, which ``nrtd demo load`` adds to the sample's Peru records: two
ministries responsible for recommendations, a published cluster, a published action with an
indicator, its approved values and an approved progress report, and the recommendations' published
status; and, for whichever State is loaded, the sample's reporting deadlines (``deadlines.json``).
Without them the demo's public site said "No action has been published" on every page that shows the
work, its calendar feed had no event, and its staff workspace had no work to show.

Written through the same services as the API (entities, clusters, actions, indicators, progress,
recommendations), under one actor, `cli:demo` in the audit trail: what the API would
refuse, the demo cannot hold. Synthetic, as the sample is (app/data/sample/README.md): the names,
figures and narrative are invented.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.cli.common import write_session
from app.clusters import service as clusters
from app.clusters.schemas import ClusterCreate
from app.core.actor import ADMIN, Actor
from app.deadlines.entered import create_deadline
from app.deadlines.schemas import DeadlineCreate
from app.entities import service as entities
from app.entities.schemas import EntityCreate
from app.models import Mechanism, Recommendation
from app.plans.actions import service as actions
from app.plans.actions.schemas import ActionCreate
from app.plans.indicators import service as indicators
from app.plans.indicators import values
from app.plans.indicators.schemas import IndicatorCreate, ValueApproveBody, ValueCreate
from app.plans.progress import service as progress
from app.plans.progress.schemas import ApproveBody, ProgressCreate
from app.plans.schemas import Measure
from app.recommendations import service as recommendations
from app.recommendations import updates
from app.recommendations.write_schemas import RecommendationUpdate

# The audit trail names the demo command as the author of everything the demo holds.
DEMO_ACTOR = Actor(role=ADMIN, label="cli:demo")
# Reporting deadlines a coordinator would enter and publish, dated from the day the sample is loaded
# (the feed's dates are of the past): the demo's calendar, public page and feed show them ahead.
SAMPLE_DEADLINES = Path(__file__).resolve().parent.parent / "data" / "sample" / "deadlines.json"
# The sample's recommendations on intercultural bilingual education, by (document symbol, paragraph):
# the UPR's and the Committee on the Rights of the Child's, one issue for the cluster and the action.
EDUCATION = (("A/HRC/37/8", "111.130"), ("CRC/C/PER/CO/6-7", "44"))
# Inclusive education of children with disabilities: followed, not yet in an action.
INCLUSION = (("CRPD/C/PER/CO/2-3", "47"),)


def _ids(session: Session, cited: tuple[tuple[str, str], ...]) -> list[int]:
    """The current recommendations cited as (symbol, paragraph), in that order; those the sample
    loaded for another State are not there, and are left out."""
    found = []
    for symbol, paragraph in cited:
        rec_id = session.scalar(
            select(Recommendation.id).where(
                Recommendation.symbol == symbol,
                Recommendation.paragraph == paragraph,
                Recommendation.withdrawn.is_(False),
            )
        )
        if rec_id is not None:
            found.append(rec_id)
    return found


def _follow(session: Session, rec_id: int, lead: int, status: str, priority: str) -> None:
    """Give a recommendation its lead ministry, status and priority, then publish them."""
    _, tag = recommendations.get_recommendation(session, DEMO_ACTOR, rec_id)
    body = RecommendationUpdate.model_validate(
        {"lead_entity_id": lead, "status": status, "priority": priority}
    )
    _, tag = updates.update_recommendation(session, DEMO_ACTOR, rec_id, body, tag)
    updates.publish_recommendation(session, DEMO_ACTOR, rec_id, tag)


def add_demo_work(engine: Engine, today: date) -> int:
    """Add the demo's work in one transaction; the number of recommendations it follows, 0 (nothing
    written) when the sample loaded holds none of those it is about (another State than Peru's)."""
    with write_session(engine) as session:
        education, inclusion = _ids(session, EDUCATION), _ids(session, INCLUSION)
        if not education:
            return 0
        minedu, _ = entities.create_entity(
            session, DEMO_ACTOR, EntityCreate(name="Ministry of Education", acronym="MINEDU", kind="ministry")
        )
        culture, _ = entities.create_entity(
            session, DEMO_ACTOR, EntityCreate(name="Ministry of Culture", acronym="MINCUL", kind="ministry")
        )
        for rec_id in education:
            _follow(session, rec_id, minedu.id, "in_progress", "high")
        for rec_id in inclusion:
            _follow(session, rec_id, minedu.id, "not_started", "medium")
        cluster, _ = clusters.create_cluster(
            session,
            DEMO_ACTOR,
            ClusterCreate(
                name="Intercultural bilingual education",
                description="Schooling in their own languages for indigenous and Afro-Peruvian children.",
                lead_entity_id=minedu.id,
                published=True,
            ),
        )
        clusters.add_members(session, DEMO_ACTOR, cluster.id, education, None)
        action, _ = actions.create_action(
            session,
            DEMO_ACTOR,
            ActionCreate(
                title="Train bilingual teachers for rural schools",
                description="Train and place teachers who speak the pupils' own language, starting "
                "with the rural schools of the Andes and the Amazon.",
                cluster_ids=[cluster.id],
                lead_entity_id=minedu.id,
                supporting_entity_ids=[culture.id],
                start_date=today - timedelta(days=300),
                due_date=today + timedelta(days=400),
                status="in_progress",
                sdg_targets=["4.5"],
                published=True,
            ),
        )
        indicator, _ = indicators.create_indicator(
            session,
            DEMO_ACTOR,
            action.id,
            IndicatorCreate(
                name="Bilingual teachers placed in rural schools",
                unit="teachers",
                baseline=Measure(value=Decimal(120), date=today - timedelta(days=300)),
                target=Measure(value=Decimal(600), date=today + timedelta(days=400)),
            ),
        )
        for days_ago, placed in ((180, Decimal(210)), (30, Decimal(340))):
            value, tag = values.record_value(
                session,
                DEMO_ACTOR,
                indicator.id,
                ValueCreate(measured_on=today - timedelta(days=days_ago), value=placed, submit=True),
            )
            values.approve(session, DEMO_ACTOR, value.id, tag, **ValueApproveBody().model_dump())
        report, tag = progress.create_progress(
            session,
            DEMO_ACTOR,
            action.id,
            ProgressCreate(
                reported_on=today - timedelta(days=30),
                narrative="340 teachers trained in Quechua, Aymara and Asháninka now teach in rural "
                "schools; the Ministry of Culture certified their language skills.",
                submit=True,
            ),
        )
        progress.approve(session, DEMO_ACTOR, report.id, ApproveBody(publish=True), tag)
    return len(education) + len(inclusion)


def enter_deadlines(engine: Engine, state: str, today: date) -> int:
    """The sample's deadlines for ``state``, entered and published as a coordinator does, their dates
    counted from ``today``; how many."""
    entries = json.loads(SAMPLE_DEADLINES.read_text(encoding="utf-8"))
    with write_session(engine) as session:
        for entry in entries:
            fields = {
                key: value for key, value in entry.items() if not key.endswith(("_in_days", "_days_ago"))
            }
            fields["title"] = entry["title"].format(state=state)
            if session.scalar(select(Mechanism.id).where(Mechanism.code == fields.get("mechanism"))) is None:
                fields.pop("mechanism", None)  # a committee of none of the State's records loaded
            fields["due_on"] = today + timedelta(days=entry["due_in_days"])
            if "last_review_days_ago" in entry:
                fields["last_review_on"] = today - timedelta(days=entry["last_review_days_ago"])
            create_deadline(session, DEMO_ACTOR, DeadlineCreate.model_validate(fields))
    return len(entries)
