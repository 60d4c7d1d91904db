"""A period that ends before it starts, typed in a staff list's filters, is refused naming its end
(the progress queue's rule): the recommendations list answered "No recommendation matches these
filters.", as if none had been published in that period."""

from __future__ import annotations

from tests.staff.conftest import StaffLogin


def test_the_recommendations_list_names_a_period_that_ends_before_it_starts(staff_login: StaffLogin) -> None:
    staff = staff_login("coordinator")
    period = {"published_from": "2024-01-01", "published_to": "2023-01-01", "lang": "es"}
    page = staff.get("/staff/recommendations", params=period)
    assert page.status_code == 422
    assert 'href="#field-published_to"' in page.text
    assert "debe ser igual o posterior a la primera fecha" in page.text
    assert 'value="2024-01-01"' in page.text and 'value="2023-01-01"' in page.text
    same_day = {"published_from": "2024-01-01", "published_to": "2024-01-01"}
    assert staff.get("/staff/recommendations", params=same_day).status_code == 200
