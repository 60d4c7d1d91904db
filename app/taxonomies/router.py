"""HTTP layer of the taxonomies API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.core.deps import DbSession
from app.taxonomies import service
from app.taxonomies.schemas import TAXONOMY_KINDS, MechanismList, SdgList, Taxonomy, TermList

router = APIRouter(prefix="/taxonomies", tags=["taxonomies"])


@router.get(
    "/{kind}",
    response_model=Taxonomy,
    summary="A vocabulary (mechanisms, themes, SDGs, ...) with how many recommendations use each entry",
)
def get_taxonomy(
    db: DbSession,
    kind: Annotated[
        str,
        Path(
            description="Which vocabulary; any other value is a 404",
            json_schema_extra={"enum": list(TAXONOMY_KINDS)},
        ),
    ],
) -> MechanismList | TermList | SdgList:
    return service.get_taxonomy(db, kind)
