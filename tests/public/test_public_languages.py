"""The public API's ``lang`` follows the pages' rule: a regional or script variant of a language we
have is that language (app.core.languages); any other value is refused as before."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from tests.public.world import World

PREFIX = "/api/v1/public"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.mark.parametrize(
    ("asked", "lang"), [("fr-CA", "fr"), ("es-419", "es"), ("zh-Hans", "zh"), ("AR_eg", "ar")]
)
def test_a_variant_reads_as_its_language(public: TestClient, world: World, asked: str, lang: str) -> None:
    for path in ("/recommendations", f"/recommendations/{world.rec['P1']}"):
        varied = public.get(f"{PREFIX}{path}", params={"lang": asked})
        assert varied.status_code == 200, (path, varied.text)
        assert varied.json() == public.get(f"{PREFIX}{path}", params={"lang": lang}).json(), path


@pytest.mark.parametrize("asked", ["de", "de-DE", "pt-BR", "fr-CA!", "xx"])
def test_a_language_we_do_not_have_is_still_refused(public: TestClient, world: World, asked: str) -> None:
    refused = public.get(f"{PREFIX}/recommendations", params={"lang": asked})
    assert refused.status_code == 422
    assert [error["field"] for error in refused.json()["errors"]] == ["lang"]


def test_the_feed_in_a_variant_is_in_its_language(public: TestClient, world: World) -> None:
    feed = public.get(f"{PREFIX}/feed.atom", params={"lang": "es-419"})
    assert feed.status_code == 200
    assert ET.fromstring(feed.content).get(XML_LANG) == "es" and feed.headers["content-language"] == "es"
    assert "?lang=es#progress-" in feed.text  # the links to the pages in the feed's language
    # A text language that is no interface language gives English, as before; an unknown one a 422.
    assert public.get(f"{PREFIX}/feed.atom", params={"lang": "ar-EG"}).headers["content-language"] == "en"
    assert public.get(f"{PREFIX}/feed.atom", params={"lang": "de-DE"}).status_code == 422
