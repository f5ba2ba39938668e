"""Exposure screening and live watch: how much of a deposit comes from DPRK-linked sources."""
