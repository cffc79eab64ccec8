"""End-to-end runs: Slack requests through every floor (listeners, services, outbox, delivery),
in real `ticketbot` processes or the whole assembled app, against the fake Slack."""
