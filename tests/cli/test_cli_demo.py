"""``make run`` and ``nrtd demo load``: a demo database of its own, the sample only into an empty one
and only on a demo instance (NRTD_DEMO), the demo banner. And ``--country``, checked before anything
else: ``--country Bolivia`` on a demo of Peru (NRTD_COUNTRY=Peru) loaded Bolivia's sample records
into it, and ``--country Narnia`` on a database holding records said that it already held them, not
that no State is called so."""

from __future__ import annotations

import html
import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.cli.demo import SAMPLE_EXPORT
from app.core.config import Settings
from app.feed.countries import resolve_country_alias
from app.models import AuditEvent, Entity, ImportRun, Recommendation, RecommendationTerm, Term
from app.models.source_link import SourceLink
from tests.apps import app_for
from tests.cli.test_cli import nrtd
from tests.cli.test_cli_safety import recommendation_count
from tests.conftest import ROOT
from tests.portal.test_pages import check_html
from tests.uhri_records import snapshot, uhri_record, write_export


def test_another_state_than_the_instances_is_not_loaded(engine: Engine, database_url: str) -> None:
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", "--country", "Bolivia", NRTD_DEMO="true")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--country Bolivia: this instance tracks Peru (NRTD_COUNTRY)" in result.stderr
    assert snapshot(engine) == before


def test_an_unknown_state_is_named_so_on_a_database_with_records(own_database: str, tmp_path: Path) -> None:
    export = write_export(tmp_path / "real.json", [uhri_record(1)])
    assert nrtd(own_database, "import", "uhri", str(export)).returncode == 0
    result = nrtd(own_database, "demo", "load", "--country", "Narnia", NRTD_DEMO="true", NRTD_COUNTRY="")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("--country: ")
    assert "already holds" not in result.stderr


def _sample_records_of(state: str) -> int:
    records = json.loads(Path(str(SAMPLE_EXPORT).format(lang="en")).read_text(encoding="utf-8"))
    return sum(1 for item in records if state in {resolve_country_alias(c) for c in item["Countries"]})


def test_without_country_the_instances_state_is_loaded(engine: Engine, database_url: str) -> None:
    """It loaded Peru's records into a demo of Chile (NRTD_COUNTRY=Chile): the portal of Chile showed
    Peru's recommendations."""
    result = nrtd(database_url, "demo", "load", NRTD_DEMO="true", NRTD_COUNTRY="Chile")
    assert result.returncode == 0, result.stdout + result.stderr
    with Session(engine) as session:
        stored = session.scalars(select(Recommendation.id)).all()
        chile = session.scalars(
            select(RecommendationTerm.recommendation_id)
            .join(Term, Term.id == RecommendationTerm.term_id)
            .where(RecommendationTerm.role == "country", Term.label == "Chile")
        ).all()
        sources = set(session.scalars(select(Recommendation.source)))
        entities = session.scalars(select(Entity.id)).all()
    assert len(stored) == _sample_records_of("Chile") > 0
    assert set(stored) == set(chile) and sources == {"uhri"}  # UPR Info's sample rows are Peru's
    assert entities == []  # the demo's work is about Peru's recommendations


def test_a_state_the_sample_holds_nothing_for_is_refused_naming_those_it_has(
    engine: Engine, database_url: str
) -> None:
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", NRTD_DEMO="true", NRTD_COUNTRY="Japan")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        "NRTD_COUNTRY: the sample holds no recommendation to Japan, only to Peru, "
    )
    assert snapshot(engine) == before


# -- make run: a demo database of its own, the sample only into an empty one -------------------


