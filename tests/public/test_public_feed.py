"""The Atom feed of published progress: valid Atom 1.0, the right entries, filters, escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from app.models import ActionRecommendation, ProgressUpdate, SourceLink
from app.public.feed import FeedEntry, FeedLinks, render_atom
from tests.accounts import create_entity
from tests.conftest import session_on
from tests.public.world import PUBLIC_NARRATIVE, World

URL = "/api/v1/public/feed.atom"
A = "{http://www.w3.org/2005/Atom}"


def _feed(client: TestClient, **params: str) -> ET.Element:
    response = client.get(URL, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    # RFC 4287: a feed has an id, a title, an updated time and an author (here at feed level).
    for tag in ("id", "title", "updated"):
        assert (root.findtext(f"{A}{tag}") or "").strip(), tag
    assert root.findtext(f"{A}author/{A}name")
    assert root.find(f"{A}link[@rel='self']") is not None
    datetime.fromisoformat(root.findtext(f"{A}updated", "").replace("Z", "+00:00"))
    for entry in root.iter(f"{A}entry"):
        for tag in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{A}{tag}") or "").strip(), tag
        assert entry.find(f"{A}link[@rel='alternate']") is not None
    return root


def _entry_ids(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{A}id", "") for entry in root.iter(f"{A}entry")]


def test_only_published_progress_of_published_actions(public: TestClient, world: World) -> None:
    root = _feed(public)
    entries = list(root.iter(f"{A}entry"))
    page_url = f"http://testserver/actions/{world.action}#progress-{world.progress['published']}"
    action_url = f"http://testserver/api/v1/public/actions/{world.action}"
    assert _entry_ids(root) == [page_url]
    entry = entries[0]
    # Escaped on the way out, parsed back intact; the vertical tab XML cannot carry is dropped.
    assert entry.findtext(f"{A}summary") == PUBLIC_NARRATIVE.replace("\x0b", "")
    assert entry.findtext(f"{A}title") == "Build and staff rural schools: Progress update of June 30, 2025"
    alternates = {link.get("type"): link.get("href") for link in entry.findall(f"{A}link[@rel='alternate']")}
    assert alternates == {"text/html": page_url, "application/json": action_url}
    assert root.findtext(f"{A}updated") == entry.findtext(f"{A}updated")
    assert public.get(action_url.removeprefix("http://testserver")).status_code == 200


@pytest.mark.parametrize(
    ("params", "found"),
    [
        ({"theme": "Right to education"}, True),
        ({"theme": "child LABOUR"}, True),  # P2, in the published cluster the action serves
        ({"sdg": "4"}, True),
        ({"sdg": "4.1"}, True),
        ({"sdg": "8.7"}, True),
        ({"sdg": "6"}, False),
        ({"entity": "{justice}"}, True),
        ({"entity": "{labour}"}, True),
        ({"entity": "{other}"}, False),
        ({"theme": "Right to education", "entity": "{other}"}, False),
    ],
)
def test_filters(
    public: TestClient, world: World, db: Connection, params: dict[str, str], found: bool
) -> None:
    other = create_entity(db, "Ministry of Water")
    # Public by name (a published action without progress): one nothing public names is an unknown id.
    wells = {"title": "Wells", "lead_entity_id": other, "published": True}
    assert public.post("/api/v1/actions", json=wells, headers=world.coordinator).status_code == 201
    names = {"justice": world.justice, "labour": world.labour, "other": other}
    root = _feed(public, **{key: value.format(**names) for key, value in params.items()})
    assert len(_entry_ids(root)) == int(found)


@pytest.mark.parametrize("params", [{"theme": "Child labour"}, {"sdg": "8.7"}, {"sdg": "8"}])
def test_a_filter_finds_the_actions_a_recommendation_s_page_shows(
    public: TestClient, world: World, params: dict[str, str]
) -> None:
    """P2 (Child labour, SDG 8.7) is in the published cluster the public action serves: its portal page,
    ``/actions?recommendation=``, the statistics and the report show that action, so a subscription
    to the feed on its theme or goal must not leave out that action's progress."""
    listed = public.get("/api/v1/public/actions", params={"recommendation": world.rec["P2"]}).json()
    assert [item["id"] for item in listed["items"]] == [world.action]
    page_url = f"http://testserver/actions/{world.action}#progress-{world.progress['published']}"
    assert _entry_ids(_feed(public, **params)) == [page_url]


