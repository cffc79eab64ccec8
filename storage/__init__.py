"""Persistence and the ticket lifecycle: models, sessions, migrations, the ticket service, the outbox."""
