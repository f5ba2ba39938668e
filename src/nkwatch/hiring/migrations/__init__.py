"""Numbered SQL migrations of the hiring capability (gathered by the store)."""
