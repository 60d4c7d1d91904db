"""The template saved by a French or Spanish Excel as its default "CSV (séparateur : point-virgule)":
semicolons, and Windows-1252 rather than UTF-8. It was refused as a whole ("not UTF-8: byte b'\\xc9'");
it is read in the encoding its accented letters show, as the UPR Info import reads its exports, and the
run says which. Through ``nrtd import csv`` and the staff upload page, on the test database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from app.models import ImportRun, Recommendation, RecommendationText
from tests.cli.test_cli import nrtd

FRENCH_EXCEL = (
    "external_id;mechanism;text;language;countries\r\n"
    "CIDH-1;CIDH;Ériger le viol conjugal en infraction, conformément à l'article 4;fr;Peru\r\n"
    "CIDH-2;CIDH;Garantizar la educación de las niñas;es;Peru\r\n"
).encode("cp1252")


def stored_texts(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Recommendation.external_id, RecommendationText.text).join(
                RecommendationText, RecommendationText.recommendation_id == Recommendation.id
            )
        )
        return {external_id: text for external_id, text in rows}


def last_message(engine: Engine) -> str:
    with engine.connect() as conn:
        message = conn.execute(select(ImportRun.message).order_by(ImportRun.id.desc()).limit(1)).scalar_one()
    return message or ""


def test_nrtd_import_csv_reads_a_windows_1252_file_and_says_so(
    engine: Engine, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "recommandations.csv"
    path.write_bytes(FRENCH_EXCEL)

    result = nrtd(database_url, "import", "csv", str(path))

    assert result.returncode == 0, result.stderr
    assert stored_texts(engine) == {
        "CIDH-1": "Ériger le viol conjugal en infraction, conformément à l'article 4",
        "CIDH-2": "Garantizar la educación de las niñas",
    }
    assert "read as Windows-1252" in last_message(engine)
