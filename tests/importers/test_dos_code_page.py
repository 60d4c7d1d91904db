"""Excel's "CSV (MS-DOS)" saves in the DOS code page (850 in Western Europe, 437 in the United
States), which is neither Windows-1252 nor Mac Roman. Its accented letters hold bytes Windows-1252
leaves undefined (ü is 0x81), so the encoding guess took it for Mac Roman outright, and the import
stored 'Garantizar la educaci¢n ... bilingÅe ... ni§as' (the template) or rejected the row for a
garbled State (UPR Info), saying only that the file was read as Mac Roman. A file whose accented
letters read as text in neither legacy encoding is now refused as a whole (UPR Info: showing a word
as it would have read; the template: as it refuses any file it cannot read as UTF-8, naming the byte
and its line), saying to save it as 'CSV UTF-8'; nothing is written. Through ``nrtd import``."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.cli.test_cli import nrtd
from tests.importers.file_samples import data_unchanged

UPR_INFO = (
    "To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\r\n"
    "Peru,GRULAC,OAS,Garantizar la educación intercultural bilingüe y la protección de niñas,"
    "Côte d'Ivoire,Africa,AU,Accepted,4,Educación,42\r\n"
)
TEMPLATE = (
    "external_id,mechanism,text,countries\r\n"
    "A1,IACHR,Garantizar la educación intercultural bilingüe y la protección de niñas,Perú\r\n"
)


@pytest.mark.parametrize(
    ("kind", "text", "code_page", "shown"),
    [
        ("upr-info", UPR_INFO, "cp850", "'educaci¢n'"),
        ("upr-info", UPR_INFO, "cp437", "'educaci¢n'"),
        ("csv", TEMPLATE, "cp850", None),
    ],
)
def test_a_dos_code_page_file_is_refused_not_imported_garbled(
    engine: Engine, database_url: str, tmp_path: Path, kind: str, text: str, code_page: str, shown: str | None
) -> None:
    path = tmp_path / "saved-as-ms-dos.csv"
    path.write_bytes(text.encode(code_page))
    unchanged = data_unchanged(engine)

    result = nrtd(database_url, "import", kind, str(path))

    assert result.returncode == 1, result.stdout
    if shown is None:  # the template refuses what it cannot read as UTF-8 in its own words
        assert "not UTF-8: byte b'\\xa2' on line 2" in result.stderr, result.stderr
        assert "'CSV UTF-8'" in result.stderr
    else:
        assert (
            f"the file is not UTF-8, and its accented letters read as text neither in Windows-1252 nor in "
            f"Mac Roman (as Mac Roman: {shown}): it is in another code page, such as that of Excel's "
            "'CSV (MS-DOS)'; save it as 'CSV UTF-8' and import it again"
        ) in result.stderr
    assert unchanged()


def test_a_dos_code_page_upr_info_file_given_as_the_template_is_named_as_upr_info(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "saved-as-ms-dos.csv"
    path.write_bytes(UPR_INFO.encode("cp850"))

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 1, result.stdout
    assert "this is a UPR Info database export, not the template of manual recommendations" in result.stderr


def test_a_windows_1252_file_whose_only_signs_are_not_letters_is_still_read(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """'m²' and '± 1' read oddly in every encoding, but garble no word: the file is read."""
    path = tmp_path / "signs.csv"
    text = "Provide cells of 9 m² at least ± 1"
    path.write_bytes(
        UPR_INFO.replace("Garantizar la educación intercultural bilingüe y la protección de niñas", text)
        .replace("Côte d'Ivoire", "Chile")
        .replace("Educación", "Detention")
        .encode("cp1252")
    )

    result = nrtd(database_url, "import", "upr-info", str(path))

    assert result.returncode == 0, result.stderr
    assert "created 1" in result.stdout
