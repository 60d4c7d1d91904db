"""Readers that turn each source format into ``SourceRecord``s, and the one upsert pipeline."""
