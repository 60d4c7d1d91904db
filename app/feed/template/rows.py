"""The template's rows, whatever file they come from: the header found below any title, the columns
matched by their words, each row read into a record or rejected, translation rows joined to the row
above, the example row passed over. ``app.feed.template.reader`` feeds it a CSV's rows,
``importers.template_xlsx`` a workbook sheet's (its cells as the text a CSV would hold); the format is
docs/csv-template.md."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from app.feed import file_refusals, refusals
from app.feed import record_refusals as reasons
from app.feed.fields import cycle_for_session, plain_text
from app.feed.headers import header_key
from app.feed.records import MalformedInput, RecordError, Rejection, SourceRecord
from app.feed.row_problems import Problems
from app.feed.sniff import header_below_titles, other_import, rows_above_note, rows_with_last
from app.feed.template import cells as cell
from app.feed.template.columns import FEED_SOURCES, LIST_COLUMNS, TEMPLATE_COLUMNS, feed_source_of, is_example
from app.feed.template.writer import FORMULA
from app.feed.values import (
    MAX_ID_CHARS,
    MAX_TEXT_CHARS,
    check_text,
    derived_id,
    language_code,
    named_label,
    named_labels,
    parse_int,
    text_problem,
)

REQUIRED_COLUMNS: tuple[str, ...] = ("mechanism", "text")  # "text": or text_<language> columns
# A text in the language named by the column (text_fr), beside or instead of text + language; matched
# on the header's words (app/feed/headers.py: "Text FR", "text_pt-BR" -> "text fr", "text pt br").
_TEXT_COLUMN = re.compile(r"^text ([a-z]{2,3}(?: [a-z0-9]{2,4})?)$")
_COLUMN_KEYS = {header_key(name): name for name in TEMPLATE_COLUMNS}
_TEXT_PREFIX = "text_"
# Cells a translation row may leave empty or must repeat: everything but these.
_PER_LANGUAGE = {"external_id", "language", "text"}


@dataclass(slots=True)
class _Accepted:
    """The last record read, held back so the translation rows below it can join it."""

    record: SourceRecord
    number: int
    cells: dict[str, str]
    explicit_id: bool
    # Its translation rows that could not join it ("a second 'en' text", another mechanism).
    refused: list[Rejection] = field(default_factory=list)

    def items(self) -> Iterator[SourceRecord | Rejection]:
        """The record, or its rejection when a translation row of it was refused (which of the two
        rows is right is for the file to say: neither is imported), then those rows' rejections, in
        the file's order. The translations' rejections once came first: the pipeline took the record
        for a later duplicate of their id ("duplicate id, first seen at row 3", of row 2)."""
        if self.refused:
            first = self.refused[0].input_position.removeprefix("row ")
            reason = refusals.refusal(reasons.TRANSLATION_REJECTED, row=first)
            yield Rejection(f"row {self.number}", reason, self.record.external_id)
        else:
            yield self.record
        yield from self.refused


def template_records(
    first: list[str],
    rows: Iterator[list[str]],
    first_number: int,
    *,
    cut_short: bool = False,
    on_note: Callable[[str], None] | None = None,
    on_header: Callable[[dict[str, int], int], None] | None = None,
) -> Iterator[SourceRecord | Rejection]:
    """The records (or rejections) of the rows from ``first`` (the first row holding anything, row
    ``first_number``) on; ``rows`` yields every row below it, empty ones too, so that each keeps its
    spreadsheet number. ``cut_short``: the file ends without a line break (its last row may be cut);
    ``on_header`` is given the columns' positions and the header's row number once they are known."""
    header, header_number, above = header_below_titles(first, rows, first_number, names_the_columns)
    columns = _column_positions(header)
    if on_header is not None:
        on_header(columns, header_number)
    if above and on_note is not None:
        on_note(rows_above_note(header_number, above))
    unnamed = [index for index, name in enumerate(header) if not name.strip()]
    held: _Accepted | None = None
    rejected: tuple[str, int] | None = None  # explicit id and row of the last rejected row
    seen: dict[str, int] = {}
    examples: dict[str, list[int]] = {}  # the example rows passed over, by their id
    example_above = ""  # the id of the example row just passed over: its translations go with it
    data_rows = 0
    for number, (row, last) in enumerate(rows_with_last(rows), start=header_number + 1):
        if not any(cell.strip() for cell in row):
            continue
        example_id = _cell(row, columns["external_id"]) if "external_id" in columns else ""
        example_text = _cell(row, columns["text"]) if "text" in columns else ""
        if example_id and (example_id == example_above or is_example(example_id, example_text)):
            examples.setdefault(example_id, []).append(number)
            example_above = example_id
            continue
        example_above = ""
        data_rows += 1
        position = f"row {number}"
        if held is not None and not (held.explicit_id and example_id == held.record.external_id):
            # Not a translation of the row held: that row is complete, and said first, in file order.
            yield from held.items()
            held = None
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            count = refusals.refusal(reasons.CELL_COUNT, cells=len(row), header=len(header))
            yield Rejection(position, count)
            continue
        if last and cut_short and len(row) < len(header):
            count = refusals.refusal(reasons.CELL_COUNT_CUT_SHORT, cells=len(row), header=len(header))
            yield Rejection(position, count, _usable(example_id))
            continue
        stray = next((index for index in unnamed if index < len(row) and row[index].strip()), None)
        if stray is not None:
            value = repr(row[stray].strip()[:40])
            letter = _column_letter(stray)
            yield Rejection(position, refusals.refusal(reasons.UNNAMED_COLUMN, letter=letter, value=value))
            continue
        cells = {name: _cell(row, index) for name, index in columns.items()}
        explicit_id = cells.get("external_id", "")
        if held is not None and held.explicit_id and explicit_id == held.record.external_id:
            problem = _join_translation(held, cells)
            if problem:
                held.refused.append(Rejection(position, problem, explicit_id))
            continue
        if rejected is not None and explicit_id and explicit_id == rejected[0]:
            yield Rejection(
                position,
                refusals.refusal(reasons.TRANSLATION_OF_REJECTED, row=rejected[1]),
                _usable(explicit_id),
            )
            continue
        if held is not None:
            yield from held.items()
            held = None
        rejected = None
        result = _read_row(cells, position)
        if isinstance(result, Rejection):
            rejected = (explicit_id, number) if explicit_id else None
            yield result
            continue
        first_seen = seen.setdefault(result.external_id, number)
        if first_seen != number:
            duplicate = refusals.refusal(reasons.DUPLICATE_OF_ROW, row=first_seen)
            yield Rejection(position, duplicate, result.external_id)
            continue
        held = _Accepted(result, number, cells, bool(explicit_id))
    if held is not None:
        yield from held.items()
    if examples:
        _passed_over(examples, data_rows, on_note)


def names_the_columns(row: Sequence[str]) -> bool:
    names = {header_key(value) for value in row}
    return "mechanism" in names and ("text" in names or any(_TEXT_COLUMN.match(name) for name in names))


def _passed_over(
    examples: dict[str, list[int]], data_rows: int, on_note: Callable[[str], None] | None
) -> None:
    """Say which example rows were passed over; refuse a file that held nothing else."""
    if not data_rows:
        first = min(row for rows in examples.values() for row in rows)
        raise MalformedInput(refusals.refusal(file_refusals.ONLY_THE_EXAMPLE, row=first))
    if on_note is not None:
        for example_id, rows in examples.items():
            listed = ", ".join(map(str, rows))
            on_note(refusals.refusal(file_refusals.EXAMPLE_PASSED_OVER, id=repr(example_id), rows=listed))


def _column_letter(index: int) -> str:
    """A spreadsheet's name of the column at 0-based ``index``: A, B ... Z, AA ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_positions(header: Sequence[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    unknown: list[str] = []
    seen: set[str] = set()
    for index, value in enumerate(header):
        name = header_key(value)
        if not name:
            continue
        text_column = _TEXT_COLUMN.match(name)
        if text_column:
            # The language in its one spelling (TEXT_PT-br: pt-BR), like the language column's value.
            name_kept = _TEXT_PREFIX + language_code(text_column.group(1).replace(" ", "-"))
        elif name not in _COLUMN_KEYS:
            unknown.append(value.strip())
            continue
        else:
            name_kept = _COLUMN_KEYS[name]
        if name_kept in seen:
            raise MalformedInput(refusals.refusal(refusals.COLUMN_TWICE, name=repr(name_kept)))
        seen.add(name_kept)
        positions[name_kept] = index
    expected = refusals.refusal(refusals.TEMPLATE_COLUMN_LIST, names=", ".join(TEMPLATE_COLUMNS))
    if unknown and (other := other_import(header, "csv")):
        raise MalformedInput(other)
    if unknown:
        columns = ", ".join(map(repr, unknown))
        raise MalformedInput(
            refusals.refusal(refusals.TEMPLATE_UNKNOWN_COLUMNS, columns=columns, expected=expected)
        )
    has_texts = any(name.startswith(_TEXT_PREFIX) for name in positions)
    missing = [
        name for name in REQUIRED_COLUMNS if name not in positions and not (name == "text" and has_texts)
    ]
    if missing:
        columns = ", ".join(map(repr, missing))
        raise MalformedInput(
            refusals.refusal(refusals.TEMPLATE_MISSING_COLUMNS, columns=columns, expected=expected)
        )
    return positions


