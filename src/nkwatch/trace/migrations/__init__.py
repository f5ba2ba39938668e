"""Numbered SQL migrations of the trace capability (gathered by the store)."""
