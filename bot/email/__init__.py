"""Ticket emails: rendering (Jinja2 templates, HTML autoescaped), composing (threading headers),
sending (SMTP with a reused connection, or the log), and the outbox deliverer tying them together."""
