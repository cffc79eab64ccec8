"""What the Slack listeners and jobs are given: settings and the domain services, built once."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.i18n import Translator
from handlers.after_ack import AfterAck
from storage.db import Database
from storage.people import People
from storage.tickets import TicketService


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    tickets: TicketService
    people: People
    tr: Translator
    after_ack: AfterAck = field(default_factory=AfterAck)  # listeners' follow-up work

    @classmethod
    def build(cls, settings: Settings, db: Database) -> Services:
        return cls(
            settings=settings,
            db=db,
            tickets=TicketService(
                db,
                admins=settings.admin_user_ids,
                categories=settings.category_keys,
                levels=settings.service_levels,
            ),
            people=People(db),
            tr=Translator(settings.language),
        )
