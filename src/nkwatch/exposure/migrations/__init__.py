"""Numbered SQL migrations of the exposure capability (gathered by the store)."""
