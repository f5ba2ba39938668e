"""Numbered SQL migrations of the store capability (gathered by the store)."""
