"""Asking for an export from Slack: who may export what, and the queue row that does the work.

Rules: anyone may export the tickets they reported (`mine`); engineers the tickets assigned to
them (`assigned`); admins everything (`all`). The scope's person is always who asked. The
request is one small transaction (an outbox row); the workbook is written later, by the
export worker, so the Slack request is answered at once.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass

from exports.scope import ALL, ENGINEER, REPORTER, ExportScope, filter_to_dict
from storage import outbox
from storage.db import Database
from storage.domain import SYSTEM_USER_ID
from storage.errors import NotAllowed
from storage.models import utcnow
from storage.queries import TicketFilter, count
from storage.roles import Roles

MINE, ASSIGNED = "mine", "assigned"
SCOPE_WORDS = {
    "mine": MINE,
    "mis": MINE,
    "mios": MINE,
    "mias": MINE,
    "assigned": ASSIGNED,
    "asignados": ASSIGNED,
    "asignadas": ASSIGNED,
    "all": ALL,
    "todos": ALL,
    "todo": ALL,
    "todas": ALL,
}


class ExportRefused(NotAllowed):
    """Not allowed, with the i18n `code` of the words that tell the user why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ExportRequest:
    scope: ExportScope
    count: int  # tickets matching when asked; 0 means nothing was queued


class ExportService:
    def __init__(self, db: Database, roles: Roles) -> None:
        self.db = db
        self.roles = roles

    def authorize(self, user_id: str, word: str) -> ExportScope:
        """`mine` | `assigned` | `all` for `user_id` → the scope, or ExportRefused."""
        # The bot itself (the weekly report) exports everything, as an admin would.
        if word == ALL and user_id != SYSTEM_USER_ID and not self.roles.is_admin(user_id):
            raise ExportRefused("export.only_admins")
        if word == ASSIGNED and not self.roles.is_engineer(user_id):
            raise ExportRefused("export.only_engineers")
        return scope_for(user_id, word)

    def request(
        self,
        user_id: str,
        word: str,
        flt: TicketFilter,
        *,
        channel_id: str | None = None,
        response_url: str | None = None,
    ) -> ExportRequest:
        """Check, count, and queue the export. `channel_id`: where an admin's `all` export should
        be posted (if the bot is a member there); `response_url`: for a word back to the asker."""
        scope = self.authorize(user_id, word)
        with self.db.read() as session:
            matching = count(session, scope.narrow(flt))
        if matching == 0:
            return ExportRequest(scope, 0)
        payload = {
            "request_id": uuid.uuid4().hex,
            "user_id": user_id,
            "scope": word,
            "filter": filter_to_dict(flt),
            "channel_id": channel_id if scope.kind == ALL else None,
            "response_url": response_url,
            "count": matching,
            "requested_at": utcnow().isoformat(),
        }
        with self.db.transaction() as session:
            outbox.enqueue(session, outbox.SLACK_EXPORT, payload)
        return ExportRequest(scope, matching)


def scope_for(user_id: str, word: str) -> ExportScope:
    if word == ALL:
        return ExportScope(ALL)
    return ExportScope(ENGINEER if word == ASSIGNED else REPORTER, user_id)


def scope_word(text: str) -> tuple[str, str]:
    """`/ticket export [mine|assigned|all] [filter…]` → (scope word, the filter text)."""
    first, _, rest = text.strip().partition(" ")
    word = SCOPE_WORDS.get(_plain(first))
    return (word, rest.strip()) if word else (MINE, text.strip())


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
