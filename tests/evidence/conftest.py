"""An action of entity A with a draft progress update written by A's focal point; clients of other
roles and entities."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from app.evidence.storage import BlobStore
from tests.accounts import create_entity
from tests.plans.test_actions import make_action

Headers = Callable[..., dict[str, str]]
REPORT = {"reported_on": "2025-06-30", "narrative": "Two workshops held.", "new_status": "in_progress"}


@dataclass
class Setup:
    action: dict[str, Any]
    progress: dict[str, Any]
    focal_a: dict[str, str]
    focal_b: dict[str, str]
    supporting: dict[str, str]
    reader: dict[str, str]

    @property
    def upload_url(self) -> str:
        return f"/api/v1/progress/{self.progress['id']}/evidence"


@pytest.fixture
def setup(client: TestClient, engine: Engine, headers_for: Headers) -> Setup:
    a = create_entity(engine, "Ministry of Justice")
    b = create_entity(engine, "Ministry of Labour")
    c = create_entity(engine, "Judicial Academy")
    action = make_action(client, lead_entity_id=a, supporting_entity_ids=[c])
    focal_a = headers_for("focal_point", entity_id=a)
    progress = client.post(f"/api/v1/actions/{action['id']}/progress", json=REPORT, headers=focal_a)
    assert progress.status_code == 201, progress.text
    return Setup(
        action=action,
        progress=progress.json(),
        focal_a=focal_a,
        focal_b=headers_for("focal_point", entity_id=b),
        supporting=headers_for("focal_point", entity_id=c),
        reader=headers_for("reader"),
    )


@pytest.fixture
def store(storage_dir: Path) -> BlobStore:
    return BlobStore(storage_dir)


def upload(client: TestClient, url: str, data: bytes, name: str, headers: dict[str, str]) -> Any:
    return client.post(url, files={"file": (name, data, "application/octet-stream")}, headers=headers)
