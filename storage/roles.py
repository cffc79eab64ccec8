"""Who someone is to the helpdesk: an admin (ADMIN_USER_IDS), an engineer (the engineers
table), or a reporter (everyone else). The one definition the ticket service, the dashboards
and the exports check against, built once by `bot.app`.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import Engineer

ADMIN, ENGINEER, REPORTER = "admin", "engineer", "reporter"


class Roles:
    def __init__(self, db: Database, admins: Collection[str] = ()) -> None:
        self.db = db
        self.admins = frozenset(admins)

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def is_engineer(self, user_id: str, session: Session | None = None) -> bool:
        """Registered as an engineer (in `session` if given, else in a read of its own)."""
        if session is not None:
            return session.get(Engineer, user_id) is not None
        with self.db.read() as own:
            return own.get(Engineer, user_id) is not None

    def role(self, user_id: str, session: Session | None = None) -> str:
        """ADMIN, ENGINEER or REPORTER: an admin who is also an engineer is an admin."""
        if self.is_admin(user_id):
            return ADMIN
        return ENGINEER if self.is_engineer(user_id, session) else REPORTER
