"""The workspace's home page: "My work"."""

from __future__ import annotations

from fastapi import Request, Response
from fastapi.responses import HTMLResponse

from app.core.deps import DbSession
from app.staff.pages import StaffPage, render, staff_router
from app.staff.session import SignedIn
from app.staff.static import static_file

router = staff_router()


@router.get("/", response_class=HTMLResponse)
def my_work(request: Request, db: DbSession, staff: SignedIn) -> Response:
    page = StaffPage.of(request, "home", staff)
    return render(request, page, "dashboard.html", {})


@router.get("/static/{name}")
def static(name: str) -> Response:
    """Stylesheet and scripts: no sign-in needed (they hold no data)."""
    return static_file(name)
