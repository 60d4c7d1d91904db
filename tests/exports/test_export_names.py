"""A CSV or JSON export says which filters it was made with where a person sees it, without a line
or a key a program reading the file would trip on: the name it is saved under (the XLSX has its
``about`` sheet too)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

from fastapi.testclient import TestClient
from httpx import Response

from app.core.time_zone import in_zone, local_today
from tests.exports.files import PUBLIC, STAFF, csv_header, json_rows
from tests.public.conftest import MakeClient
from tests.public.world import World


def _name(answer: Response) -> str:
    """The name a browser saves the answer under (RFC 6266's filename*, UTF-8)."""
    return unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1])


def _ascii_name(answer: Response) -> str:
    return answer.headers["content-disposition"].split('filename="')[1].split('"')[0]


def test_a_csv_or_json_export_is_named_after_its_filters(public: TestClient, world: World) -> None:
    """Every export of one day was nrtd-recommendations-public-en-<day>.csv (or .json), whatever its
    filters: the CRC's file and the UPR's replaced each other, and nothing in either said what it held
    (the XLSX says it in its about sheet; the CSV and JSON have no room for it)."""
    day = local_today().isoformat()
    params = {"mechanism": "CRC", "country": "Peru", "theme": "Right to education", "status": "not_started"}
    for fmt in ("csv", "json"):
        answer = public.get(f"{PUBLIC}.{fmt}", params=params)
        assert answer.status_code == 200, answer.text
        name = (
            "nrtd-recommendations-public-mechanism-CRC-theme-Right-to-education-country-Peru-"
            f"status-not_started-en-{day}.{fmt}"
        )
        assert _name(answer) == name and _ascii_name(answer) == name
        assert _name(public.head(f"{PUBLIC}.{fmt}", params=params)) == name
    # The files themselves are as before: one header row, one array.
    assert csv_header(public.get(f"{PUBLIC}.csv", params=params).content)[0] == "id"
    assert isinstance(json_rows(public.get(f"{PUBLIC}.json", params=params).content), list)
    upr = public.get(f"{STAFF}.json", params={"mechanism": "UPR", "cycle": "3"}, headers=world.coordinator)
    assert _name(upr) == f"nrtd-recommendations-mechanism-UPR-cycle-3-en-{day}.json"
    template = public.get(
        f"{STAFF}.csv", params={"format": "template", "cycle": "3"}, headers=world.coordinator
    )
    assert _name(template) == f"nrtd-recommendations-template-cycle-3-{day}.csv"
    # No filter: the name as before (the full export is kept and served under it).
    assert _name(public.get(f"{PUBLIC}.csv")) == f"nrtd-recommendations-public-en-{day}.csv"


def test_a_filter_typed_in_any_script_or_at_length_stays_a_usable_name(
    public: TestClient, world: World
) -> None:
    day = local_today().isoformat()
    searched = public.get(f"{PUBLIC}.csv", params={"q": "éducation primaire/gratuite: 教育"})
    assert _name(searched) == f"nrtd-recommendations-public-q-éducation-primaire-gratuite-教育-en-{day}.csv"
    assert _ascii_name(searched) == f"nrtd-recommendations-public-q-education-primaire-gratuite-en-{day}.csv"
    long = public.get(f"{PUBLIC}.json", params={"q": " ".join(["education"] * 30)})
    assert long.status_code == 200, long.text
    assert len(_name(long)) < 140 and _name(long).endswith(f"-education-en-{day}.json")


def test_an_exports_file_is_named_for_the_instances_day(make_client: MakeClient, world: World) -> None:
    # A zone whose date is not UTC's now (Lima's is not from 19:00 to midnight there): the download
    # was named for UTC's day, tomorrow or yesterday for the ministry that saved it.
    zone = "Etc/GMT+12" if datetime.now(UTC).hour < 12 else "Etc/GMT-14"
    with in_zone(zone):
        today = local_today().isoformat()
    assert today != datetime.now(UTC).date().isoformat()
    client = make_client(time_zone=zone)
    for path, headers in ((f"{PUBLIC}.csv", {}), (f"{STAFF}.xlsx", world.coordinator)):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.text
        assert f"-{today}." in response.headers["content-disposition"], response.headers[
            "content-disposition"
        ]


def test_a_long_name_is_cut_between_two_filters_never_inside_one(public: TestClient, world: World) -> None:
    """Past 80 characters the name was cut at a word: ``status-not_started`` of a file holding the
    not started *and* the in-progress recommendations, which read as a filter on one status."""
    day = local_today().isoformat()
    params = {
        "mechanism": "CRC",
        "country": "Peru",
        "theme": "Right to education",
        "status": ["not_started", "in_progress"],
    }
    answer = public.get(f"{PUBLIC}.csv", params=params)
    assert answer.status_code == 200, answer.text
    assert _name(answer) == (
        f"nrtd-recommendations-public-mechanism-CRC-theme-Right-to-education-country-Peru-en-{day}.csv"
    )
