"""A small published world for the portal tests, with internal data planted next to it.

Every ``SECRET_*`` string sits in a field the public must never see (internal notes, rationale,
draft or unpublished progress, review comments, unpublished or archived clusters, unpublished
actions, budgets, contacts and e-mails, withdrawn recommendations): a page showing one leaks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Engine, select

from app.models import ActionEntity, ActionSdg, IndicatorValue, Term
from tests.builder import building, imported
from tests.factories import record

EDUCATION_EN = "Ensure that girls in rural areas have access to secondary education."
EDUCATION_FR = "Veiller à ce que les filles des zones rurales aient accès à l'enseignement secondaire."
TORTURE_EN = "Strengthen the prevention of torture in places of detention."
PUBLISHED_CLUSTER = "Education for all"
PUBLISHED_ACTION = "Build secondary schools in rural districts"
PUBLISHED_PROGRESS = "Twelve rural secondary schools opened their doors."
# The rest of the published update's narrative: a second paragraph, one of two lines.
PUBLISHED_PROGRESS_MORE = ("Three more open in March.", "The roads to them are being repaired.")
ENTITY = "Ministry of Education"
SUPPORTING_ENTITY = "Regional Government of Cusco"
INDICATOR = "Schools opened"
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
    progress_id: int
    entity_id: int  # the published action's lead entity


def seed(engine: Engine) -> Seeded:
    ids = imported(
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
    with building(engine) as build:
        build.withdraw(ids["gone"])
        ministry = build.entity(
            ENTITY,
            acronym="MINEDU",
            contact_name=SECRETS["contact_name"],
            contact_email=SECRETS["contact_email"],
            contact_phone=SECRETS["contact_phone"],
        )
        author = build.author(SECRETS["author_email"], entity_id=ministry.id)
        for rec_id, status in ((ids["edu"], "in_progress"), (ids["gone"], "implemented")):
            build.local(
                rec_id,
                status=status,
                priority="high",
                priority_rationale=SECRETS["priority_rationale"],
                internal_notes=SECRETS["internal_notes"],
            )
            build.responsible(rec_id, ministry.id, "lead")
        cluster = build.cluster(
            PUBLISHED_CLUSTER,
            [ids["edu"]],
            description="Access to school.",
            lead_entity_id=ministry.id,
            published=True,
        )
        unpublished_cluster = build.cluster(SECRETS["unpublished_cluster"], [ids["edu"]])
        archived_cluster = build.cluster(
            SECRETS["archived_cluster"], [ids["edu"]], published=True, archived=True
        )
        action = build.action(
            PUBLISHED_ACTION,
            recommendations=[ids["edu"]],
            clusters=[cluster.id],
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
        hidden = build.action(
            SECRETS["unpublished_action"],
            recommendations=[ids["edu"]],
            clusters=[cluster.id],
            description=SECRETS["unpublished_action_description"],
            lead_entity_id=ministry.id,
            status="planned",
        )
        region = build.entity(SUPPORTING_ENTITY, kind="other")
        build.session.add(ActionEntity(action_id=action.id, entity_id=region.id))
        sdg = build.session.scalars(select(Term.id).where(Term.kind == "sdg", Term.key == "4.1")).one()
        build.session.add(ActionSdg(action_id=action.id, term_id=sdg))
        indicator = build.indicator(
            action.id,
            INDICATOR,
            unit="schools",
            baseline_value=Decimal(0),
            baseline_date=date(2024, 12, 31),
            target_value=Decimal(40),
            target_date=date(2026, 12, 31),
        )
        build.session.add_all(
            IndicatorValue(indicator_id=indicator.id, measured_on=day, value=value, state="approved")
            for day, value in ((date(2025, 3, 31), Decimal(5)), (date(2025, 6, 30), Decimal("12.5")))
        )
        updates = {}
        for state, narrative, comment in (
            ("published", "\n\n".join((PUBLISHED_PROGRESS, "\n".join(PUBLISHED_PROGRESS_MORE))), None),
            ("draft", SECRETS["draft_progress"], None),
            ("submitted", SECRETS["submitted_progress"], None),
            ("returned", SECRETS["returned_progress"], SECRETS["review_comment"]),
            ("approved", SECRETS["unpublished_approved_progress"], None),
        ):
            updates[state] = build.progress(
                action.id,
                state,
                narrative,
                reported_on=date(2025, 5, 30),
                published_at=datetime(2025, 6, 1, tzinfo=UTC),
                new_status="in_progress",
                evidence_url="https://example.org/evidence" if state == "published" else None,
                author_id=author.id,
                review_comment=comment,
            )
    return Seeded(
        education_id=ids["edu"],
        torture_id=ids["tor"],
        withdrawn_id=ids["gone"],
        cluster_id=cluster.id,
        unpublished_cluster_id=unpublished_cluster.id,
        archived_cluster_id=archived_cluster.id,
        action_id=action.id,
        unpublished_action_id=hidden.id,
        progress_id=updates["published"].id,
        entity_id=ministry.id,
    )