def _cell(row: Sequence[str], index: int) -> str:
    value = row[index].strip() if index < len(row) else ""
    if value.startswith("'") and FORMULA.match(value):
        return value[1:]
    return value


def _join_translation(held: _Accepted, cells: dict[str, str]) -> str | None:
    """Add a translation row's text to the record above it; the reason it cannot be, if any."""
    try:
        language = cell.language(cells.get("language", ""))
        text = cell.text(cells.get("text", ""))
    except RecordError as exc:
        return str(exc)
    if language in held.record.texts:
        return refusals.refusal(reasons.SECOND_TEXT, row=held.number, language=repr(language))
    differing = [
        name
        for name, value in cells.items()
        if name not in _PER_LANGUAGE and value and value != held.cells.get(name, "")
    ]
    if differing:
        columns = ", ".join(differing)
        return refusals.refusal(reasons.TRANSLATION_DIFFERS, row=held.number, columns=columns)
    held.record.texts[language] = text
    return None


def _read_row(cells: dict[str, str], position: str) -> SourceRecord | Rejection:
    """The row's record, or its rejection naming every problem it has, in the columns' order; a row
    naming a feed's record (an export's ``uhri:...`` row) is rejected for that alone: its feed keeps
    it, and imported here it would be a second, manual copy, counted twice everywhere."""
    explicit_id = cells.get("external_id", "")
    if (feed := feed_source_of(explicit_id)) is not None:
        why = refusals.refusal(
            reasons.FEED_RECORD, id=repr(explicit_id), feed=FEED_SOURCES[feed], prefix=repr(f"{feed}:")
        )
        return Rejection(position, why, _usable(explicit_id))
    problems = Problems()
    problems.check(check_text, explicit_id, "external_id", MAX_ID_CHARS, default="")
    mechanism = problems.check(_mechanism, cells["mechanism"], default="")
    kind = problems.check(cell.kind, cells.get("type", ""), default="recommendation")
    symbol = problems.check(named_label, cells.get("symbol", ""), "symbol", default="")
    texts = _row_texts(cells, problems)
    published = problems.check(cell.publication_date, cells.get("publication_date", ""), default=None)
    lists: dict[str, list[str]] = {
        name: problems.check(
            named_labels, cells.get(name, "").split(";"), name, cell.label_limit(name), default=[]
        )
        for name in LIST_COLUMNS
    }
    for name in cell.STATE_COLUMNS:
        problems.check(cell.one_state_each, lists[name], name, default=None)
    sdgs: list[str] = problems.check(cell.sdgs, lists["sdgs"], default=[])
    session = problems.check(parse_int, cells.get("upr_session", ""), "upr_session", default=None)
    upr_position = problems.check(cell.position, cells.get("position", ""), default="none")
    if problems:
        states = [("countries", label) for label in lists["countries"]]
        return problems.rejection(position, _usable(explicit_id), states=states)
    return SourceRecord(
        source="manual",
        external_id=explicit_id or derived_id(mechanism, symbol, next(iter(texts.values()))),
        input_position=position,
        type=kind,
        mechanism=mechanism,
        texts=texts,
        symbol=symbol or None,
        publication_date=published,
        countries=lists["countries"],
        regions=lists["regions"],
        themes=lists["themes"],
        affected_persons=lists["affected_persons"],
        sdgs=sdgs,
        recommending_states=lists["recommending_states"],
        recommending_regions=lists["recommending_regions"],
        upr_session=session,
        upr_cycle=cycle_for_session(session) if session is not None else None,
        position=upr_position,
    )


