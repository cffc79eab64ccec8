"""Edits and deletions of a message written in a card's thread (handlers/conversation.py).

Slack tells of them as `message` events of subtype `message_changed` (the message as it is now
in `event["message"]`, its own ts in `event["message"]["ts"]`) and `message_deleted`
(`deleted_ts`, and the message as it was in `previous_message`). What they change is decided in
storage.comment_edits: an edit by the comment's author changes its text and its relayed copy,
never writes a new comment; a deletion removes the copy. Everything else — the bot's own
copies being updated, another bot's or person's message, a link unfurled — changes nothing, and
says nothing: these events are Slack's bookkeeping, nobody is waiting for an answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from handlers.payload import string
from storage.errors import TicketError
from storage.tickets import TicketService

log = logging.getLogger("ticketbot.conversation")

CHANGED, DELETED = "message_changed", "message_deleted"
SUBTYPES = frozenset({CHANGED, DELETED})
# What a person's own message may be, once changed: a plain one, or a reply also sent to the channel.
WRITTEN = frozenset({None, "thread_broadcast"})


def is_edit_or_deletion(event: dict) -> bool:
    subtype = event.get("subtype")
    return isinstance(subtype, str) and subtype in SUBTYPES  # a subtype of another shape is neither


def on_edit_or_deletion(
    tickets: TicketService, event: dict, bot_user_id: str | None, plain_text: Callable[[str], str]
) -> None:
    """`plain_text`: Slack's markup of what was typed → the plain text a comment stores."""
    channel = string(event.get("channel"))
    if event.get("subtype") == DELETED:
        before = event.get("previous_message")
        if isinstance(before, dict) and (before.get("bot_id") or before.get("user") == bot_user_id):
            return  # one of the bot's own messages (a copy it removed itself)
        deleted_ts = string(event.get("deleted_ts"))
        if channel and deleted_ts:
            _quietly(lambda: tickets.delete_comment(channel, deleted_ts))
        return
    message = event.get("message")
    if not isinstance(message, dict) or message.get("subtype") not in WRITTEN:
        return  # a tombstone, or a shape Slack does not send
    if message.get("bot_id") or message.get("bot_profile"):
        return  # the bot's copies being updated, or another bot's message
    user, ts = string(message.get("user")), string(message.get("ts"))
    edited = message.get("edited")
    editor = string(edited.get("user")) if isinstance(edited, dict) else user
    if not (channel and ts and user) or user == bot_user_id or editor != user:
        return  # only the author's own edits count
    text = plain_text(string(message.get("text"))).strip()
    _quietly(lambda: tickets.edit_comment(channel, ts, user, text))


def _quietly(change: Callable[[], object]) -> None:
    """Refused (someone else's message, a blank text) or failed: logged, nobody answered."""
    try:
        change()
    except TicketError as error:
        log.info("an edit or deletion changed nothing: %s", type(error).__name__)
