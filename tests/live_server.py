"""The app served by a real uvicorn on 127.0.0.1 (a free port), in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from app.cli.listen import protocol_options
from app.core.config import Settings
from tests.apps import app_for


@contextmanager
def live_server(settings: Settings) -> Iterator[str]:
    """Serve the run's app for these settings (tests/apps.py: its routes are set up once a run) for the
    duration of the block; yields its base URL."""
    with serve_app(app_for(settings)) as base:
        yield base


@contextmanager
def serve_app(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` (a test's own, to watch its engine or state) for the block; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            lifespan="off",
            **protocol_options(app.state.settings.max_request_bytes),
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()
