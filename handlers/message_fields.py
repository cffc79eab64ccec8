"""A message, read for a ticket: who wrote it (and so who reports), its title and description.

Who reports: the message's author has the problem, so they do (its DM card and emails go to
them). Not when the author is a bot (ours or another's: an alert) nor when they belong to another
organisation: in a Slack Connect channel, or from another workspace of an Enterprise Grid, the
author's team (`user_team`, else `team`) is not the app's (`team_id`/`enterprise_id` of the
installation). A ticket's cards, DMs and emails never go to an outsider: whoever filed the message
reports it, and the description opens with who wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.directory import UnknownUser, lookup
from handlers.message_text import clip_words, first_line, mentioned_users, plain_text
from handlers.payload import obj, string
from handlers.services import Services
from storage.domain import DESCRIPTION_MAX, TITLE_MAX

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")


@dataclass(frozen=True)
class Authorship:
    """`reporter`: the author when they are one of ours, else None (whoever filed it reports);
    `outsider`: how to name an author from another organisation, quoted in the description."""

    reporter: str | None
    outsider: str | None = None


def message_author(message: dict, bot_user_id: str | None) -> str | None:
    """The person who wrote a message; None for a bot's (ours or another's)."""
    user = message.get("user")
    if message.get("bot_id") or message.get("subtype") == "bot_message" or not isinstance(user, str):
        return None
    if user == bot_user_id or not USER_ID.match(user):
        return None
    return user


def home_teams(context: dict) -> frozenset[str]:
    """The installation's team and organisation (Bolt's context, read from the payload)."""
    return frozenset(
        t for t in (context.get("team_id"), context.get("enterprise_id")) if isinstance(t, str) and t
    )


def author_team(message: dict) -> str:
    """The team of the message's author as the message says it ('' when it does not)."""
    return string(message.get("user_team")) or string(message.get("team"))


def authorship(message: dict, bot_user_id: str | None, home: frozenset[str], team: str = "") -> Authorship:
    """Who reports a message filed by someone of ours. `team`: the author's team as users.info
    says it (`looked_up_team`), else the message's; unknown means one of ours."""
    author = message_author(message, bot_user_id)
    if author is None:
        return Authorship(None)
    team = team or author_team(message)
    if not home or not team or team in home:
        return Authorship(author)
    profile = obj(message.get("user_profile"))  # shared-channel messages carry the author's profile
    name = (
        string(profile.get("real_name")) or string(profile.get("display_name")) or string(profile.get("name"))
    )
    return Authorship(None, name or author)


def must_look_up_team(message: dict, home: frozenset[str]) -> bool:
    """Whether the message's own team field cannot settle it: absent, or another workspace while
    the app is in an Enterprise Grid (a colleague there has the org's id only in users.info)."""
    team = author_team(message)
    return bool(home) and (not team or (team not in home and any(t.startswith("E") for t in home)))


def looked_up_team(client: WebClient, user_id: str, home: frozenset[str]) -> str:
    """The author's organisation per users.info: the Grid's id when it is ours, else their team."""
    try:
        user = obj(client.users_info(user=user_id).get("user"))
    except (SlackApiError, OSError):
        return ""
    enterprise = string(obj(user.get("enterprise_user")).get("enterprise_id"))
    return enterprise if enterprise in home else string(user.get("team_id"))


def ticket_fields(services: Services, client: WebClient, text: str, lookups: int) -> tuple[str, str]:
    """(title, description) of a message: plain text, the title its first line clipped on a word.
    Mentions are named from the users table, else by users.info (at most `lookups` of them)."""
    known: dict[str, str | None] = {}
    for user_id in mentioned_users(text)[:lookups]:
        known[user_id] = _name(services, client, user_id)
    plain = plain_text(text, known.get)
    title = clip_words(first_line(plain), TITLE_MAX)
    description = clip_words(plain, DESCRIPTION_MAX)
    return title, description


def quoted(description: str, written_by: str) -> str:
    """The description with the line saying who wrote it first (`written_by`, translated)."""
    return clip_words(f"{written_by}\n{description}" if description else written_by, DESCRIPTION_MAX)


def must_look_up(services: Services, text: str, lookups: int) -> bool:
    """Whether naming the message's mentions needs users.info (someone not in the users table)."""
    return any(_stored_name(services, user_id) is None for user_id in mentioned_users(text)[:lookups])


def _stored_name(services: Services, user_id: str) -> str | None:
    user = services.people.user(user_id)
    return (user.real_name or user.name or None) if user is not None else None


def _name(services: Services, client: WebClient, user_id: str) -> str | None:
    """A mentioned person's name: from the users table, else users.info (remembered)."""
    if (stored := _stored_name(services, user_id)) is not None:
        return stored
    try:
        profile = lookup(client, user_id)
    except (UnknownUser, SlackApiError, OSError):
        return None
    services.people.remember(profile)
    return profile.real_name or profile.name or None
