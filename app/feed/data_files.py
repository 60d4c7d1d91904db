"""The feed's tables kept as data (app/feed/data/), read once when their module is imported.

A malformed file stops the application at start with ``DataFileError`` naming the file and the
line: a table silently half-loaded would file recommendations under the wrong body or State.
CSV, since the tables are flat and the standard library reads them in well under a millisecond.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
# Separates the values of a list cell (the other spellings), as in the CSV template.
LIST_SEPARATOR = ";"


class DataFileError(ValueError):
    """A data file that cannot be loaded, with the file and the line to fix."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


def read_csv_table(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a UTF-8 CSV file whose header is exactly ``columns``, each with its line number;
    cells trimmed."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None or tuple(header) != columns:
            raise DataFileError(path, 1, f"expected the header {','.join(columns)}, got {header}")
        rows = []
        for cells in reader:
            if len(cells) != len(columns):
                raise DataFileError(path, reader.line_num, f"{len(cells)} cells, expected {len(columns)}")
            rows.append((reader.line_num, dict(zip(columns, (cell.strip() for cell in cells), strict=True))))
    return rows


def list_cell(value: str) -> tuple[str, ...]:
    """The values of a list cell ("UK; Britain"), empty ones dropped."""
    return tuple(part.strip() for part in value.split(LIST_SEPARATOR) if part.strip())
