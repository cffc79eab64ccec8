"""How many times the IMAP poller (bot.imap_poll) failed to take a message: past IMAP_MAX_ATTEMPTS
it gives up on it (moves it to IMAP_FAILED_FOLDER) instead of trying it again at every poll.

Where the server keeps keywords (Dovecot, Gmail…) the count is on the message itself, the keyword
TicketbotTry<n>: it outlives a restart and a change of leader, and a person looking at the mailbox
sees it. Elsewhere (Exchange Online keeps no keywords) it is kept in memory per UIDVALIDITY and UID
of the folder: a restart starts it again from 0, which only puts off giving up.

A try is counted *before* the message is handed, so a message that kills the process on the way
(out of memory, a crash in a C library) is counted too; a "tempfail" answer takes the try back:
waiting for the database is not a failure of the message. Each count is a keyword of its own, and
a Dovecot maildir keeps at most 26 keywords per folder: hence IMAP_MAX_ATTEMPTS' ceiling of 20.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from imapclient import IMAPClient

_TRY = re.compile(rb"^TicketbotTry(\d+)$", re.IGNORECASE)
FAILED_KEYWORD = "TicketbotFailed"  # set on a message given up on, where the server keeps keywords


def try_keyword(count: int) -> str:
    return f"TicketbotTry{count}"


@dataclass
class Tries:
    """The count in one selected folder during one poll; `memory` is the poller's, across polls."""

    client: IMAPClient
    uidvalidity: int
    keywords: bool  # the server keeps keywords: count on the message
    memory: dict[tuple[int, int], int] = field(default_factory=dict)

    def so_far(self, uid: int, flags: Iterable[bytes]) -> int:
        kept = max((int(m.group(1)) for f in flags if (m := _TRY.match(f))), default=0)
        return max(kept, self.memory.get((self.uidvalidity, uid), 0))

    def set(self, uid: int, old: int, new: int) -> None:
        """From `old` failed tries to `new` (0: none)."""
        key = (self.uidvalidity, uid)
        if new:
            self.memory[key] = new
        else:
            self.memory.pop(key, None)
        if self.keywords and old != new:
            if new:
                self.client.add_flags([uid], [try_keyword(new)], silent=True)
            if old:
                self.client.remove_flags([uid], [try_keyword(old)], silent=True)

    def forget(self, uid: int) -> None:
        """Done with it (finished or given up on); a keyword left on it travels with it, harmless."""
        self.memory.pop((self.uidvalidity, uid), None)

    def give_up(self, uid: int, count: int) -> None:
        """Marked as given up on, its count taken off: moved back by a person, it starts afresh."""
        self.forget(uid)
        if self.keywords:
            self.client.add_flags([uid], [FAILED_KEYWORD], silent=True)
            self.client.remove_flags([uid], [try_keyword(count)], silent=True)
