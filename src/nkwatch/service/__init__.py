"""REST API and web UI over the capability cores."""
