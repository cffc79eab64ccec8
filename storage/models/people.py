"""People: a Slack user as we last saw them, and the engineers who work tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, utcnow


class User(Base):
    """A Slack user as we last saw them (users.info), cached so emails and names need no API call."""

    __tablename__ = "users"

    slack_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), default="")
    real_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    tz: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(16))  # Slack's, e.g. es-ES (include_locale)
    language_override: Mapped[str | None] = mapped_column(String(8))  # `/ticket language es`; None: auto
    fetched_at: Mapped[datetime | None]
    wants_digest: Mapped[bool] = mapped_column(default=False, server_default=false())  # `/ticket digest on`

    @property
    def display(self) -> str:
        return self.real_name or self.name or self.slack_id


class Engineer(Base):
    __tablename__ = "engineers"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.slack_id"), primary_key=True)
    specialty: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    available: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
