"""Users as Slack describes them, their preferences, and the engineers who work tickets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.db import Database
from storage.domain import LANGUAGES
from storage.errors import InvalidInput
from storage.inserts import dialect_insert
from storage.models import Engineer, Ticket, User, utcnow
from storage.sla_queries import not_closed

SPECIALTY_MAX = 100
# A person's language is read once a minute at most: every ack and delivery asks for it. A change
# made in this process shows at once; one made in another process (a profile refreshed by the
# delivery process) within the minute.
LANGUAGE_TTL = 60.0
LANGUAGES_CACHED_MAX = 10_000  # people kept before the cache starts over


def language_from_locale(locale: str | None) -> str | None:
    """Slack's `es-ES`, `es-LA`, `en-US`, `en-GB`… → a catalog language; None for any other."""
    prefix = (locale or "").replace("_", "-").split("-")[0].lower()
    return prefix if prefix in LANGUAGES else None


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
    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self._clock = clock
        self._languages: dict[str, tuple[float, str | None]] = {}  # id → (read at, language or None)

    def remember(self, profile: Profile) -> None:
        with self.db.transaction() as session:
            self._upsert(session, profile)
        self._languages.pop(profile.slack_id, None)  # a new locale speaks at once

    # -- languages ---------------------------------------------------------------------------

    def language_of(self, user_id: str, default: str) -> str:
        """The language to write to this person in: their `/ticket language` choice, else their
        Slack locale as last looked up (users.info), else `default` (the workspace's). Never asks
        Slack: someone never looked up gets the default."""
        now = self._clock()
        cached = self._languages.get(user_id)
        if cached is None or now - cached[0] > LANGUAGE_TTL:
            query = select(User.language_override, User.locale).where(User.slack_id == user_id)
            with self.db.read() as session:
                row = session.execute(query).first()
            chosen = None if row is None else row.language_override or language_from_locale(row.locale)
            if len(self._languages) >= LANGUAGES_CACHED_MAX:
                self._languages.clear()
            cached = self._languages[user_id] = (now, chosen)
        return cached[1] or default

    def set_language(self, user_id: str, language: str | None, name: str = "") -> None:
        """`language`: one of LANGUAGES, or None to follow the Slack locale again (auto). Anyone
        may choose, known or not: the users row is made if it is missing."""
        if language is not None and language not in LANGUAGES:
            raise ValueError(f"no catalog for language {language!r}")
        with self.db.transaction() as session:
            insert = dialect_insert(session.get_bind().dialect.name)(User)
            session.execute(
                insert.values(slack_id=user_id, name=name, real_name="").on_conflict_do_nothing(
                    index_elements=["slack_id"]
                )
            )
            session.execute(update(User).where(User.slack_id == user_id).values(language_override=language))
        self._languages.pop(user_id, None)

    def user(self, slack_id: str) -> User | None:
        with self.db.read() as session:
            return session.get(User, slack_id)

    def user_by_email(self, address: str) -> User | None:
        """The person whose stored address (users.info's) this is, whatever its case; of two
        rows with one address (an account re-created), the one last looked up."""
        address = address.strip().lower()
        if not address:
            return None
        query = (
            select(User)
            .where(func.lower(User.email) == address)
            .order_by(User.fetched_at.desc().nulls_last(), User.slack_id)
            .limit(1)
        )
        with self.db.read() as session:
            return session.scalars(query).first()

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
                added = True
            else:
                engineer.specialty = specialty
                engineer.phone = phone or engineer.phone
                added = False
        self._languages.pop(profile.slack_id, None)
        return added

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
