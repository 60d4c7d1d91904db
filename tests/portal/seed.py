"""A small published world for the portal tests, with internal data planted next to it.

Every ``SECRET_*`` string sits in a field the public must never see (internal notes, rationale,
draft or unpublished progress, review comments, unpublished or archived clusters, unpublished
actions, budgets, contacts and e-mails, withdrawn recommendations): a page showing one leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from app.models import Cluster, ClusterRecommendation, Entity, Recommendation, User
from app.models.local import RecommendationEntity, RecommendationLocal
from app.models.plan import (
    Action,
    ActionCluster,
    ActionRecommendation,
    Indicator,
    ProgressUpdate,
)
from tests.factories import ids_by_external_id, import_records, record

EDUCATION_EN = "Ensure that girls in rural areas have access to secondary education."
EDUCATION_FR = "Veiller à ce que les filles des zones rurales aient accès à l'enseignement secondaire."
TORTURE_EN = "Strengthen the prevention of torture in places of detention."
PUBLISHED_CLUSTER = "Education for all"
PUBLISHED_ACTION = "Build secondary schools in rural districts"
PUBLISHED_PROGRESS = "Twelve rural secondary schools opened their doors."
ENTITY = "Ministry of Education"
FILLER_COUNT = 25  # more than a page (20): the search has a next page

SECRETS = {
    "internal_notes": "SECRET-INTERNAL-NOTE",
    "priority_rationale": "SECRET-RATIONALE",
    "draft_progress": "SECRET-DRAFT-PROGRESS",
    "submitted_progress": "SECRET-SUBMITTED-PROGRESS",
    "returned_progress": "SECRET-RETURNED-PROGRESS",
    "review_comment": "SECRET-REVIEW-COMMENT",
    "unpublished_approved_progress": "SECRET-APPROVED-UNPUBLISHED",
    "unpublished_action": "SECRET-UNPUBLISHED-ACTION",
    "unpublished_action_description": "SECRET-ACTION-DESCRIPTION",
    "unpublished_cluster": "SECRET-UNPUBLISHED-CLUSTER",
    "archived_cluster": "SECRET-ARCHIVED-CLUSTER",
    "budget_source": "SECRET-BUDGET-SOURCE",
    "contact_name": "SECRET-CONTACT-NAME",
    "contact_email": "secret-contact@ministry.example",
    "contact_phone": "+51-999-SECRET",
    "author_email": "secret-author@ministry.example",
    "withdrawn_text": "SECRET-WITHDRAWN-RECOMMENDATION",
}


@dataclass(frozen=True)
class Seeded:
    education_id: int
    torture_id: int
    withdrawn_id: int
    cluster_id: int
    unpublished_cluster_id: int
    archived_cluster_id: int
    action_id: int
    unpublished_action_id: int


def seed(engine: Engine) -> Seeded:
    import_records(
        engine,
        [
            record(
                "edu",
                mechanism="CRC",
                symbol="CRC/C/PER/CO/6",
                texts={"en": f"<p>12. {EDUCATION_EN}</p>", "fr": f"<p>12. {EDUCATION_FR}</p>"},
                publication_date=date(2025, 3, 1),
                countries=["Peru"],
                themes=["Right to education"],
                affected_persons=["Girls"],
                sdgs=["4.1"],
            ),
            record(
                "tor",
                mechanism="UPR",
                symbol="A/HRC/37/8",
                texts={"en": f"<p>111.5 {TORTURE_EN}</p>"},
                publication_date=date(2018, 1, 1),
                upr_cycle=3,
                upr_session=28,
                position="supported",
                countries=["Peru"],
                recommending_states=["Norway"],
                themes=["Torture and other cruel, inhuman or degrading treatment"],
                sdgs=["16.a"],
            ),
            record("gone", texts={"en": f"<p>1. {SECRETS['withdrawn_text']}</p>"}),
            *(
                record(
                    f"filler-{n:02d}",
                    mechanism="CEDAW",
                    texts={"en": f"<p>{n}. Improve maternal health services, item {n}.</p>"},
                    publication_date=date(2020, 1, 1),
                    themes=["Right to health"],
                    sdgs=["3.1"],
                )
                for n in range(FILLER_COUNT)
            ),
        ],
    )
    ids = ids_by_external_id(engine)
    with Session(engine) as session, session.begin():
        session.execute(update(Recommendation).where(Recommendation.id == ids["gone"]).values(withdrawn=True))
        ministry = Entity(
            name=ENTITY,
            acronym="MINEDU",
            kind="ministry",
            contact_name=SECRETS["contact_name"],
            contact_email=SECRETS["contact_email"],
            contact_phone=SECRETS["contact_phone"],
        )
        session.add(ministry)
        session.flush()
        author = User(
            email=SECRETS["author_email"], role="focal_point", entity_id=ministry.id, password_hash="x"
        )
        session.add(author)
        session.flush()
        for rec_id, status in ((ids["edu"], "in_progress"), (ids["gone"], "implemented")):
            session.add(
                RecommendationLocal(
                    recommendation_id=rec_id,
                    status=status,
                    priority="high",
                    priority_rationale=SECRETS["priority_rationale"],
                    internal_notes=SECRETS["internal_notes"],
                )
            )
            session.add(
                RecommendationEntity(recommendation_id=rec_id, entity_id=ministry.id, responsibility="lead")
            )
        clusters = [
            Cluster(
                name=PUBLISHED_CLUSTER,
                description="Access to school.",
                lead_entity_id=ministry.id,
                published=True,
            ),
            Cluster(name=SECRETS["unpublished_cluster"], published=False),
            Cluster(name=SECRETS["archived_cluster"], published=True, archived=True),
        ]
        session.add_all(clusters)
        session.flush()
        for cluster in clusters:
            session.add(ClusterRecommendation(cluster_id=cluster.id, recommendation_id=ids["edu"]))
        action = Action(
            title=PUBLISHED_ACTION,
            description="Schools in the highlands.",
            lead_entity_id=ministry.id,
            start_date=date(2025, 1, 1),
            due_date=date(2026, 12, 31),
            status="in_progress",
            budget_amount=Decimal("987654.32"),
            budget_currency="PEN",
            budget_source=SECRETS["budget_source"],
            published=True,
        )
        hidden = Action(
            title=SECRETS["unpublished_action"],
            description=SECRETS["unpublished_action_description"],
            lead_entity_id=ministry.id,
            status="planned",
            published=False,
        )
        session.add_all([action, hidden])
        session.flush()
        for linked in (action, hidden):
            session.add(ActionRecommendation(action_id=linked.id, recommendation_id=ids["edu"]))
            session.add(ActionCluster(action_id=linked.id, cluster_id=clusters[0].id))
        session.add(Indicator(action_id=action.id, name="Schools opened", unit="schools"))
        now = datetime(2025, 6, 1, tzinfo=UTC)
        updates = [
            ("approved", True, PUBLISHED_PROGRESS, None),
            ("draft", False, SECRETS["draft_progress"], None),
            ("submitted", False, SECRETS["submitted_progress"], None),
            ("returned", False, SECRETS["returned_progress"], SECRETS["review_comment"]),
            ("approved", False, SECRETS["unpublished_approved_progress"], None),
        ]
        for state, published, narrative, comment in updates:
            session.add(
                ProgressUpdate(
                    action_id=action.id,
                    reported_on=date(2025, 5, 30),
                    narrative=narrative,
                    new_status="in_progress",
                    evidence_url="https://example.org/evidence" if published else None,
                    author_id=author.id,
                    state=state,
                    review_comment=comment,
                    published=published,
                    published_at=now if published else None,
                )
            )
        session.flush()
        return Seeded(
            education_id=ids["edu"],
            torture_id=ids["tor"],
            withdrawn_id=ids["gone"],
            cluster_id=clusters[0].id,
            unpublished_cluster_id=clusters[1].id,
            archived_cluster_id=clusters[2].id,
            action_id=action.id,
            unpublished_action_id=hidden.id,
        )
