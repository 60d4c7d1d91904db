"""The feed's tables kept as data (app/feed/data/), read once when their module is imported.

A malformed file stops the application at start with ``DataFileError`` naming the file and the
line: a table silently half-loaded would file recommendations under the wrong body or State.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent / "data"
# The C loader (libyaml) when PyYAML has it: the pure-Python one is several times slower at start.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataFileError(ValueError):
    """A data file that cannot be loaded, with the file and the line to fix."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}, line {line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")


def read_csv_table(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a UTF-8 CSV file whose header is exactly ``columns``, each with its line number."""
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


def read_yaml_entries(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a YAML file holding one list of them, each with the line it starts on."""
    loader = _LOADER(path.read_text(encoding="utf-8"))
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise DataFileError(path, mark.line + 1 if mark else None, f"not valid YAML: {exc}") from None
        if not isinstance(root, yaml.SequenceNode):
            raise DataFileError(path, None, "expected a list of entries")
        entries = []
        for node in root.value:
            line = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                raise DataFileError(path, line, "expected an entry with named fields")
            mapping = loader.construct_mapping(node, deep=True)
            entries.append((line, {str(key): value for key, value in mapping.items()}))
        return entries
    finally:
        loader.dispose()


def text_cell(path: Path, line: int, entry: dict[str, Any], name: str) -> str:
    """The required text field ``name`` of an entry, trimmed."""
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(path, line, f"{name}: expected a non-empty text, got {value!r}")
    return value.strip()
