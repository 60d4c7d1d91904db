"""The one upsert pipeline every reader feeds.

Idempotent, keyed on (source, external id). A content hash over the feed-owned fields skips
unchanged records without writing a row. A change keeps a revision (old and new values) and
sets ``needs_review``; a record missing from a full export is marked withdrawn, never deleted.
The caller owns the transaction: this module only executes statements on its connection.
"""

from importers.pipeline.first_load import FIRST_LOAD_TABLES
from importers.pipeline.records import Counts, WithdrawalRefused
from importers.pipeline.upserter import Upserter

__all__ = ["FIRST_LOAD_TABLES", "Counts", "Upserter", "WithdrawalRefused"]
