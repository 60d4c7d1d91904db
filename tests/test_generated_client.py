"""A Python client generated from the committed openapi/openapi.json works against a real server.

openapi-python-client (a dev dependency) generates the client offline from the file, as an
integrator would; the test imports it and lists recommendations over HTTP with a bearer token.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from app.core.config import Settings
from app.openapi import OPENAPI_PATH
from tests import accounts
from tests.conftest import ROOT
from tests.factories import import_records, record
from tests.live_server import live_server

PACKAGE = "nrtd_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# No formatter run afterwards (the generated code is imported, not read), and a short package name;
# the media types the generator does not know, as docs/civil-society.md tells integrators to map them.
CONFIG = f"package_name_override: {PACKAGE}\nproject_name_override: nrtd-client\npost_hooks: []\n" + (
    ROOT / "docs" / "openapi-python-client.yaml"
).read_text(encoding="utf-8")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The generated package, imported; generating takes about 2 s."""
    where = tmp_path_factory.mktemp("client")
    config = where / "config.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    # A proxy that does not exist: any attempt to reach the network would fail the generation.
    offline = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    command = [str(GENERATOR), "generate", "--path", str(OPENAPI_PATH), "--meta", "none", "--config"]
    command += [str(config), "--output-path", str(where / PACKAGE)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env=offline,
        cwd=where,
    )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    # The generator drops a schema it cannot resolve (and every operation using it) with only a warning.
    assert "Unable to process schema" not in report, report
    assert "Unable to parse this part of your OpenAPI document" not in report, report
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_the_generated_client_lists_recommendations(
    client_package: Any, settings: Settings, engine: Engine
) -> None:
    import_records(
        engine,
        [
            record("gc-1", "<p>1. Criminalize torture.</p>", sdgs=["16.3"]),
            record("gc-2", "<p>2. Ratify OP-CAT.</p>", mechanism="CAT"),
        ],
    )
    token = accounts.issue_token(engine, accounts.create_user(engine, "analyst@example.org", "coordinator"))
    models = importlib.import_module(f"{PACKAGE}.models")
    # One module per operation, named by its operationId, in a package per tag.
    list_recommendations = _operation("recommendations", "list_recommendations")
    get_recommendation = _operation("recommendations", "get_recommendation")
    public_list_recommendations = _operation("public", "public_list_recommendations")

    with live_server(settings) as base:
        with client_package.AuthenticatedClient(
            base_url=base, token=token, raise_on_unexpected_status=True
        ) as api:
            everything = list_recommendations.sync(client=api, limit=10)
            assert isinstance(everything, models.RecommendationPage), everything
            assert sorted(item.external_id for item in everything.items) == ["gc-1", "gc-2"]
            page = list_recommendations.sync(client=api, mechanism=["CRC"], limit=10)
            assert [item.external_id for item in page.items] == ["gc-1"]
            assert [(sdg.code, type(sdg).__name__) for sdg in page.items[0].sdgs] == [("16.3", "SdgRef")]

            detail = get_recommendation.sync_detailed(client=api, recommendation_id=page.items[0].id)
            assert isinstance(detail.parsed, models.RecommendationDetail)
            assert detail.headers["ETag"]  # the version a write sends back as If-Match

        stranger = client_package.AuthenticatedClient(base_url=base, token="not-a-token")
        refused = list_recommendations.sync_detailed(client=stranger)
        assert refused.status_code == 401
        assert isinstance(refused.parsed, models.Problem)

        with client_package.Client(base_url=base, raise_on_unexpected_status=True) as anonymous:
            published = public_list_recommendations.sync(client=anonymous, limit=10)
            assert isinstance(published, models.PublicRecommendationPage), published
            assert sorted(item.id for item in published.items) == sorted(item.id for item in everything.items)
            # The downloads: a CSV as text, a workbook as a file, the feed as text (no UnexpectedStatus).
            csv = _operation("public", "public_export_csv").sync(client=anonymous)
            assert isinstance(csv, str) and "Criminalize torture" in csv, csv
            workbook = _operation("public", "public_export_xlsx").sync(client=anonymous)
            assert workbook.payload.read(2) == b"PK", workbook
            atom = _operation("public", "public_progress_feed").sync(client=anonymous)
            assert isinstance(atom, str) and "<feed" in atom, atom


def test_the_generated_client_reviews_without_a_body_and_reads_the_calendar(
    client_package: Any, settings: Settings, engine: Engine
) -> None:
    """The review routes whose body is optional (docs/plans.md: `POST .../approve` with no body) are
    called without one: the client sends none, rather than failing before the request is sent. The
    calendar feed is read as text, as the Atom feed is (not None)."""
    token = accounts.issue_token(engine, accounts.create_user(engine, "reviewer@example.org", "coordinator"))
    models = importlib.import_module(f"{PACKAGE}.models")
    plans = "plans"
    with (
        live_server(settings) as base,
        client_package.AuthenticatedClient(
            base_url=base, token=token, raise_on_unexpected_status=True
        ) as api,
    ):
        action = _operation(plans, "create_action").sync(
            client=api, body=models.ActionCreate.from_dict({"title": "Train prison staff"})
        )
        indicator = _operation(plans, "create_indicator").sync(
            action.id, client=api, body=models.IndicatorCreate.from_dict({"name": "Staff trained"})
        )
        value = _operation(plans, "record_value").sync(
            indicator.id,
            client=api,
            body=models.ValueCreate.from_dict({"measured_on": "2026-06-30", "value": 120, "submit": True}),
        )
        approved = _operation(plans, "approve_value").sync(value.id, client=api)
        assert approved.state == "approved", approved
        update = _operation(plans, "create_progress").sync(
            action.id,
            client=api,
            body=models.ProgressCreate.from_dict(
                {"reported_on": "2026-06-30", "narrative": "120 trained.", "submit": True}
            ),
        )
        approved_update = _operation(plans, "approve_progress").sync(update.id, client=api)
        assert (approved_update.state, approved_update.published) == ("approved", False)
        published = _operation(plans, "publish_progress").sync(update.id, client=api)
        assert published.published is True and published.public is False, published
        # The calendar feed (docs/calendar.md): its token from the client, the feed as text.
        token = _operation("calendar", "rotate_calendar_token").sync(client=api).token
        feed = _operation("calendar", "calendar_feed").sync(client=api, token=token)
        assert isinstance(feed, str) and feed.startswith("BEGIN:VCALENDAR"), feed


def _operation(tag: str, operation_id: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{operation_id}")
