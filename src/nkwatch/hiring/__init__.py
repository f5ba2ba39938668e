"""Hiring screening: DPRK IT-worker indicators and linking of applications to one operator."""
