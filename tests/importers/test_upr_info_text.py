"""UPR Info texts are plain text holding HTML entities, not HTML: the entities are decoded once, and
a "<law>" or "a < b" in them is the recommendation's own words, shown, searched and compared as
such (UHRI's texts, HTML, still lose their tags)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.feed.fields import html_to_text
from app.models import RecommendationSearch, RecommendationText
from app.recommendations.review import review_queue
from app.recommendations.search_index import retidy_plain_texts, stored_documents
from importers.csv_runs import import_csv_template, import_upr_info
from tests.importers.upr_info_files import upr_row, write_csv

URL = "/api/v1/recommendations"
LAW = "Adopt the <law> on torture and ensure that a < b in every budget &lt;2025&gt; &#40;art. 2&#41;"
SHOWN = "Adopt the <law> on torture and ensure that a < b in every budget <2025> (art. 2)"


def _texts(engine: Engine) -> dict[int, tuple[str, str]]:
    with engine.connect() as conn:
        return {
            rec_id: (original, text)
            for rec_id, original, text in conn.execute(
                select(
                    RecommendationText.recommendation_id, RecommendationText.original, RecommendationText.text
                )
            )
        }


def _found(client: TestClient, query: str) -> list[int]:
    response = client.get(URL, params={"q": query})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_a_word_between_angle_brackets_is_kept_shown_and_searched(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "upr-info.csv", [upr_row(text=LAW)])
    run = import_upr_info(engine, settings, path)
    assert run.ok and run.counts.created == 1, run.line()
    [(rec_id, (original, text))] = _texts(engine).items()
    assert original == SHOWN  # the entities decoded once
    assert text == SHOWN  # nothing of it read as a tag
    assert client.get(f"{URL}/{rec_id}").json()["texts"]["en"]["text"] == SHOWN
    assert _found(client, '"the law on torture"') == [rec_id]
    assert _found(client, '"a b in every budget 2025"') == [rec_id]


def test_a_text_of_only_a_word_between_angle_brackets_is_not_empty(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "upr-info.csv", [upr_row(text="<Ratify the OPCAT>")])
    run = import_upr_info(engine, settings, path)
    assert run.ok and (run.counts.created, run.counts.rejected) == (1, 0), run.line()


def test_a_word_added_between_angle_brackets_upstream_is_an_update_to_review(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    # Its id is derived from the text's letters without what HTML would call a tag (ids of rows
    # imported earlier stay as they were): the same row, whose text a re-export corrected.
    before = write_csv(tmp_path / "before.csv", [upr_row(text="Adopt the on torture")])
    assert import_upr_info(engine, settings, before).counts.created == 1
    after = write_csv(tmp_path / "after.csv", [upr_row(text="Adopt the <law> on torture")])
    run = import_upr_info(engine, settings, after)
    assert (run.counts.updated, run.counts.unchanged) == (1, 0), run.line()
    assert [text for _, text in _texts(engine).values()] == ["Adopt the <law> on torture"]
    with Session(engine) as session:
        [item] = review_queue(session).items
    [change] = item.changes
    assert (change.field, change.old, change.new) == (
        "texts.en",
        "Adopt the on torture",
        "Adopt the <law> on torture",
    )


def test_a_template_text_corrected_with_angle_brackets_is_an_update(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "template.csv"
    path.write_text("mechanism,text,external_id\nACHPR,Adopt a law on AD matters,X-1\n", encoding="utf-8")
    assert import_csv_template(engine, settings, path).counts.created == 1
    path.write_text(
        "mechanism,text,external_id\nACHPR,Adopt a law on A<B and C>D matters,X-1\n", encoding="utf-8"
    )
    run = import_csv_template(engine, settings, path)
    assert (run.counts.updated, run.counts.unchanged) == (1, 0), run.line()
    assert [text for _, text in _texts(engine).values()] == ["Adopt a law on A<B and C>D matters"]


def test_migrate_reads_again_the_upr_info_texts_an_older_rule_read_as_html(
    client: TestClient, engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "upr-info.csv", [upr_row(text=LAW), upr_row(text="Ratify the OPCAT")])
    assert import_upr_info(engine, settings, path).counts.created == 2
    with engine.connect() as conn:
        rec_id = conn.execute(
            select(RecommendationText.recommendation_id).where(RecommendationText.original == SHOWN)
        ).scalar_one()
        document = conn.execute(
            select(RecommendationSearch.document).where(RecommendationSearch.recommendation_id == rec_id)
        ).scalar_one()
    with Session(engine) as session, session.begin():  # as the older rule stored them
        session.execute(
            update(RecommendationText)
            .where(RecommendationText.recommendation_id == rec_id)
            .values(text=html_to_text(SHOWN))
        )
        session.execute(update(RecommendationSearch), stored_documents(session, [rec_id]))
    assert _found(client, '"the law on torture"') == []

    assert retidy_plain_texts(engine) == 1
    assert _texts(engine)[rec_id] == (SHOWN, SHOWN)
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(RecommendationSearch.document).where(RecommendationSearch.recommendation_id == rec_id)
            ).scalar_one()
            == document
        )
    assert _found(client, '"the law on torture"') == [rec_id]
    assert retidy_plain_texts(engine) == 0  # nothing left to do: every migrate may run it
