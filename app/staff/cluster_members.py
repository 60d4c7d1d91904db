"""Finding recommendations to put in a cluster: by id, by document symbol, by words (the API's
full-text search), or among the recommendations most similar to one (the API's suggestions,
``app.clusters.similarity``). Also the short description of a recommendation the cluster pages show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.auth.service import StaffSession
from app.clusters import service, similarity
from app.clusters.member_checks import members_among
from app.clusters.schemas import MemberListParams
from app.core.actor import Actor
from app.core.errors import NotFound
from app.core.ids import MAX_ID
from app.models import Mechanism, Recommendation, RecommendationText
from app.recommendations import service as recommendations_service
from app.recommendations.reading import recommendation_is_current
from app.recommendations.schemas import RecommendationListParams
from app.staff.forms import FormInvalid, parse, whole_number
from app.staff.pages import StaffPage, render
from app.taxonomies.service import term_names

FOUND = 20  # search results shown
BASES = 50  # members offered as the starting point of the suggestions


@dataclass(frozen=True)
class Summary:
    """What a row of a cluster page says about a recommendation."""

    id: int
    symbol: str | None
    paragraph: str | None
    mechanism: str
    text: str | None
    text_lang: str | None
    withdrawn: bool


def summaries(db: Session, ids: Sequence[int], lang: str) -> dict[int, Summary]:
    """Symbol, mechanism and text of a page of recommendations, in two statements."""
    if not ids:
        return {}
    texts: dict[int, dict[str, str]] = {}
    for rec_id, code, value in db.execute(
        select(RecommendationText.recommendation_id, RecommendationText.lang, RecommendationText.text).where(
            RecommendationText.recommendation_id.in_(ids)
        )
    ):
        texts.setdefault(rec_id, {})[code] = value
    rows = db.execute(
        select(
            Recommendation.id,
            Recommendation.symbol,
            Recommendation.paragraph,
            Recommendation.withdrawn,
            Mechanism.code,
        )
        .join(Mechanism, Mechanism.id == Recommendation.mechanism_id)
        .where(Recommendation.id.in_(ids))
    )
    found: dict[int, Summary] = {}
    for rec_id, symbol, paragraph, withdrawn, mechanism in rows:
        text_lang, text = recommendations_service.choose_text(texts.get(rec_id, {}), lang)
        found[rec_id] = Summary(rec_id, symbol, paragraph, mechanism, text, text_lang, withdrawn)
    return found


def _of_symbol(symbol: str) -> ColumnElement[bool]:
    return Recommendation.symbol.in_({symbol, symbol.upper()})


def _where(symbol: str, current: bool) -> list[ColumnElement[bool]]:
    # ``current``: those the recommendation list shows (not withdrawn, not a copy listed under its record).
    return [_of_symbol(symbol), *(recommendation_is_current() if current else ())]


def symbol_ids(db: Session, symbol: str, limit: int, *, current: bool = False) -> list[int]:
    """The recommendations of the document ``symbol`` (as typed, or in capitals), by id."""
    return list(
        db.scalars(
            select(Recommendation.id).where(*_where(symbol, current)).order_by(Recommendation.id).limit(limit)
        )
    )


def paragraph_ids(db: Session, symbol: str, paragraph: str, *, current: bool = False) -> list[int]:
    """The recommendations of paragraph ``paragraph`` of the document ``symbol`` (as the workspace
    names one: "CRC/C/PER/CO/6-7 ¶ 44"), by id."""
    return list(
        db.scalars(
            select(Recommendation.id)
            .where(*_where(symbol, current), Recommendation.paragraph == paragraph)
            .order_by(Recommendation.id)
        )
    )


def symbol_count(db: Session, symbol: str, *, current: bool = False) -> int:
    """How many recommendations the document ``symbol`` has (as ``symbol_ids`` finds them)."""
    return db.execute(
        select(func.count()).select_from(Recommendation).where(*_where(symbol, current))
    ).scalar_one()


@dataclass(frozen=True)
class Found:
    """The first ``FOUND`` recommendations found and how many there are in all: a document or a
    search may hold hundreds, which the page says rather than letting 20 pass for all of them."""

    shown: list[Summary]
    total: int


def _record_number(typed: str) -> str | None:
    """The digits of a recommendation's number as typed: "12", or "#12" as the list, the action form
    and a recommendation's page name one (copied from there); None for anything else."""
    digits = typed.removeprefix("#").strip() if typed.startswith("#") else typed
    return digits if whole_number(digits) else None


