"""Withdrawals only on the strength of a full export of the same scope, and never a large share of
that scope unless the operator says so (NRTD_IMPORT_MAX_WITHDRAW_SHARE, --allow-withdraw)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from app.core.config import Settings
from app.models import ImportRun, Recommendation
from app.scheduler import run_scheduled_import
from importers.run import import_uhri
from tests.cli.test_cli import nrtd
from tests.fake_uhri import FakeUhri
from tests.uhri_records import snapshot, uhri_record, write_export

UNCHANGED = ("import_leases", "import_runs")


def _withdrawn(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(
            conn.execute(
                select(Recommendation.external_id).where(Recommendation.withdrawn.is_(True))
            ).scalars()
        )


def _id(n: int) -> str:
    return str(uhri_record(n)["AnnotationId"])


def test_a_file_with_one_record_does_not_withdraw_sixty(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """The attack: a full import of a file with 1 valid record withdrew 60 of 61 recommendations."""
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(61)])))
    before = snapshot(engine, skip=UNCHANGED)
    one = str(write_export(tmp_path / "b.json", [uhri_record(0)]))
    run = import_uhri(engine, settings, one)
    assert run.outcome == "failed"
    assert run.message is not None
    assert "would withdraw 60 of the 61 recommendations stored for Peru (98%" in run.message
    assert "NRTD_IMPORT_MAX_WITHDRAW_SHARE=10%" in run.message and "--allow-withdraw" in run.message
    # The same rule for an import the staff workspace or its schedule starts, in their words.
    asked = import_uhri(engine, settings, one, withdraw_advice="ask-administrator")
    assert asked.message == run.message.replace(
        "run the import again with --allow-withdraw",
        "ask the server's administrator: only they can run the import allowing the withdrawals",
    )
    assert snapshot(engine, skip=UNCHANGED) == before
    allowed = import_uhri(engine, settings, one, allow_withdraw=True)
    assert (allowed.outcome, allowed.counts.withdrawn) == ("succeeded", 60)


def test_new_records_in_the_file_do_not_dilute_the_share(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    """Another export of the State (or a real one with news): 100 new records beside 41 of the 47
    stored must not let 6 of 47 (13 %) through as 6 of 147, nor all 47 as 47 of 3,047."""
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(47)])))
    before = snapshot(engine, skip=UNCHANGED)
    news = [uhri_record(n) for n in range(6, 147)]
    run = import_uhri(engine, settings, str(write_export(tmp_path / "b.json", news)))
    assert run.outcome == "failed"
    assert run.message and "would withdraw 6 of the 47 recommendations stored for Peru (13%" in run.message
    assert snapshot(engine, skip=UNCHANGED) == before
    other = [uhri_record(n) for n in range(1000, 1300)]
    replaced = import_uhri(engine, settings, str(write_export(tmp_path / "c.json", other)))
    assert replaced.outcome == "failed" and "would withdraw 47 of the 47" in (replaced.message or "")
    assert snapshot(engine, skip=UNCHANGED) == before


@pytest.mark.parametrize(
    ("stored", "missing", "share", "refused"),
    [
        (10, 1, 0.1, False),  # exactly the share is allowed
        (5, 1, 0.1, True),  # 20 %: a tiny scope is no exception
        (5, 1, 0.25, False),  # unless the operator sets a larger share
        (20, 3, 0.1, True),
        (3, 1, 1.0, False),  # 1.0: the guard off (the "no usable records" refusal still holds)
    ],
)
def test_the_share_decides(
    engine: Engine,
    settings: Settings,
    tmp_path: Path,
    stored: int,
    missing: int,
    share: float,
    refused: bool,
) -> None:
    settings = settings.model_copy(update={"import_max_withdraw_share": share})
    import_uhri(
        engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(stored)]))
    )
    later = [uhri_record(n) for n in range(missing, stored)]
    run = import_uhri(engine, settings, str(write_export(tmp_path / "b.json", later)))
    assert run.outcome == ("failed" if refused else "succeeded"), run.message
    assert _withdrawn(engine) == ([] if refused else sorted(_id(n) for n in range(missing)))


def test_only_the_runs_own_country_is_withdrawn_from(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    peru = [uhri_record(n) for n in range(1, 11)]
    chile = [uhri_record(n, Countries=["Chile"]) for n in range(11, 21)]
    everything = write_export(tmp_path / "all.json", peru + chile)
    assert import_uhri(engine, settings, str(everything), all_countries=True).counts.created == 20
    # A full export for Peru says nothing about Chile's records, even when it lacks all of them.
    peru_only = import_uhri(engine, settings, str(write_export(tmp_path / "peru.json", peru)))
    assert (peru_only.outcome, peru_only.counts.withdrawn) == ("succeeded", 0)
    # Chile's full export without record 20 withdraws that one record (1 of 10), nothing of Peru.
    chile_run = import_uhri(
        engine, settings, str(write_export(tmp_path / "chile.json", peru + chile[:-1])), country="CHL"
    )
    assert (chile_run.outcome, chile_run.counts.withdrawn) == ("succeeded", 1)
    assert _withdrawn(engine) == [_id(20)]


@pytest.mark.parametrize("broken_id", [None, "x", 5], ids=["missing", "not-a-uuid", "a-number"])
def test_a_rejected_record_whose_id_cannot_be_read_is_not_withdrawn(
    engine: Engine, settings: Settings, tmp_path: Path, broken_id: object
) -> None:
    """A malformed record is never withdrawn for being malformed; but one whose AnnotationId itself is
    missing or unreadable cannot be told from the others, and the stored recommendation it is was
    withdrawn (taken off the portal, marked for review) as though the export no longer held it.
    Nothing is withdrawn while a rejected record has no id; the run's message says why."""
    records = [uhri_record(n) for n in range(30)]
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", records)))
    broken = dict(records[7])
    if broken_id is None:
        del broken["AnnotationId"]
    else:
        broken["AnnotationId"] = broken_id
    export = [*records[:7], broken, *records[8:29]]  # record 29 did leave the feed
    run = import_uhri(engine, settings, str(write_export(tmp_path / "b.json", export)))
    assert (run.outcome, run.counts.rejected, run.counts.withdrawn) == ("succeeded", 1, 0)
    assert _withdrawn(engine) == []
    assert run.message is not None
    assert (
        "withdrew none of the 2 stored recommendations missing from the export: 1 rejected record(s) "
        "have no id that can be read, and may be among them; the next export whose records all have "
        "their ids withdraws them"
    ) in run.message
    # Once the export's records all have their ids again, what left the feed is withdrawn.
    again = import_uhri(engine, settings, str(write_export(tmp_path / "c.json", records[:29])))
    assert (again.outcome, again.counts.withdrawn) == ("succeeded", 1)
    assert _withdrawn(engine) == [_id(29)]


