"""Turning a row's recipient into an address: a literal one, or a Slack user's profile email.

Profiles are cached in the users table and refreshed with `users.info` (scope
`users:read.email`) when unknown or older than a day. While Slack is unreachable a stale
cached address is used rather than holding the email back. Someone without an email (no
address on the profile, or the scope missing) is skipped with one log line: not an error.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import NamedTuple
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.dispatcher import Retry
from bot.slack_errors import classify
from bot.slack_pacing import Pacer
from handlers.directory import UnknownUser, lookup
from storage.errors import DuplicateKey
from storage.models import User, utcnow
from storage.people import People

log = logging.getLogger("ticketbot.email")

PROFILE_TTL = timedelta(days=1)
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")


class Mailbox(NamedTuple):
    name: str
    address: str


class AddressBook:
    def __init__(
        self,
        people: People,
        client: WebClient,
        ttl: timedelta = PROFILE_TTL,
        clock: Callable[[], datetime] = utcnow,
        pacer: Pacer | None = None,
    ) -> None:
        self.people, self.client, self.ttl, self.clock = people, client, ttl, clock
        self.pacer = pacer  # users.info draws on Slack's Tier 4 budget (bot.slack_pacing)

    def resolve(self, to: dict[str, str], known: User | None = None) -> Mailbox | None:
        """The address to write to, or None (logged) when there is none to be had. `known`: the
        recipient's users row if the caller has just read it (saves reading it again)."""
        if "address" in to:
            return _address(to["address"], "", to["address"])
        user_id = to["user"]
        cached = known if known is not None and known.slack_id == user_id else self.people.user(user_id)
        if cached and cached.fetched_at and self.clock() - cached.fetched_at < self.ttl:
            return _address(user_id, cached.display, cached.email)
        if self.pacer is not None:
            self.pacer.admit("users.info", None)  # Deferred: the email waits for the budget
        try:
            profile = lookup(self.client, user_id)
        except UnknownUser as error:
            log.warning("no email for %s: %s; email skipped", user_id, error)
            return None
        except (SlackApiError, SlackRequestError, URLError, OSError) as error:
            if cached and cached.email:
                return _address(user_id, cached.display, cached.email)
            if isinstance(error, SlackApiError):
                failure = classify(error)
                if self.pacer is not None and isinstance(failure, Retry):
                    failure = self.pacer.limited("users.info", None, failure)
                raise failure from error
            raise Retry(f"cannot reach Slack for users.info: {error}") from error
        with suppress(DuplicateKey):  # another process cached the same person just now
            self.people.remember(profile)
        return _address(user_id, profile.real_name or profile.name, profile.email)


def _address(who: str, name: str, email: str | None) -> Mailbox | None:
    if not email:
        log.warning(
            "no email address for %s: the Slack profile has none, or the app lacks users:read.email; "
            "email skipped",
            who,
        )
        return None
    if not _ADDRESS.match(email):
        log.warning("unusable email address %r for %s; email skipped", email, who)
        return None
    return Mailbox(name, email)