def _mechanism(value: str) -> str:
    mechanism = named_label(value, "mechanism")
    if not mechanism:
        raise RecordError(refusals.refusal(reasons.EMPTY, field="mechanism"))
    return mechanism


def _usable(explicit_id: str) -> str | None:
    """The id a rejection names: only one that can be stored (the pipeline keeps it)."""
    return explicit_id if explicit_id and text_problem(explicit_id, MAX_ID_CHARS) is None else None


def _row_texts(cells: dict[str, str], problems: Problems) -> dict[str, str]:
    """The texts of a row by language: ``text`` in its ``language`` first, then the
    ``text_<language>`` columns in header order (an empty one is no text in that language). What is
    wrong with any of them goes to ``problems``."""
    texts: dict[str, str] = {}
    found = len(problems.found)
    if "text" in cells and (cells["text"] or not any(name.startswith(_TEXT_PREFIX) for name in cells)):
        text = problems.check(cell.text, cells["text"], default="")
        language = problems.check(cell.language, cells.get("language", ""), default="")
        if text and language:
            texts[language] = text
    for name, value in cells.items():
        if not name.startswith(_TEXT_PREFIX) or not value:
            continue
        language = name.removeprefix(_TEXT_PREFIX)
        if language in texts and texts[language] != value:
            problems.add(refusals.refusal(reasons.TEXT_DIFFERS, field=name, language=repr(language)))
            continue
        checked = problems.check(check_text, value, name, MAX_TEXT_CHARS, default=None)
        if checked is not None and not plain_text(checked):
            problems.add(refusals.refusal(reasons.EMPTY, field=name))
        elif checked is not None:
            texts[language] = value
    if not texts and len(problems.found) == found:
        problems.add(refusals.refusal(reasons.EMPTY, field="text"))
    return texts
