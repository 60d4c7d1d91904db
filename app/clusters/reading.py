"""Which clusters a reader's views count: one rule, read by every page, export, report and count.

A cluster is archived, never deleted (docs/clusters.md): archived, it is out of use, kept for the
record. Staff views leave it out (its name, its sections, the actions reached through it); the public
sees only the clusters that are published as well.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import ColumnElement

from app.models import Cluster


def cluster_is_public() -> list[ColumnElement[bool]]:
    """The conditions on ``Cluster`` of a cluster the public sees: published and not archived."""
    return [Cluster.published.is_(True), Cluster.archived.is_(False)]


def cluster_in_view(*, public: bool) -> list[ColumnElement[bool]]:
    """The conditions on ``Cluster`` of a cluster that counts: for staff, one that is not archived; for
    the public, one it sees (``cluster_is_public``)."""
    return cluster_is_public() if public else [Cluster.archived.is_(False)]


class Publishable(Protocol):
    """A cluster as loaded or as the API gives it."""

    @property
    def published(self) -> bool: ...

    @property
    def archived(self) -> bool: ...


def is_public(cluster: Publishable) -> bool:
    """``cluster_is_public`` of a loaded cluster."""
    return cluster.published and not cluster.archived
