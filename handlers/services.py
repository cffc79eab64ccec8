"""What the Slack listeners are given, built once by `bot.app`: the domain services, the
translators, and the few settings they read (`Workspace`, not the whole configuration)."""

from __future__ import annotations

from dataclasses import dataclass, field

from exports.service import ExportService
from handlers.after_ack import AfterAck
from handlers.i18n import Translator, translator
from storage.attachments import Attachments
from storage.dashboards import Dashboards
from storage.db import Database
from storage.domain import Category
from storage.incidents import IncidentService
from storage.known_fixes import KnownFixes
from storage.people import People
from storage.roles import Roles
from storage.tickets import TicketService


@dataclass(frozen=True)
class Workspace:
    """The settings listeners and cards read: what the workspace offers, not how the bot runs."""

    categories: tuple[Category, ...]
    category_specialties: tuple[tuple[str, str], ...] = ()
    intake_channels: frozenset[str] = frozenset()  # where a :ticket: reaction files a ticket
    digest_time: str | None = None  # the engineers' morning DM, workspace time; None: off

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    def specialty_for(self, category: str) -> str | None:
        """The engineer specialty that fits tickets of `category`, if one is configured."""
        return dict(self.category_specialties).get(category)


@dataclass(frozen=True)
class Services:
    workspace: Workspace
    db: Database
    tickets: TicketService
    people: People
    tr: Translator  # the workspace's (BOT_LANGUAGE): the triage channel, digests, shared addresses
    # Built once: one admin set for every check, one 30-s cache of the Home tabs' totals.
    roles: Roles
    dashboards: Dashboards
    exports: ExportService
    incidents: IncidentService  # one outage, many tickets (storage.incidents)
    attachments: Attachments  # files that came with comments (storage.attachments)
    known_fixes: KnownFixes  # what solved a problem before (storage.known_fixes)
    after_ack: AfterAck = field(default_factory=AfterAck)  # listeners' follow-up work

    def tr_for(self, user_id: str | None) -> Translator:
        """The translator for what goes to this one person: their language (storage.people
        `language_of`: their choice, their Slack locale, else the workspace's)."""
        if not user_id:
            return self.tr
        return translator(self.people.language_of(user_id, self.tr.language))
