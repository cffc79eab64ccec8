"""A seeded month (and a bit) of helpdesk life, for the chart tests, docs pictures and bench.

Deterministic (a fixed random seed): tickets filed on business days at a few an hour, most
closed within their resolution target, some late, the recent ones still open; three engineers.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from storage.db import Database
from storage.models import Engineer, Ticket, User

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)  # a Monday morning
ENGINEERS = ("U0ENG1", "U0ENG2", "U0ENG3")
REPORTER = "U0REPORTER"
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
WEIGHTS = (5, 8, 3, 2, 4, 1)
PRIORITIES = ("low", "medium", "high", "critical")
TARGET_HOURS = {"low": 72, "medium": 24, "high": 8, "critical": 4}


def seed_month(db: Database, now: datetime = NOW, days: int = 60, per_day: int = 9, seed: int = 18) -> int:
    """Tickets filed over the `days` before `now`; returns how many."""
    rng = random.Random(seed)
    with db.transaction() as session:
        for user_id in (*ENGINEERS, REPORTER):
            if session.get(User, user_id) is None:
                session.add(User(slack_id=user_id, name=user_id.lower(), real_name=user_id.title()))
        session.flush()
        for user_id in ENGINEERS:
            if session.get(Engineer, user_id) is None:
                session.add(Engineer(user_id=user_id, specialty="general"))
        made = 0
        for back in range(days, -1, -1):
            day = now - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            # Busier in the middle of the window, quieter at its ends: a backlog that moves.
            count = max(1, per_day + rng.randint(-4, 4) + (3 if 20 < back < 40 else 0))
            for _ in range(count):
                created = day.replace(hour=8, minute=0) + timedelta(minutes=rng.randint(0, 9 * 60))
                if created >= now:
                    continue
                priority = rng.choices(PRIORITIES, (3, 6, 3, 1))[0]
                due = created + timedelta(hours=TARGET_HOURS[priority])
                hours = rng.expovariate(1 / (TARGET_HOURS[priority] * 0.7))
                closed = created + timedelta(hours=hours)
                is_closed = closed < now and rng.random() < 0.93
                engineer = rng.choice(ENGINEERS)
                session.add(
                    Ticket(
                        reporter_id=REPORTER,
                        engineer_id=engineer,
                        title=f"Seeded ticket {made}",
                        description="seeded",
                        category=rng.choices(CATEGORIES, WEIGHTS)[0],
                        priority=priority,
                        status="closed" if is_closed else rng.choice(("open", "in_progress", "on_hold")),
                        created_at=created,
                        updated_at=closed if is_closed else created,
                        closed_at=closed if is_closed else None,
                        resolution_due_at=due,
                    )
                )
                made += 1
    return made
