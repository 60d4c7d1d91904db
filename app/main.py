"""create_app(): routers, error handlers, middleware. Imported by nothing but the server."""

from __future__ import annotations

from fastapi import FastAPI

from app.core.config import Settings, get_settings
from app.core.db import make_engine
from app.core.problems import PROBLEM_RESPONSES, document_problem_media_type, install_problem_handlers
from app.health.router import router as health_router
from app.imports.router import router as import_runs_router
from app.recommendations.router import router as recommendations_router
from app.taxonomies.router import router as taxonomies_router

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="NRTD: national recommendation-tracking database",
        version="0.1.0",
        description=(
            "Follow-up of the recommendations a State receives from the UN human-rights mechanisms "
            "(imported from OHCHR's Universal Human Rights Index) and from regional bodies. "
            "Errors are RFC 9457 `application/problem+json`."
        ),
        responses=PROBLEM_RESPONSES,
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    install_problem_handlers(app)
    document_problem_media_type(app)
    app.include_router(health_router)
    for router in (recommendations_router, taxonomies_router, import_runs_router):
        app.include_router(router, prefix=API_PREFIX)
    return app
