"""The reminder tests' world: two ministries, their focal points, actions and deadlines, and the
settings of a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.core.time_zone import local_today
from app.models import Deadline, OutboxMessage, User
from tests.builder import building

BASE_URL = "https://nrtd.example.gov"


@dataclass(frozen=True)
class World:
    coordinator: str
    fp_a: str
    fp_b: str
    action_a_overdue: int
    action_a_soon: int
    action_b: int
    returned: int


def build(engine: Engine) -> World:
    today = local_today()
    with building(engine) as b:
        a = b.entity("Ministry of Justice").id
        other = b.entity("Ministry of Health").id
        b.user("coord@example.gov", "coordinator")
        fp_a = b.user("fp.a@example.gov", "focal_point", entity_id=a)
        fp_b = b.user("fp.b@example.gov", "focal_point", entity_id=other)
        b.user("reader@example.gov", "reader")
        b.user("gone@example.gov", "coordinator")
        overdue = b.action("Train prison staff", lead_entity_id=a, due_date=today - timedelta(days=3)).id
        soon = b.action("Open a legal aid office", lead_entity_id=a, due_date=today + timedelta(days=5)).id
        b.action("Far away", lead_entity_id=a, due_date=today + timedelta(days=200))
        b.action("Done already", lead_entity_id=a, due_date=today - timedelta(days=9), status="completed")
        action_b = b.action("Vaccinate", lead_entity_id=other, due_date=today - timedelta(days=1)).id
        returned = b.progress(
            overdue, "returned", "Half done", author_id=fp_a, review_comment="Add the number of trainees"
        ).id
        b.progress(action_b, "submitted", "Campaign started", author_id=fp_b)
        trained = b.indicator(overdue, "Officers trained").id
        b.value(trained, "returned", 120, review_comment="Count the women apart")
        b.value(b.indicator(action_b, "Children vaccinated").id, "submitted", 5000)
        b.session.add_all(
            [
                Deadline(
                    kind="custom", title="Report to parliament", due_on=today + timedelta(days=4), entity_id=a
                ),
                Deadline(
                    kind="custom",
                    title="Health plan review",
                    due_on=today + timedelta(days=2),
                    entity_id=other,
                ),
                Deadline(kind="custom", title="Budget hearing", due_on=today + timedelta(days=90)),
            ]
        )
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == "fp.a@example.gov").values(language="fr", digest="daily"))
        db.execute(update(User).where(User.email == "fp.b@example.gov").values(language="es", digest="never"))
        db.execute(update(User).where(User.email == "gone@example.gov").values(active=False))
    return World(
        "coord@example.gov", "fp.a@example.gov", "fp.b@example.gov", overdue, soon, action_b, returned
    )


def settings_for(database_url: str, port: int) -> Settings:
    return Settings(
        database_url=database_url,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="NRTD <nrtd@example.gov>",
        base_url=BASE_URL,
    )


def command_env(database_url: str, port: int) -> dict[str, str]:
    """What ``settings_for`` sets, as the environment of an ``nrtd notify send`` command."""
    return {
        "NRTD_DATABASE_URL": database_url,
        "NRTD_SMTP_HOST": "127.0.0.1",
        "NRTD_SMTP_PORT": str(port),
        "NRTD_SMTP_STARTTLS": "false",
        "NRTD_SMTP_FROM": "nrtd@example.gov",
        "NRTD_BASE_URL": BASE_URL,
    }


def outbox(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as db:
        return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def set_user(engine: Engine, address: str, **values: object) -> None:
    """The account of ``address`` changed meanwhile (its digest choice, its address, its state), committed."""
    with Session(engine) as db, db.begin():
        db.execute(update(User).where(User.email == address).values(**values))
