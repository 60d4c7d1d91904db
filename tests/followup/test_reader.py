"""The follow-up reader on the committees' phrasings, and on paragraphs it must leave alone."""

from __future__ import annotations

from datetime import date

import pytest

from app.followup.reader import (
    FollowUpRequest,
    ParagraphRef,
    _sentences,
    add_months,
    read_follow_up,
    read_next_report,
    read_refs,
)
from tests.followup.phrasings import FOLLOW_UP, NEXT_REPORT, NOT_FOLLOW_UP, NOT_NEXT_REPORT


@pytest.mark.parametrize(("committee", "text", "when", "named"), FOLLOW_UP, ids=[f[0] for f in FOLLOW_UP])
def test_follow_up_requests_are_read(committee: str, text: str, when: int | date, named: list[str]) -> None:
    request = read_follow_up(text)
    assert request is not None, committee
    assert [ref.label() for ref in request.refs] == named
    if isinstance(when, date):
        assert (request.by, request.months) == (when, None)
    else:
        assert (request.months, request.by) == (when, None)


@pytest.mark.parametrize("text", NOT_FOLLOW_UP)
def test_other_paragraphs_are_no_follow_up_request(text: str) -> None:
    assert read_follow_up(text) is None


@pytest.mark.parametrize(("committee", "text", "due", "what"), NEXT_REPORT, ids=[n[0] for n in NEXT_REPORT])
def test_next_report_dates_are_read(committee: str, text: str, due: date, what: str) -> None:
    report = read_next_report(text)
    assert report is not None, committee
    assert (report.due, report.what) == (due, what)


@pytest.mark.parametrize("text", NOT_NEXT_REPORT)
def test_other_paragraphs_give_no_report_date(text: str) -> None:
    assert read_next_report(text) is None


def test_follow_up_request_gives_no_report_date_and_the_reverse() -> None:
    assert all(read_next_report(text) is None for _, text, _, _ in FOLLOW_UP)


def test_due_date_is_the_document_date_plus_the_period() -> None:
    request = FollowUpRequest((ParagraphRef("10"),), months=24)
    assert request.due(date(2025, 2, 12)) == date(2027, 2, 12)
    assert request.due(None) is None
    assert FollowUpRequest((ParagraphRef("9"),), by=date(2027, 1, 1)).due(None) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 8, 31), 18, date(2025, 2, 28)),
        (date(2025, 12, 15), 12, date(2026, 12, 15)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_the_month_end(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_refs_are_named_once_and_their_letters_merged() -> None:
    refs = read_refs("paragraphs 10 (a), 12 and 10 (c) above")
    assert refs == (ParagraphRef("10", ("a", "c")), ParagraphRef("12"))


def test_a_decimal_number_is_not_a_paragraph_named() -> None:
    assert read_refs("paragraphs 118.12 and 4,5") == ()


def test_a_range_names_each_paragraph_in_it() -> None:
    assert [ref.label() for ref in read_refs("paragraphs 10 to 12 and 15 (a) above")] == [
        "10",
        "11",
        "12",
        "15 (a)",
    ]
    assert [ref.label() for ref in read_refs("paras. 20\u201321")] == ["20", "21"]
    # Not a range: backwards, or too long to be one (a year, a count).
    assert [ref.label() for ref in read_refs("paragraphs 12 to 3")] == ["12"]
    assert [ref.label() for ref in read_refs("paragraph 5 to 500 people")] == ["5"]


def test_sentences_end_at_full_stops_but_not_after_abbreviations() -> None:
    assert _sentences("See para. 9, paras. 9 and 10, p. 4 and pp. 7-9. Then 1.5 more. Last") == [
        "See para. 9, paras. 9 and 10, p. 4 and pp. 7-9.",
        "Then 1.5 more.",
        "Last",
    ]
    # "Para." and "P." end no sentence either (any case); "ap." and "app." do.
    assert _sentences("Para. 3. P. 4 and ap. 5 and app. 6") == ["Para. 3.", "P. 4 and ap.", "5 and app.", "6"]


def test_a_request_split_over_lines_is_read() -> None:
    """The words a request needs are looked for in the whole text first; whitespace of any kind
    between them counts as one space, as in the sentences read after."""
    text = (
        "The Committee requests the State party to provide,\nwithin\u00a024 months,\tinformation "
        "on paragraphs 5 and 9."
    )
    assert read_follow_up(text) == FollowUpRequest((ParagraphRef("5"), ParagraphRef("9")), months=24)
    report = read_next_report("It should submit its next\nperiodic report by 1 March 2027.")
    assert report is not None and report.due == date(2027, 3, 1)
