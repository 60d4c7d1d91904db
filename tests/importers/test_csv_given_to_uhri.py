"""A CSV file given to a UHRI import (`nrtd import uhri FILE`, or uploaded as the UHRI search export):
a UPR Info export, the template, or the UHRI search export itself saved as CSV. It was refused as
"not JSON (a CSV or other text file?)" (or "a CSV or other text file, not a ZIP archive") with every
other import listed: the UHRI export saved as CSV was sent to `nrtd import upr-info` and `nrtd import
csv`, which each send it back to `nrtd import uhri`. Its header row names it, as the CSV imports
name a file of another import's columns (app/feed/sniff.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.core.catalogue import Reason
from app.feed import refusals
from app.feed.records import MalformedInput
from importers.uhri_json import read_uhri_json
from importers.uhri_xlsx import read_uhri_xlsx
from importers.uhri_xlsx_columns import COLUMNS
from tests.importers.test_uhri_xlsx import upr_row

UPR_INFO = (
    b"To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\nPeru,,,x,,,,,,,42\r\n"
)
TEMPLATE = "\ufeffexternal_id;mechanism;text;countries\r\nR-1;IACHR;1. Adopt.;Peru\r\n".encode()


def _uhri_as_csv(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        writer.writerow([upr_row().get(name) for name in COLUMNS])
    return path


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (UPR_INFO, "this is a UPR Info database export, not %s: import it with `nrtd import upr-info`"),
        (
            TEMPLATE,
            "this is the template of manual recommendations, not %s: import it with `nrtd import csv`",
        ),
        (None, "this is the UHRI search page's export saved as CSV, not %s: import the .xlsx file as UHRI"),
        # Excel's "Unicode Text" (UTF-16, tab-separated, a .txt file), which both CSV imports read.
        (
            UPR_INFO.decode().replace(",", "\t").encode("utf-16"),
            "this is a UPR Info database export, not %s: import it with `nrtd import upr-info`",
        ),
    ],
    ids=["upr-info", "template", "uhri-saved-as-csv", "upr-info-unicode-text"],
)
@pytest.mark.parametrize("reader", ["json", "xlsx"])
def test_a_csv_of_a_known_import_is_named_for_what_it_is(
    tmp_path: Path, content: bytes | None, said: str, reader: str
) -> None:
    path = tmp_path / "export"
    if content is None:
        _uhri_as_csv(path)
    else:
        path.write_bytes(content)
    with pytest.raises(MalformedInput) as refused:
        list(read_uhri_json(path, "en") if reader == "json" else read_uhri_xlsx(path))
    this = "the UHRI JSON export" if reader == "json" else "an XLSX workbook"
    assert said % this in str(refused.value)
    assert "a CSV or other text file" not in str(refused.value)
    # Stored, it reads back into its messages, so that a page says it in its language.
    assert refusals.reason_of(str(refused.value)) == str(refused.value)
    assert isinstance(refusals.reason_of(str(refused.value)), Reason)
