"""Sanctions screening: list parsing, list versions, name and crypto-address screening."""
