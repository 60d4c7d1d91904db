"""The search form's cluster choice: every published cluster, however many a State has, on the page a
server sends (no script: the form works without JavaScript)."""

from __future__ import annotations

import html
import re
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine, insert

from app.core.config import Settings
from app.models import Cluster, ClusterRecommendation, Mechanism, Recommendation
from tests.live_server import live_server

pytestmark = pytest.mark.slow  # a server

# More than one page of the public cluster list (200), which the form once stopped at.
COUNT = 230


def _cluster_select(page: str) -> str:
    found = re.search(r'<select id="cluster" name="cluster"[^>]*>(.*?)</select>', page, re.S)
    assert found, "the search form has a cluster field"
    return found.group(1)


def _choices(select: str) -> list[tuple[str, str]]:
    return [
        (value, html.unescape(name))
        for value, name in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)
    ]


def test_every_published_cluster_can_be_chosen(settings: Settings, engine: Engine) -> None:
    # Names from "A cluster 000" to "V cluster 229", out of order, with an accented one and the
    # clusters the public never sees.
    names = [f"{chr(ord('A') + n % 22)} cluster {n:03d}" for n in reversed(range(COUNT))]
    day = date(2024, 1, 1)
    with engine.begin() as conn:
        mechanism = conn.execute(
            insert(Mechanism)
            .values(code="CRC", name="Committee on the Rights of the Child", family="treaty-body")
            .returning(Mechanism.id)
        ).scalar_one()
        recs = (
            conn.execute(
                insert(Recommendation).returning(Recommendation.id),
                [
                    {
                        "source": "uhri",
                        "external_id": f"R{n}",
                        "type": "recommendation",
                        "mechanism_id": mechanism,
                        "position": "none",
                        "sort_date": day,
                        "publication_date": day,
                        "content_hash": "x",
                        "needs_review": False,
                        "withdrawn": False,
                    }
                    for n in range(2)
                ],
            )
            .scalars()
            .all()
        )
        rows = [{"name": name, "published": True, "archived": False} for name in names]
        rows += [
            {"name": "Éducation rurale", "published": True, "archived": False},
            {"name": "2030 Agenda", "published": True, "archived": False},
            {"name": "qz-unpublished", "published": False, "archived": False},
            {"name": "qz-archived", "published": True, "archived": True},
        ]
        ids = {
            name: cluster_id
            for name, cluster_id in conn.execute(insert(Cluster).returning(Cluster.name, Cluster.id), rows)
        }
        last = ids["V cluster 219"]  # the last by name: past the first 200
        conn.execute(insert(ClusterRecommendation).values(cluster_id=last, recommendation_id=recs[1]))

    with live_server(settings) as base, httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/")
        assert page.status_code == 200
        select = _cluster_select(page.text)
        choices = _choices(select)
        shown = [name for _, name in choices]
        assert len(choices) == COUNT + 2 and "qz-unpublished" not in shown and "qz-archived" not in shown
        assert shown[:3] == ["2030 Agenda", "A cluster 000", "A cluster 022"]
        assert shown[-1] == "V cluster 219"
        # Grouped by initial, accents aside; a name that starts with no letter under "#".
        groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
        assert [label for label, _ in groups] == ["#", *(chr(ord("A") + n) for n in range(22))]
        assert ("Éducation rurale" in dict(groups)["E"]) and len(_choices(dict(groups)["V"])) == 10
        assert select.index('<option value="">') < select.index("<optgroup")  # "Any cluster" first

        chosen = client.get("/", params={"cluster": str(last)})
        assert chosen.status_code == 200
        assert f'<option value="{last}" selected>V cluster 219</option>' in _cluster_select(chosen.text)
        assert '<h2 id="results">1 recommendation found</h2>' in chosen.text
