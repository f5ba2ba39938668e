"""Numbered SQL migrations of the sanctions capability (gathered by the store)."""