@pytest.mark.slow
def test_make_run_uses_the_demo_database_and_never_imports_on_its_own() -> None:
    recipe = subprocess.run(
        ["make", "-n", "--no-print-directory", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    commands = [line for line in recipe.splitlines() if "bin/nrtd " in line]
    assert [line.split("bin/nrtd ", 1)[1].split()[0] for line in commands] == ["migrate", "demo", "serve"]
    for line in commands:
        assert "NRTD_DATABASE_URL=sqlite:///./demo.db" in line and "NRTD_DEMO=true" in line, line
    assert "nrtd demo load" in recipe and "import uhri" not in recipe
    assert commands[-1].endswith("serve --host 127.0.0.1 --port 8000"), commands[-1]


@pytest.mark.slow
def test_make_run_serves_on_the_port_asked_for() -> None:
    # Before: the demo's port was written into the Makefile, so on a machine where another program
    # has 8000 `make run` stopped ("another program already listens on 127.0.0.1:8000") with no way
    # to give it another one but editing the Makefile.
    recipe = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=8950"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    serve = [line for line in recipe.splitlines() if "bin/nrtd serve" in line]
    assert len(serve) == 1 and serve[0].endswith("serve --host 127.0.0.1 --port 8950"), recipe


@pytest.mark.slow
def test_demo_load_leaves_a_database_with_records_alone(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    real = write_export(tmp_path / "real.json", [uhri_record(n) for n in range(1, 4)])
    assert nrtd(database_url, "import", "uhri", str(real)).returncode == 0
    before = snapshot(engine)
    result = nrtd(database_url, "demo", "load", NRTD_DEMO="true")
    assert result.returncode == 0, result.stderr
    assert "already holds 3 recommendations: the sample is not loaded" in result.stderr
    assert snapshot(engine) == before


@pytest.mark.slow
def test_demo_load_needs_the_demo_flag_and_fills_an_empty_demo(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    refused = nrtd(database_url, "demo", "load")
    assert refused.returncode == 2 and "NRTD_DEMO=true" in refused.stderr
    assert recommendation_count(engine) == 0
    loaded = nrtd(database_url, "demo", "load", NRTD_DEMO="true", NRTD_COUNTRY="")
    assert loaded.returncode == 0, loaded.stderr
    with engine.connect() as conn:
        run, upr_info = conn.execute(select(ImportRun).order_by(ImportRun.id)).all()
        linked = conn.execute(select(func.count()).select_from(SourceLink)).scalar_one()
    assert run.country == "Peru" and run.languages == "en,fr"  # no NRTD_COUNTRY: the sample's own State
    assert run.created > 20
    # Every record is new: created, none updated (its French text came with it), none "unchanged -46".
    assert (run.created, run.updated, run.unchanged) == (
        recommendation_count(engine) - upr_info.created,
        0,
        0,
    )
    # And the same recommendations from UPR Info, most linked to their UHRI record: the demo shows
    # one recommendation across sources (its page's Sources section).
    assert (upr_info.source, upr_info.country, upr_info.created, upr_info.rejected) == (
        "upr-info",
        "Peru",
        11,
        0,
    )
    assert linked == 9
    # A published reporting deadline, ahead: the demo's public calendar and its feed showed no event.
    with TestClient(app_for(settings)) as client:
        published = client.get("/api/v1/public/deadlines").json()["items"]
        feed = client.get("/api/v1/public/calendar.ics").text
        page = client.get("/calendar").text
    reports = [item for item in published if item["kind"] in ("custom", "upr_midterm")]
    assert reports and all(item["date"] > date.today().isoformat() for item in reports), published
    assert feed.count("BEGIN:VEVENT") == len(published) >= 2
    assert all(html.escape(item["title"]) in page for item in published)


@pytest.mark.slow
def test_the_demo_shows_implementation_work_made_through_the_services(
    engine: Engine, database_url: str, settings: Settings
) -> None:
    """The demo's public site said "No action has been published" and "No cluster has been published
    yet" on every page about the work: the sample held recommendations only."""
    loaded = nrtd(database_url, "demo", "load", NRTD_DEMO="true")
    assert loaded.returncode == 0, loaded.stderr
    assert "a cluster, an action with its indicator and progress report, 3 recommendations followed" in (
        loaded.stderr
    )
    with TestClient(app_for(settings)) as client:
        [cluster] = client.get("/api/v1/public/clusters").json()["items"]
        [listed] = client.get("/api/v1/public/actions").json()["items"]
        action = client.get(f"/api/v1/public/actions/{listed['id']}").json()
        followed = client.get("/api/v1/public/recommendations", params={"status": "in_progress"}).json()
        page = client.get(f"/actions/{listed['id']}")
    assert (cluster["name"], cluster["recommendation_count"]) == ("Intercultural bilingual education", 2)
    assert action["lead_entity"]["name"] == "Ministry of Education"
    assert [value["value"] for value in action["indicators"][0]["values"]] == [210, 340]
    assert "Quechua" in action["progress"][0]["narrative"]
    assert {item["symbol"] for item in followed["items"]} == {"A/HRC/37/8", "CRC/C/PER/CO/6-7"}
    assert page.status_code == 200 and "Bilingual teachers placed in rural schools" in page.text
    with engine.connect() as conn:  # the audit trail names the demo as the author of every step
        events = conn.execute(select(AuditEvent.action, AuditEvent.actor)).all()
    assert {actor for action, actor in events if action != "recommendation.sources_matched"} == {"cli:demo"}


def test_demo_banner_only_on_a_demo_instance(settings: Settings, engine: Engine) -> None:
    notice = "synthetic sample, not real United Nations recommendations"
    with TestClient(app_for(settings.model_copy(update={"demo": True}))) as client:
        page = client.get("/").text
        assert notice in page
        check_html(page)
        french = client.get("/", params={"lang": "fr"}).text
        assert "échantillon synthétique" in french
        assert notice in client.get("/recommendations/2147483647").text  # the error pages too
        for path in ("/", "/staff/login"):
            # In the banner: outside every landmark, a screen reader moving by landmarks skipped it.
            banner = client.get(path).text.split("<header", 1)[1].split("</header>", 1)[0]
            assert 'class="demo-notice"' in banner, path
    with TestClient(app_for(settings)) as client:
        assert notice not in client.get("/").text


# -- the schema a server finds, a misspelt setting (the State it imports for: test_cli_country.py) --