def find(db: Session, actor: Actor, typed: str, lang: str) -> Found:
    """A number is an id; a document symbol gives the recommendations of that document; anything else
    is searched for in the texts, as the API's ``q`` searches them."""
    typed = typed.strip()
    if not typed:
        return Found([], 0)
    digits = _record_number(typed)
    number = digits is not None
    ids = (
        ([int(digits)] if int(digits) <= MAX_ID else [])
        if digits is not None
        else symbol_ids(db, typed, FOUND)
    )
    if ids or number:
        found = summaries(db, ids, lang)
        shown = [found[rec_id] for rec_id in ids if rec_id in found]
        total = len(shown) if number else symbol_count(db, typed)
        return Found(shown, total)
    params = parse(RecommendationListParams, {"q": typed, "limit": FOUND, "lang": lang})
    page = recommendations_service.list_recommendations(db, actor, params)
    shown = [
        Summary(r.id, r.symbol, r.paragraph, r.mechanism.code, r.text, r.text_lang, r.withdrawn)
        for r in page.items
    ]
    return Found(shown, page.total)


def find_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    cluster_id: int,
    typed: str,
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    cluster, _tag = service.get_cluster(db, cluster_id)
    page = StaffPage.of(request, "clusters", staff)
    found = Found([], 0)
    try:
        found = find(db, staff.actor, typed, page.lang)
    except FormInvalid as exc:
        errors = {"find": exc.errors.get("q", next(iter(exc.errors.values()))), **errors}
        status = 422
    context = {
        "cluster": cluster,
        "find": typed,
        "searched": bool(typed.strip()),
        "results": found.shown,
        "total": found.total,
        "present": members_among(db, cluster_id, [r.id for r in found.shown]),
        "errors": errors,
    }
    return render(request, page, "clusters/add.html", context, status)


def suggestions_page(
    request: Request,
    db: Session,
    staff: StaffSession,
    cluster_id: int,
    start: str,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    limit: int = FOUND,
) -> HTMLResponse:
    """The recommendations most similar to one (a member, by default the first), to tick and add."""
    cluster, _tag = service.get_cluster(db, cluster_id)
    page = StaffPage.of(request, "clusters", staff)
    errors = dict(errors or {})
    first = service.list_members(db, cluster_id, MemberListParams(limit=BASES))
    bases = first.items
    base_ids = [member.id for member in bases]
    start = start.strip()
    source: int | None = None
    if start:
        digits = _record_number(start)
        if digits is not None and 0 < int(digits) <= MAX_ID:
            source = int(digits)
        else:
            errors.setdefault("from", page.gettext("This is not a recommendation id."))
            status = 422
    elif base_ids:
        source = base_ids[0]
    similar = None
    if source is not None:
        try:
            similar = similarity.similar(db, source, limit, page.lang)
        except NotFound:
            errors.setdefault("from", page.gettext("No recommendation has this id."))
            source, status = None, 422
    described = summaries(db, [*base_ids, *([source] if source else [])], page.lang)
    context: dict[str, Any] = {
        "cluster": cluster,
        "bases": [described[rec_id] for rec_id in base_ids if rec_id in described],
        "source": described.get(source) if source else None,
        "source_is_member": source in base_ids or bool(source and members_among(db, cluster_id, [source])),
        # A member past the first BASES (a "Similar" link from a later page) is offered too, chosen.
        "source_offered": source in base_ids,
        # How many members the box leaves out, which the page says (and how to reach them).
        "bases_left_out": first.total - len(bases),
        "start": start,
        "similar": similar,
        "theme_names": term_names(db, page.lang).get("theme", {}),
        "errors": errors,
        "manager": staff.actor.is_manager,
    }
    return render(request, page, "clusters/suggestions.html", context, status)
