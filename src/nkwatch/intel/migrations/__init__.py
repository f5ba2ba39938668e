"""Numbered SQL migrations of the intel capability (gathered by the store)."""
