"""Bad uploads: too large (413), a disguised program, a web page, SVG, an archive, an empty file
(422 naming ``file`` with the reason), a name with path parts (kept without them), a storage
directory that cannot be written (507). Nothing of a refused upload stays in the storage directory or
the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.core.config import Settings
from app.evidence.storage import BlobStore
from app.models import EvidenceFile
from tests import accounts
from tests.apps import app_for
from tests.evidence import samples
from tests.evidence.conftest import Setup, upload

LIMIT = 4096
NOT_STORED = (
    "could not be stored: the server's storage is full or cannot be written. Nothing was attached; "
    "tell the administrator"
)


def _files_on_disk(store: BlobStore) -> set[Path]:
    return {path for _, path in store.stored()} | set(store.temporaries())


def _rows(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(EvidenceFile)) or 0


@pytest.fixture
def small(settings: Settings, engine: Engine, setup: Setup) -> TestClient:
    """The app with a 4 KB evidence limit."""
    return TestClient(app_for(settings.model_copy(update={"evidence_max_bytes": LIMIT})))


@pytest.mark.parametrize("size", [LIMIT + 1, 512 * 1024])  # refused by the service / by the body limit
def test_too_large_is_413_naming_the_file(
    small: TestClient, engine: Engine, setup: Setup, store: BlobStore, size: int
) -> None:
    before = _files_on_disk(store)
    response = upload(small, setup.upload_url, samples.PDF + b"0" * size, "big.pdf", setup.focal_a)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {
            "field": "file",
            "reason": "is larger than 4 KB, the largest evidence file this server accepts",
        }
    ]
    assert _files_on_disk(store) == before and _rows(engine) == 0
    exactly = upload(
        small, setup.upload_url, samples.PDF + b"0" * (LIMIT - len(samples.PDF)), "limit.pdf", setup.focal_a
    )
    assert exactly.status_code == 201, exactly.text


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (
            samples.EXE_AS_PDF,
            "report.pdf",
            "the file is a Windows program, which is not accepted as evidence",
        ),
        (samples.HTML, "report.pdf", "looks like a web page"),
        (samples.SVG, "chart.svg", "looks like a web page, XML or SVG"),
        (samples.SCRIPT, "notes.txt", "looks like a program or script"),
        (samples.plain_zip(), "documents.docx", "the file is a ZIP archive"),
        (b"", "empty.pdf", "the file is empty"),
    ],
)
def test_refused_content_says_why(
    client: TestClient, engine: Engine, setup: Setup, store: BlobStore, data: bytes, name: str, reason: str
) -> None:
    before = _files_on_disk(store)
    response = upload(client, setup.upload_url, data, name, setup.focal_a)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["errors"][0]["field"] == "file" and reason in problem["errors"][0]["reason"]
    assert _files_on_disk(store) == before and _rows(engine) == 0


def test_a_name_with_path_parts_is_kept_without_them(
    client: TestClient, setup: Setup, store: BlobStore
) -> None:
    for name in ("../../../etc/cron.d/evil.txt", "..\\..\\Windows\\evil.txt", "/tmp/evil.txt"):
        # Each its own content: the same file twice on one update is refused.
        response = upload(client, setup.upload_url, samples.TEXT + name.encode(), name, setup.focal_a)
        assert response.status_code == 201, response.text
        stored = response.json()
        assert stored["filename"] == "evil.txt"
        assert store.path_of(stored["sha256"]).is_relative_to(store.root)
    assert not (store.root.parent / "etc").exists()


def test_no_file_field(client: TestClient, setup: Setup) -> None:
    response = client.post(setup.upload_url, data={"other": "x"}, headers=setup.focal_a)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "file"


def test_two_files_in_one_request_are_a_422_naming_the_file(
    client: TestClient, engine: Engine, setup: Setup
) -> None:
    files = [("file", ("a.txt", samples.TEXT, "text/plain")), ("file", ("b.txt", samples.TEXT, "text/plain"))]
    response = client.post(setup.upload_url, files=files, headers=setup.focal_a)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [{"field": "file", "reason": "one file per upload"}]
    assert _rows(engine) == 0


def test_other_routes_keep_the_small_body_limit(small: TestClient, engine: Engine, setup: Setup) -> None:
    """The evidence routes' larger limit is theirs only: a large JSON body elsewhere is still 413."""
    headers = {**accounts.headers_for(engine, "coordinator"), "Content-Type": "application/json"}
    body = b'{"narrative": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    assert (
        small.patch(f"/api/v1/progress/{setup.progress['id']}", content=body, headers=headers).status_code
        == 413
    )


# The upload's temporary file, then its place by hash: a file where the directory should be fails
# as a full, read-only or unmounted disk does (an OSError), which was a 500 "Internal server error".
@pytest.mark.parametrize("in_the_way", ["tmp", "evidence"])
def test_storage_that_cannot_be_written_is_507_and_nothing_is_attached(
    settings: Settings, engine: Engine, setup: Setup, tmp_path: Path, in_the_way: str
) -> None:
    root = tmp_path / "storage"
    root.mkdir()
    obstacle = root / in_the_way
    obstacle.write_bytes(b"a file where a directory should be")
    client = TestClient(app_for(settings.model_copy(update={"storage_dir": str(root)})))
    response = upload(client, setup.upload_url, samples.PDF, "report.pdf", setup.focal_a)
    assert response.status_code == 507, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [{"field": "file", "reason": NOT_STORED}]
    assert _rows(engine) == 0
    assert [path for path in root.rglob("*") if path.is_file()] == [obstacle]  # no partial copy left