def test_an_entry_links_the_recommendations_its_action_serves_through_a_cluster(
    public: TestClient, world: World
) -> None:
    """The action implements P1 (linked) and P2 (in the published cluster it is linked to), as its
    public JSON says (``recommendations_through_clusters``): an entry of the feed on P2's theme linked
    P1 alone, never the recommendation the subscription is about. Neither the withdrawn W nor what
    the unpublished cluster holds is linked."""
    action = public.get(f"/api/v1/public/actions/{world.action}").json()
    assert [group["recommendation_ids"] for group in action["recommendations_through_clusters"]] == [
        sorted([world.rec["P1"], world.rec["P2"]])
    ]
    entry = next(_feed(public, theme="Child labour").iter(f"{A}entry"))
    related = [link.get("href") for link in entry.findall(f"{A}link[@rel='related'][@type='text/html']")]
    expected = sorted([world.rec["P1"], world.rec["P2"]])
    assert related == [f"http://testserver/recommendations/{rec_id}" for rec_id in expected]


def test_an_action_s_own_sdg_is_enough(public: TestClient, world: World) -> None:
    body = {"title": "Water for schools", "sdg_targets": ["6.1"], "published": True}
    action = public.post("/api/v1/actions", json=body, headers=world.coordinator).json()
    report = {"reported_on": "2025-07-01", "narrative": "Wells dug.", "submit": True}
    update = public.post(f"/api/v1/actions/{action['id']}/progress", json=report, headers=world.coordinator)
    approved = public.post(
        f"/api/v1/progress/{update.json()['id']}/approve", json={"publish": True}, headers=world.coordinator
    )
    assert approved.status_code == 200, approved.text
    assert len(_entry_ids(_feed(public, sdg="6"))) == 1
    assert len(_entry_ids(_feed(public))) == 2


