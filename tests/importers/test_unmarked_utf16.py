"""A CSV saved as UTF-16 without its byte-order mark (SQL Server's bcp -w, some database and
reporting tools; Excel's "Unicode Text" writes the mark and is read) was refused as "not a CSV file:
it contains NUL bytes (a binary file?)" by the UPR Info import, and as "not UTF-8: byte b'\\xe1' ...
('á' in Windows-1252 ...)" by the template's, pointing at the wrong encoding. Both now say what the
file is and how to save it; the run fails and nothing is written. Through ``nrtd import``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.cli.test_cli import nrtd
from tests.importers.file_samples import data_unchanged

UPR_INFO = (
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
    "Peru,GRULAC,OAS,Ratificar la Convención,Chile,GRULAC,,Accepted,4,Torture,42\r\n"
)
TEMPLATE = "mechanism,text,countries\r\nIACHR,Garantizar la educación,Peru\r\n"


@pytest.mark.parametrize(
    ("kind", "text", "encoding", "named"),
    [
        ("upr-info", UPR_INFO, "utf-16-le", "UTF-16-LE"),
        ("upr-info", UPR_INFO, "utf-16-be", "UTF-16-BE"),
        ("csv", TEMPLATE, "utf-16-le", "UTF-16-LE"),
    ],
)
def test_utf16_without_its_mark_is_refused_naming_it(
    engine: Engine, database_url: str, tmp_path: Path, kind: str, text: str, encoding: str, named: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    unchanged = data_unchanged(engine)

    result = nrtd(database_url, "import", kind, str(path))

    assert result.returncode == 1, result.stdout
    assert (
        f"this is {named} text without the byte-order mark that says so (every other byte is zero): save "
        "it as 'CSV UTF-8' (or as Excel's 'Unicode Text', which writes the mark) and import it again"
    ) in result.stderr
    assert unchanged()
