"""The search page reads the values of its address by the public list's own rules: an enumerated
choice in any letter case is that choice, ticked; a value that names nothing is a 422 page naming it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Connection

from tests import accounts
from tests.portal.seed import Seeded
from tests.portal.test_pages import check_html


def test_a_choice_in_another_letter_case_is_that_choice(portal: TestClient, seeded: Seeded) -> None:
    # It was a 422 page ("IN_PROGRESS" is not one of the choices), where the API's mechanism=crc passed.
    response = portal.get("/", params={"status": "IN_PROGRESS"})
    assert response.status_code == 200, response.text
    text = response.text
    assert "1 recommendation found" in text
    assert 'name="status" value="in_progress" checked>' in text
    assert 'value="IN_PROGRESS"' not in text and "> IN_PROGRESS<" not in text  # not a choice of its own
    check_html(text)
    refused = portal.get("/", params={"position": "accepted"})
    assert refused.status_code == 422
    assert '<a href="#position">Position: &#34;accepted&#34; is not one of the choices</a>' in refused.text


def test_a_reversed_range_of_dates_says_which_date_comes_first(portal: TestClient, seeded: Seeded) -> None:
    # It said '"2020-01-01" is not a valid value', a date like any other; the API says why.
    reversed_range = {"published_from": "2024-01-01", "published_to": "2020-01-01", "lang": "fr"}
    refused = portal.get("/", params=reversed_range)
    assert refused.status_code == 422
    assert "doit être égale ou postérieure à la première date</a>" in refused.text


PUBLIC = "/api/v1/public/recommendations"
STAFF = "/api/v1/recommendations"
ANOTHER_SEARCH = (
    "this cursor belongs to another search (other words or filters): "
    "start again from the first page, without cursor"
)


def _cursor(portal: TestClient, url: str, headers: dict[str, str], **params: str | list[str]) -> str:
    response = portal.get(url, params={"limit": "2", **params}, headers=headers)
    assert response.status_code == 200, response.text
    cursor: str = response.json()["next_cursor"]
    assert cursor
    return cursor


def test_a_cursor_belongs_to_its_search(portal: TestClient, seeded: Seeded, db: Connection) -> None:
    # A ranked page's cursor sent with other words or filters paged on from a score the new search
    # never gave (it skipped or repeated rows, silently); so did a date order's with other filters.
    staff = accounts.headers_for(db, "coordinator")
    for url, headers in ((PUBLIC, {}), (STAFF, staff)):
        ranked = _cursor(portal, url, headers, q="maternal health")
        newest = _cursor(portal, url, headers, theme="Right to health", status=["in_progress", "not_started"])
        for cursor, sent_with in (
            (ranked, {"q": "health"}),
            (ranked, {"q": "maternal health", "mechanism": "CEDAW"}),
            (ranked, {"q": "maternal health -item"}),
            (newest, {"theme": "Right to health", "status": "not_started"}),
            (newest, {"theme": "Right to health", "status": ["in_progress", "not_started"], "sdg": "3"}),
        ):
            response = portal.get(url, params={"limit": "2", "cursor": cursor, **sent_with}, headers=headers)
            assert response.status_code == 422, (url, sent_with, response.text)
            assert response.json()["errors"] == [{"field": "cursor", "reason": ANOTHER_SEARCH}]
        # The same search written otherwise (case, spaces, the order of a filter's values) pages on.
        for cursor, same in (
            (ranked, {"q": " Maternal   HEALTH "}),
            (newest, {"theme": "right to health", "status": ["NOT_STARTED", "in_progress", "not_started"]}),
        ):
            response = portal.get(url, params={"limit": "2", "cursor": cursor, **same}, headers=headers)
            assert response.status_code == 200, (url, same, response.text)
    # The portal names it: the page of results is not one of this search's.
    page = portal.get("/", params={"q": "health", "cursor": ranked})
    assert page.status_code == 422
    assert "This page of results no longer exists. Start the search again." in page.text


def test_a_public_filter_the_form_has_no_field_for_is_checked_and_applied(
    portal: TestClient, seeded: Seeded
) -> None:
    # /?country=Atlantis listed every recommendation (200) where the public API refuses it (422 naming
    # the parameter): the page ignored every public filter it has no field for.
    for params, field, label in (
        ({"country": "Atlantis"}, "country", "Country"),
        ({"recommending_state": "Atlantis", "q": "torture"}, "recommending_state", "Recommending State"),
        ({"source": "elsewhere"}, "source", "Source"),
        ({"session": "many"}, "session", "UPR session"),
        ({"published_from": "2024-02-30"}, "published_from", "Published on or after"),
    ):
        api = portal.get(PUBLIC, params=params)
        assert api.status_code == 422 and [e["field"] for e in api.json()["errors"]] == [field]
        page = portal.get("/", params=params)
        assert page.status_code == 422, (params, page.text[:300])
        summary = page.text.split('<div class="error-summary"')[1].split("</div>")[0]
        assert f'<a href="#{field}">{label}: ' in summary, summary
        # Kept as typed, in a field of its own that the summary's link leads to.
        assert f'id="{field}" name="{field}" value="{params[field]}"' in page.text
        check_html(page.text)
    # A value that names something filters the page as it filters the API's list, and the pages'
    # links keep it.
    found = portal.get("/", params={"recommending_state": "Norway"})
    assert found.status_code == 200 and "1 recommendation found" in found.text
    assert 'id="recommending_state" name="recommending_state" value="Norway"' in found.text
    assert "/api/v1/public/exports/recommendations.csv?recommending_state=Norway" in found.text
    beside_words = portal.get("/", params={"recommending_state": "Norway", "q": "girls"})
    assert "0 recommendations found" in beside_words.text
    # One that takes one value, given twice, is refused as the API refuses it.
    twice = portal.get("/", params={"session": ["28", "29"]})
    assert twice.status_code == 422
    assert '<a href="#session">UPR session: This field takes one value' in twice.text


def test_an_order_or_an_action_status_in_capitals_is_chosen_in_the_form(
    portal: TestClient, seeded: Seeded
) -> None:
    # The results were in that order (or of that status), but the form showed the first choice:
    # sending it again changed the order, or dropped the status.
    oldest = portal.get("/", params={"sort": "OLDEST"})
    assert oldest.status_code == 200 and '<option value="oldest" selected>' in oldest.text
    actions = portal.get("/actions", params={"status": "IN_PROGRESS"})
    assert actions.status_code == 200 and '<option value="in_progress" selected>' in actions.text


def test_a_filter_the_service_refuses_for_another_reason_says_that_reason(
    portal: TestClient, seeded: Seeded
) -> None:
    # responsibility without an entity: the page said '"lead" is not a valid value', which it is.
    page = portal.get("/", params={"responsibility": "lead"})
    assert page.status_code == 422
    assert '<a href="#responsibility">Responsibility: needs `entity`</a>' in page.text
    assert '<a href="#country">Country: &#34;Atlantis&#34; is not a valid value</a>' in (
        portal.get("/", params={"country": "Atlantis"}).text
    )
