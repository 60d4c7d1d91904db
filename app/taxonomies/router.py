"""HTTP layer of the taxonomies API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.auth.deps import AnyUser
from app.auth.permissions import refuse
from app.core.deps import DbSession
from app.recommendations import reader_view
from app.taxonomies import service
from app.taxonomies.schemas import TAXONOMY_KINDS, MechanismList, SdgList, Taxonomy, TermList

router = APIRouter(prefix="/taxonomies", tags=["taxonomies"])


@router.get(
    "/{kind}",
    response_model=Taxonomy,
    summary="A vocabulary (mechanisms, themes, SDGs, ...) with how many recommendations use each entry",
    description="The `reader` role sees what the public portal offers: entries no current "
    "recommendation uses (a withdrawn one's labels) are left out, SDGs excepted (a fixed list), and "
    "`issues` (UPR Info issues, a staff-only column) is a 403.",
)
def get_taxonomy(
    db: DbSession,
    actor: AnyUser,
    kind: Annotated[
        str,
        Path(
            description="Which vocabulary; any other value is a 404",
            json_schema_extra={"enum": list(TAXONOMY_KINDS)},
        ),
    ],
) -> MechanismList | TermList | SdgList:
    if reader_view.sees_public_view(actor) and kind == "issues":
        # UPR Info issues are a staff-only column, and a filter the reader is refused (STAFF_ONLY_FILTERS).
        raise refuse(actor, "the UPR Info issues are internal: the reader role sees published data only")
    taxonomy = service.get_taxonomy(db, kind)
    if not reader_view.sees_public_view(actor):
        return taxonomy
    # Labels only withdrawn recommendations carry are not published data.
    if isinstance(taxonomy, MechanismList):
        return MechanismList(kind=taxonomy.kind, items=[m for m in taxonomy.items if m.count])
    if isinstance(taxonomy, TermList):
        return TermList(kind=taxonomy.kind, items=[t for t in taxonomy.items if t.count])
    return taxonomy