def test_an_unknown_sdg_is_refused(public: TestClient, world: World) -> None:
    response = public.get(URL, params={"sdg": "99"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["sdg"]
    assert public.get(URL, params={"entity": "0"}).status_code == 422


@pytest.mark.parametrize(("field", "value"), [("theme", "Nope"), ("entity", "999")])
def test_a_theme_or_entity_that_names_nothing_is_refused(
    public: TestClient, world: World, field: str, value: str
) -> None:
    # As the list answers: a 422 naming the parameter and the value, never an empty feed.
    response = public.get(URL, params={field: value})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == field and error["reason"].startswith(f"{value!r} is not a known")


def test_newest_first_and_at_most_fifty(public: TestClient, world: World, db: Connection) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with session_on(db) as session, session.begin():
        for n in range(55):
            session.add(
                ProgressUpdate(
                    action_id=world.action,
                    reported_on=date(2025, 1, 1),
                    narrative=f"Update {n}",
                    state="approved",
                    published=True,
                    published_at=start + timedelta(days=n),
                )
            )
    entries = list(_feed(public).iter(f"{A}entry"))
    assert len(entries) == 50
    # The world's update was published just now: newest. Then the 49 newest of the 55.
    assert [e.findtext(f"{A}summary") for e in entries[1:4]] == ["Update 54", "Update 53", "Update 52"]
    assert entries[-1].findtext(f"{A}summary") == "Update 6"
    assert entries[1].findtext(f"{A}updated") == "2025-02-24T00:00:00Z"


def _updated(root: ET.Element) -> datetime:
    return datetime.fromisoformat(root.findtext(f"{A}updated", "").replace("Z", "+00:00"))


def test_an_empty_feed_is_still_valid(public: TestClient, engine: Engine) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    root = _feed(public)
    # It said 1970-01-01: on an instance that has imported and published nothing, it is now.
    assert _entry_ids(root) == [] and before <= _updated(root) <= datetime.now(UTC)
    assert root.findtext(f"{A}id") == "http://testserver/api/v1/public/feed.atom"
    assert _feed(public, sdg="6").findtext(f"{A}id") == "http://testserver/api/v1/public/feed.atom?sdg=6"


def test_an_empty_feed_is_updated_when_the_public_data_last_changed(
    public: TestClient, world: World, db: Connection
) -> None:
    """A feed whose filter finds no entry: updated when the data last changed or was imported (the
    open-data page's dates), not 1970, and the same on every request while the data stays put."""
    metadata = public.get("/api/v1/public/exports/metadata.json").json()
    newest = max(datetime.fromisoformat(metadata[name]) for name in ("last_published_change", "last_import"))
    first = public.get(URL, params={"sdg": "6"})
    root = _feed(public, sdg="6")
    assert _entry_ids(root) == []
    assert _updated(root) == newest.replace(microsecond=0)
    again = public.get(URL, params={"sdg": "6"}, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_a_linked_copy_is_not_linked_nor_matched(public: TestClient, world: World, db: Connection) -> None:
    """A recommendation linked as a copy of another is not listed by the public (docs/sources.md): the
    feed names an action's recommendations as its public JSON does, and filters on them alike."""
    with session_on(db) as session:
        # P2 (Child labour) becomes a manual copy of P1, and the public action implements it too.
        session.add(
            SourceLink(leader_id=world.rec["P1"], member_id=world.rec["P2"], state="linked", method="manual")
        )
        session.add(ActionRecommendation(action_id=world.action, recommendation_id=world.rec["P2"]))
        session.commit()
    action = public.get(f"/api/v1/public/actions/{world.action}").json()
    assert action["recommendation_ids"] == [world.rec["P1"]]
    entry = next(_feed(public).iter(f"{A}entry"))
    related = [link.get("href") for link in entry.findall(f"{A}link[@rel='related']")]
    assert related == [f"http://testserver/recommendations/{world.rec['P1']}"]
    assert _entry_ids(_feed(public, theme="Child labour")) == []
    assert _entry_ids(_feed(public, sdg="8.7")) == []


@pytest.mark.parametrize(
    ("params", "headers", "lang", "site", "author", "entry_title", "status"),
    [
        (
            {},
            {},
            "en",
            "Recommendation tracker: ",
            "National mechanism for implementation, reporting and follow-up (Peru)",
            "Build and staff rural schools: Progress update of June 30, 2025",
            "In progress",
        ),
        (
            {"lang": "fr"},
            {"Accept-Language": "es"},
            "fr",
            "Suivi des recommandations : ",
            "Mécanisme national de mise en œuvre, d’établissement de rapports et de suivi (Pérou)",  # noqa: RUF001
            "Build and staff rural schools : Rapport d\u2019avancement du 30 juin 2025",
            "En cours",
        ),
        (
            {},
            {"Accept-Language": "de, es-PE;q=0.9, en;q=0.5"},
            "es",
            "Seguimiento de recomendaciones: ",
            "Mecanismo nacional de aplicación, presentación de informes y seguimiento (Perú)",
            "Build and staff rural schools: Informe de avance del 30 de junio de 2025",
            "En curso",
        ),
        # A text language that is no interface language: the feed's words stay English.
        (
            {"lang": "ar"},
            {"Accept-Language": "fr"},
            "en",
            "Recommendation tracker: ",
            "National mechanism for implementation, reporting and follow-up (Peru)",
            "Build and staff rural schools: Progress update of June 30, 2025",
            "In progress",
        ),
    ],
)
def test_the_feed_speaks_the_reader_s_language(
    public: TestClient,
    world: World,
    params: dict[str, str],
    headers: dict[str, str],
    lang: str,
    site: str,
    author: str,
    entry_title: str,
    status: str,
) -> None:
    """As the portal's pages: ``?lang=`` first, then Accept-Language, then English. The staff's own
    words (the action's title, the narrative) stay as they were written."""
    response = public.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == lang
    assert "Accept-Language" in response.headers["vary"]
    root = ET.fromstring(response.content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert root.findtext(f"{A}title", "").startswith(site)
    assert root.findtext(f"{A}author/{A}name") == author
    [entry] = root.iter(f"{A}entry")
    assert entry.findtext(f"{A}title") == entry_title
    assert entry.findtext(f"{A}summary") == PUBLIC_NARRATIVE.replace("\x0b", "")
    [category] = entry.findall(f"{A}category")
    assert (category.get("term"), category.get("label")) == ("in_progress", status)
    # The feed's own address names the language asked for, so a reader subscribing keeps it.
    assert root.findtext(f"{A}id", "").endswith(f"?lang={params['lang']}" if params else "feed.atom")


def test_an_entry_s_evidence_link_is_named_in_the_feed_s_language() -> None:
    entry = FeedEntry(
        id=5,
        action_id=1,
        action_title="Rural schools",
        reported_on=date(2025, 6, 30),
        narrative="Forty schools opened.",
        new_status="delayed",
        evidence_url="https://example.org/report.pdf",
        published_at=datetime(2025, 7, 2, tzinfo=UTC),
    )
    links = FeedLinks(page=lambda n: f"/a/{n}", data=lambda n: f"/j/{n}", recommendation=lambda n: f"/r/{n}")
    body = render_atom([entry], feed_url="/feed", title="T", author="A", links=links, lang="es")
    [item] = ET.fromstring(body).iter(f"{A}entry")
    evidence = item.find(f"{A}link[@href='https://example.org/report.pdf']")
    assert evidence is not None and evidence.get("title") == "Evidencia"
    assert item.find(f"{A}category[@term='delayed']") is not None
    assert item.find(f"{A}category[@label='Atrasada']") is not None
