"""What the Reports page's tests (tests/staff/test_reports.py, test_report_template_page.py) start
from: two imported recommendations (one CRC, in progress and high priority; one CAT), which the
``reports_coordinator`` fixture (tests/staff/conftest.py) commits before signing a coordinator in."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.builder import building, imported
from tests.factories import record


def two_recommendations(engine: Engine) -> dict[str, int]:
    ids = imported(
        engine,
        [
            record(
                "crc-1", "<p>1. Protect children from violence.</p>", mechanism="CRC", symbol="CRC/C/PER/1"
            ),
            record("cat-1", "<p>2. Prevent torture in detention.</p>", mechanism="CAT", symbol="CAT/C/PER/1"),
        ],
    )
    with building(engine) as build:
        build.local(ids["crc-1"], status="in_progress", priority="high")
    return ids
