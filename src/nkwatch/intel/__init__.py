"""Threat-intel knowledge base: DPRK incidents, actors, addresses and published figures."""
