"""Numbered SQL migrations of the service capability (gathered by the store)."""
