"""Drills: the app against a real outage (a database restart, Slack rate-limiting for 30 s).

Opt-in only (`TICKETBOT_DRILLS=1`): they take minutes, and restarting PostgreSQL cuts every
other connection to it on the machine. See tests/drills/conftest.py.
"""
