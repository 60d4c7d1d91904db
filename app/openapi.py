"""The OpenAPI document, generated from the app and committed as openapi/openapi.json.

``python -m app.openapi`` (``make openapi``) rewrites the file; a test fails when it drifts.
Building the document needs no database: ``create_app`` only creates a lazy engine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from app.core.config import Settings
from app.main import create_app

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


def openapi_document() -> dict[str, Any]:
    # Defaults only, no environment or .env: the document must not depend on where it is built.
    return create_app(Settings.model_construct()).openapi()


def render_openapi(document: dict[str, Any] | None = None) -> str:
    """The file's text: ``document`` (by default the app's, built now) as sorted, indented JSON."""
    document = openapi_document() if document is None else document
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_openapi(path: Path = OPENAPI_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_openapi(), encoding="utf-8")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OPENAPI_PATH
    write_openapi(target)
    print(f"wrote {target}")
