"""Slack surfaces: parse the payload, call the service, draw Block Kit (`handlers/surfaces.py`
registers them all; `handlers/blocks/` holds the pure Block Kit builders)."""
