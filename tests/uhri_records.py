"""Build UHRI full-export records and files exactly as OHCHR shapes them (docs/uhri-formats.md §1)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, select

from app.models import Base


def uhri_record(n: int, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "AnnotationId": str(uuid.UUID(int=n, version=4)),
        "DocumentId": str(uuid.UUID(int=10_000 + n, version=4)),
        "Symbol": "CRC/C/PER/CO/6-7",
        "Text": f"<p>Children's rights</p><p>{n}. The Committee recommends that the State party protect "
        f"children {n}.</p>",
        "AnnotationType": "- Recommendations",
        "Body": "- CRC",
        "PublicationDate": "2025-02-12T00:00:00",
        "PublicationDateOnUhri": "2025-03-03T10:53:45.827",
        "Countries": ["Peru"],
        "Regions": ["Latin America and the Caribbean"],
        "Themes": ["Right to health", " Participation of women in political & public life "],
        "AffectedPersons": ["Children"],
        "Sdgs": ["16 - PEACE, JUSTICE AND STRONG INSTITUTIONS", "16.2 - Protect children from abuse"],
        "UprCycle": None,
        "UprPositions": [],
        "UprRecommendingCountry": [],
        "UprRecommendingRegions": [],
        "UprSession": [],
    }
    record.update(overrides)
    return record


def write_export(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def snapshot(
    engine: Engine, *, skip: tuple[str, ...] = ("import_leases",)
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every modelled table, sorted: two equal snapshots mean nothing was written."""
    metadata: MetaData = Base.metadata
    result: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in skip:
                continue
            rows = conn.execute(select(table)).all()
            result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result
