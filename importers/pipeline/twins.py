"""A record an older release stored twice, under a UHRI id in two cases ("0B6F..." and "0b6f..."):
the run that reads it keeps one and merges the other into it.

Releases before ids were matched in any case stored a spreadsheet's capitals and the JSON export's
lower case as two recommendations, both listed. Once a run has read the record, the row spelt as the
feed spells it keeps the other's work (``app.recommendations.carry.carry_work``: clusters, actions,
status and its history, priority, notes, ministries, follow-up), the copies linked to the other are
linked to it, and the other is withdrawn: hidden from the lists, never deleted. Where both hold work
of one kind (two statuses), nothing is overwritten: the other stays listed, both are marked for
review and the run's message names them, until a person settles it (the records' pages) and a later
run merges what is left.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update

from app.models import AuditEvent, Recommendation, Revision
from app.models.base import utcnow
from app.models.source_link import SourceLink
from app.recommendations.carry import carry_work
from importers.pipeline.records import Twin


@dataclass
class TwinsMerged:
    merged: list[tuple[int, int]] = field(default_factory=list)  # (twin, record)
    moved: int = 0  # twins whose work moved
    unsettled: list[tuple[Twin, int, list[str]]] = field(default_factory=list)  # (twin, record, kinds)

    def notes(self) -> list[str]:
        notes = []
        if self.merged:
            count = len(self.merged)
            noun = "record" if count == 1 else "records"
            notes.append(
                f"{count} {noun} stored twice under ids differing only in case merged into the record "
                f"spelt as the feed spells it ({self.moved} with work carried over); the other rows are "
                "withdrawn"
            )
        for twin, record, kinds in self.unsettled[:20]:
            notes.append(
                f"record {twin.id} (id {twin.external_id!r}) is record {record} stored twice, both with "
                f"their own {', '.join(kinds)}: settle which to keep on the two records' pages (both "
                "marked for review); the next import merges them"
            )
        return notes


def merge_twins(
    conn: Connection,
    run_id: int,
    twins: dict[str, list[Twin]],
    records: dict[str, int],
    read: Collection[str],
) -> TwinsMerged:
    """Merge each live twin of a record this run read (``read``: keys) into it (``records``: key ->
    row id). On the run's connection and transaction."""
    done = TwinsMerged()
    now = utcnow()
    for key, rows in twins.items():
        if key not in read:
            continue
        record = records[key]
        for twin in rows:
            if twin.withdrawn:
                continue
            carried = carry_work(conn, twin.id, record)
            if carried.left:
                done.unsettled.append((twin, record, carried.left))
                conn.execute(
                    update(Recommendation)
                    .where(Recommendation.id.in_((twin.id, record)))
                    .values(needs_review=True)
                )
                continue
            _lead_copies(conn, twin.id, record)
            conn.execute(
                update(Recommendation)
                .where(Recommendation.id == twin.id)
                .values(withdrawn=True, withdrawn_at=now, updated_run_id=run_id, updated_at=now)
            )
            conn.execute(
                insert(Revision).values(
                    recommendation_id=twin.id,
                    import_run_id=run_id,
                    changes={"withdrawn": {"old": False, "new": True}},
                    created_at=now,
                )
            )
            twin.withdrawn = True
            done.merged.append((twin.id, record))
            done.moved += bool(carried.moved)
    if done.merged:
        # The data version moves (kept totals, pages' ETags), and the audit trail says which rows.
        conn.execute(
            insert(AuditEvent).values(
                at=now,
                actor=f"import run {run_id}",
                action="recommendation.twins_merged",
                object_type="recommendation",
                after={"merged": [{"twin": twin, "record": record} for twin, record in done.merged[:200]]},
            )
        )
    return done


def _lead_copies(conn: Connection, twin: int, record: int) -> None:
    """The copies (UPR Info rows, manual ones) linked to the twin are linked to the record instead,
    unless the record has a link of its own with the copy (a coordinator's decision kept)."""
    theirs = select(SourceLink.member_id).where(SourceLink.leader_id == record)
    conn.execute(
        update(SourceLink)
        .where(SourceLink.leader_id == twin, SourceLink.member_id.not_in(theirs))
        .values(leader_id=record, updated_at=utcnow())
    )