def test_a_search_page_xlsx_or_a_partial_file_never_withdraws(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(5)])))
    partial = import_uhri(
        engine, settings, str(write_export(tmp_path / "b.json", [uhri_record(0)])), partial=True
    )
    assert (partial.outcome, partial.counts.withdrawn) == ("succeeded", 0)
    xlsx = Path(__file__).resolve().parents[2] / "app" / "data" / "sample" / "uhri-search-export.xlsx"
    from_xlsx = import_uhri(engine, settings, str(xlsx), allow_withdraw=True)
    assert (from_xlsx.outcome, from_xlsx.counts.withdrawn) == ("succeeded", 0)
    assert _withdrawn(engine) == []


@pytest.mark.slow
def test_the_scheduled_import_never_allows_a_mass_withdrawal(
    engine: Engine, settings: Settings, tmp_path: Path, fake_uhri_server: FakeUhri
) -> None:
    import_uhri(engine, settings, str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(10)])))
    before = snapshot(engine, skip=UNCHANGED)
    fake_uhri_server.put("export-full-en.json", json.dumps([uhri_record(0)]).encode())
    scheduled = settings.model_copy(
        update={"uhri_url": fake_uhri_server.url("export-full-{lang}.json"), "http_retries": 0}
    )
    run_scheduled_import(scheduled)
    assert snapshot(engine, skip=UNCHANGED) == before
    with engine.connect() as conn:
        last = conn.execute(select(ImportRun).order_by(ImportRun.id.desc())).first()
    assert last is not None and last.outcome == "failed"
    assert last.message and "would withdraw 9 of the 10" in last.message
    # Read on the staff workspace (where its button starts this import too), not a command's option.
    assert "--allow-withdraw" not in last.message
    assert last.message.endswith(
        "If they really left the feed, ask the server's administrator: only they can run the import "
        "allowing the withdrawals"
    )


@pytest.mark.slow
def test_the_command_refuses_then_allows_with_the_flag(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    assert (
        nrtd(
            database_url,
            "import",
            "uhri",
            str(write_export(tmp_path / "a.json", [uhri_record(n) for n in range(4)])),
        ).returncode
        == 0
    )
    one = str(write_export(tmp_path / "b.json", [uhri_record(0)]))
    refused = nrtd(database_url, "import", "uhri", one)
    assert refused.returncode == 1
    assert "would withdraw 3 of the 4 recommendations stored for Peru" in refused.stderr
    allowed = nrtd(database_url, "import", "uhri", one, "--allow-withdraw")
    assert allowed.returncode == 0, allowed.stderr
    assert "withdrawn 3" in allowed.stdout
