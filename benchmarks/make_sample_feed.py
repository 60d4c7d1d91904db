"""Write the UHRI search-page XLSX and the UPR Info CSV of the bundled sample feed (synthetic).

The sample's data are the committed UHRI full exports, app/data/sample/export-full-{en,fr}.json
(docs/uhri-formats.md §1): edit them directly. This script derives the two files that are awkward to edit:
  uhri-search-export.xlsx   UHRI search-page XLSX export (§2): 10 Peru records of the English JSON
  upr-info-peru.csv         UPR Info database CSV (§3), Windows-1252 with CR line ends, written from
                            benchmarks/data/upr_info_peru.csv (UTF-8): UPR Info's own columns (issues,
                            organisations, action level) are not in the UHRI JSON

Re-running rewrites a byte-identical CSV; the XLSX keeps its cell values (its zip timestamps and XML
spelling follow the openpyxl that writes it).

    .venv/bin/python benchmarks/make_sample_feed.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "app" / "data" / "sample"
UPR_INFO_SOURCE = Path(__file__).resolve().parent / "data" / "upr_info_peru.csv"


# --- UHRI search-page XLSX export ----------------------------------------------------------------
XLSX_HEADERS = (
    "Text",
    "Countries Concerned",
    "Reccomending Body",
    "Document Symbol",
    "Themes",
    "Affected Persons",
    "Sdgs",
    "Document Publication Date",
    "UPR Reccomending States",
    "UPR Position",
    "Type",
    "OHCHR Annotation Id",
    "UPR Session",
    "Regions Concerned",
    "Recommending Regions",
    "Date of publication on UHRI",
)
# The rows of the XLSX, in order: records of the English JSON by AnnotationId (symbol, paragraph).
XLSX_ANNOTATION_IDS = (
    "b57cfd85-d969-4e68-a3b2-c31b5d56b85a",  # CRC/C/PER/CO/6-7 para. 18
    "d1786c39-be91-457a-b35c-54a132d40316",  # CRC/C/PER/CO/6-7 para. 22
    "1d38528c-c414-44ad-b5d1-4fad904dd4f5",  # CEDAW/C/PER/CO/9 para. 28
    "3607989e-ba1b-41b9-a14a-60efb99cc9b9",  # CAT/C/PER/CO/8 para. 23
    "792bc7d4-49e4-47fb-927f-0b2b8b9978ce",  # A/HRC/22/15 116.4
    "d5b40503-bbd7-4e67-a21f-05b7cc498234",  # A/HRC/37/8 111.96
    "39ae0b6b-5856-4433-bfc1-868ef1bfa6cf",  # A/HRC/53/8 118.12
    "2f98c880-e8f0-4e23-955a-b5dc31ca321a",  # A/HRC/53/8 118.15
    "0dc6427a-bb6f-424d-830b-0609a5b0fd00",  # A/HRC/53/8 118.142
    "26b13e21-b5f6-4b2b-a5e1-769c8838a583",  # A/HRC/57/44/Add.1 para. 91
)
EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(value: str) -> float:
    moment = datetime.fromisoformat(value)
    delta = moment - EXCEL_EPOCH
    return round(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000, 8)


def html_to_text(fragment: str) -> str:
    text = re.sub(r"</p>|<br\s*/?>|</li>", "\n", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def dash_lines(value: object) -> str:
    """One value per line, each starting with "- ", as the UHRI XLSX export writes lists."""
    items = value if isinstance(value, list) else [value]
    return "\n".join(s if s.startswith("- ") else f"- {s}" for s in (str(i).strip() for i in items))


def write_xlsx(path: Path, records: list[dict[str, object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    sheet.append(list(XLSX_HEADERS))
    for rec in records:
        published = excel_serial(str(rec["PublicationDate"]))
        sheet.append(
            [
                html_to_text(str(rec["Text"])),
                dash_lines(rec["Countries"]),
                dash_lines(rec["Body"]),
                rec["Symbol"],
                dash_lines(rec["Themes"]),
                dash_lines(rec["AffectedPersons"]),
                dash_lines(rec["Sdgs"]),
                int(published),
                dash_lines(rec["UprRecommendingCountry"]),
                dash_lines(rec["UprPositions"]),
                dash_lines(rec["AnnotationType"]),
                rec["AnnotationId"],
                dash_lines(rec["UprSession"]),
                dash_lines(rec["Regions"]),
                dash_lines(rec["UprRecommendingRegions"]),
                excel_serial(str(rec["PublicationDateOnUhri"])),
            ]
        )
    book.save(path)


# --- UPR Info database CSV ------------------------------------------------------------------------
def write_upr_info_csv(path: Path) -> None:
    with UPR_INFO_SOURCE.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    # Old-Mac CR line ends and cp1252 on purpose: this is what UPR Info exports look like in the wild.
    with path.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r", quoting=csv.QUOTE_MINIMAL)
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR, help="output directory")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    records = json.loads((SAMPLE_DIR / "export-full-en.json").read_text(encoding="utf-8"))
    by_id = {rec["AnnotationId"]: rec for rec in records}
    write_xlsx(out / "uhri-search-export.xlsx", [by_id[key] for key in XLSX_ANNOTATION_IDS])
    write_upr_info_csv(out / "upr-info-peru.csv")
    print(f"wrote {len(XLSX_ANNOTATION_IDS)} XLSX rows and the UPR Info CSV to {out}")


if __name__ == "__main__":
    main()
