"""Withdrawals: records a full export no longer holds, and the guard against mass withdrawal."""

from __future__ import annotations

from sqlalchemy import insert, select, update

from app.feed import file_refusals
from app.feed.records import MalformedInput
from app.feed.refusals import refusal
from app.models import Recommendation, Revision
from app.models.base import utcnow
from importers.pipeline.records import BATCH_SIZE, WithdrawalRefused
from importers.pipeline.revisions import _Revising


class _Withdrawing(_Revising):
    """Withdrawals of the records a full export no longer holds."""

    def _refuse_mass_withdrawal(self, gone: int, live: int) -> None:
        """UHRI withdraws a handful of recommendations at a time; a file that would withdraw a large
        share of a scope is far more likely the wrong file (a sample, another scope, a truncated
        export) than a real withdrawal. Tiny scopes are no exception: 1 of 5 is refused too."""
        share = self.max_withdraw_share
        if share is None or gone <= share * live:
            return
        shares: dict[str, str | int] = {
            "gone": gone,
            "live": live,
            "share": f"{gone / live:.0%}",
            "limit": f"{share:.0%}",
        }
        # Worded for who reads it: the command's option, or whom to ask (file_refusals.WITHDRAW_ADVICE).
        said = file_refusals.WITHDRAW_ADVICE[self.withdraw_advice]
        if self.country:
            raise WithdrawalRefused(refusal(said["for"], state=self.country, **shares))
        raise WithdrawalRefused(refusal(said["from"], source=self.source, **shares))

    def _withdraw_missing(self) -> None:
        if not self.stored:
            return  # nothing of this source was stored before the run: nothing can be missing
        query = select(Recommendation.id, Recommendation.external_id).where(
            Recommendation.source == self.source, Recommendation.withdrawn.is_(False)
        )
        if self.country_key is not None:
            term_id = self.terms.term_ids.get(("state", self.country_key))
            if term_id is None:
                return
            query = query.where(Recommendation.id.in_(self._country_members(term_id)))
        live = self.conn.execute(query).all()
        gone = [row.id for row in live if self.key(row.external_id) not in self.seen.positions]
        if not gone:
            return
        kept = self.counts.created + self.counts.updated + self.counts.unchanged
        if kept == 0 or self.counts.rejected > kept:
            # An empty or mostly unreadable export is a broken feed, not a mass withdrawal.
            rejected = self.counts.rejected
            raise MalformedInput(
                refusal(file_refusals.BROKEN_FEED, kept=kept, rejected=rejected, gone=len(gone))
            )
        if self.seen.unidentified:
            # A rejected record without a readable id may be any of them: withdraw none (it would take
            # a recommendation off the portal for being malformed this time).
            unread = self.seen.unidentified
            self.notes.append(refusal(file_refusals.WITHDRAWALS_HELD_BACK, gone=len(gone), unread=unread))
            return
        # The share is of what was stored before the run: the records this export adds (a different
        # export, or a real one with news) must not dilute it below the limit.
        before = [
            row
            for row in live
            if (known := self.stored.get(self.key(row.external_id))) is not None and not known.withdrawn
        ]
        self._refuse_mass_withdrawal(len(gone), len(before))
        now = utcnow()
        for start in range(0, len(gone), BATCH_SIZE):
            chunk = gone[start : start + BATCH_SIZE]
            self.conn.execute(
                update(Recommendation)
                .where(Recommendation.id.in_(chunk))
                .values(
                    withdrawn=True,
                    withdrawn_at=now,
                    needs_review=True,
                    updated_run_id=self.run_id,
                    updated_at=now,
                )
            )
            self.conn.execute(
                insert(Revision),
                [
                    {
                        "recommendation_id": rec_id,
                        "import_run_id": self.run_id,
                        "changes": {"withdrawn": {"old": False, "new": True}},
                        "created_at": now,
                    }
                    for rec_id in chunk
                ],
            )
        self.counts.withdrawn += len(gone)
