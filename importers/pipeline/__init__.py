"""The one upsert pipeline every reader feeds.

Idempotent, keyed on (source, external id). A content hash over the feed-owned fields skips
unchanged records without writing a row. A change keeps a revision (old and new values) and
sets ``needs_review``; a record missing from a full export is marked withdrawn, never deleted.
The caller owns the transaction: the pipeline only executes statements on its connection.
"""
