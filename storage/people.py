"""Users as Slack describes them, their preferences, and the engineers who work tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.errors import InvalidInput
from storage.models import Engineer, Ticket, User, utcnow
from storage.sla_queries import not_closed

SPECIALTY_MAX = 100


@dataclass(frozen=True)
class Profile:
    """What `users.info` told us about someone."""

    slack_id: str
    name: str
    real_name: str = ""
    email: str | None = None
    tz: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class EngineerLoad:
    user_id: str
    display: str
    email: str | None
    specialty: str
    phone: str | None
    available: bool
    created_at: datetime
    open_tickets: int


class People:
    def __init__(self, db: Database) -> None:
        self.db = db

    def remember(self, profile: Profile) -> None:
        with self.db.transaction() as session:
            self._upsert(session, profile)

    def user(self, slack_id: str) -> User | None:
        with self.db.read() as session:
            return session.get(User, slack_id)

    def add_engineer(self, profile: Profile, specialty: str, phone: str | None = None) -> bool:
        """Register (or update) an engineer; returns True when they were not one before."""
        specialty = specialty.strip()
        if not specialty or len(specialty) > SPECIALTY_MAX:
            raise InvalidInput({"specialty": "error.required" if not specialty else "error.too_long"})
        with self.db.transaction() as session:
            self._upsert(session, profile)
            engineer = session.get(Engineer, profile.slack_id)
            if engineer is None:
                session.add(Engineer(user_id=profile.slack_id, specialty=specialty, phone=phone))
                return True
            engineer.specialty = specialty
            engineer.phone = phone or engineer.phone
            return False

    def remove_engineer(self, slack_id: str) -> bool:
        """Tickets keep pointing at the person (a users row); only the engineer role goes."""
        with self.db.transaction() as session:
            engineer = session.get(Engineer, slack_id)
            if engineer is None:
                return False
            session.delete(engineer)
            return True

    def set_available(self, slack_id: str, available: bool) -> bool:
        with self.db.transaction() as session:
            engineer = session.get(Engineer, slack_id)
            if engineer is None:
                return False
            engineer.available = available
            return True

    # -- preferences -------------------------------------------------------------------------

    def digest_subscribers(self) -> list[str]:
        """Engineers who asked for the morning DM (`/ticket digest on`) and are not away."""
        query = (
            select(User.slack_id)
            .join(Engineer, Engineer.user_id == User.slack_id)
            .where(User.wants_digest.is_(True), Engineer.available.is_(True))
            .order_by(User.slack_id)
        )
        with self.db.read() as session:
            return list(session.scalars(query))

    def wants_digest(self, user_id: str) -> bool:
        with self.db.read() as session:
            user = session.get(User, user_id)
            return bool(user and user.wants_digest)

    def set_wants_digest(self, user_id: str, on: bool) -> bool:
        """Returns False when there is no such user (only people we know have a users row)."""
        with self.db.transaction() as session:
            result = session.execute(update(User).where(User.slack_id == user_id).values(wants_digest=on))
            return bool(result.rowcount)

    def engineers(self, session: Session | None = None) -> list[EngineerLoad]:
        """Every engineer with their count of tickets not yet closed, by name (read in `session`
        when given, e.g. with the tickets a card needs)."""
        if session is None:
            with self.db.read() as own:
                return self.engineers(own)
        open_count = (
            select(func.count())
            .where(Ticket.engineer_id == Engineer.user_id, not_closed())
            .correlate(Engineer)
            .scalar_subquery()
        )
        rows = session.execute(select(Engineer, open_count)).all()
        loads = [
            EngineerLoad(
                user_id=e.user_id,
                display=e.user.display,
                email=e.user.email,
                specialty=e.specialty,
                phone=e.phone,
                available=e.available,
                created_at=e.created_at,
                open_tickets=int(count),
            )
            for e, count in rows
        ]
        return sorted(loads, key=lambda load: load.display.lower())

    @staticmethod
    def _upsert(session, profile: Profile) -> User:
        user = session.get(User, profile.slack_id)
        if user is None:
            user = User(slack_id=profile.slack_id)
            session.add(user)
        user.name = profile.name
        user.real_name = profile.real_name
        user.email = profile.email
        user.tz = profile.tz
        user.locale = profile.locale
        user.fetched_at = utcnow()
        session.flush()
        return user
