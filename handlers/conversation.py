"""The ticket as a conversation: messages written to the bot (`message.im`, `message.channels`,
`message.groups`).

A message in the thread of a ticket's card is a comment on it (storage.conversation): under the
reporter's DM card, to the helpdesk; under the engineer's, to the reporter; under the triage
card, an internal note. It is passed on to the other side's thread, and ✅ shows on it once it
was (storage.notifications `relay`). A plain DM to the bot (no ticket thread) gets a short answer
with New ticket and the person's open tickets, instead of silence.

Edits and deletions of such a message follow it (handlers/message_edits.py): its author's edit
changes the comment and updates the relayed copy in place, a deletion removes the copy; an edit
is never relayed as a new comment, nor emailed again.

Never a loop or a ping: the bot's own messages and other bots' are ignored, and so are the
subtypes it does not handle (joins, topics…); edits and deletions of a message that became a
comment follow it (handlers/message_edits.py): an edit is never relayed as a new one. Files
shared with a message (`file_share`, or `files` on a plain one: handlers/message_files.py) go
with its comment: only noted here, fetched and passed on by delivery; one over FILE_MAX_MB
refuses the message, with a reply in the thread.
Retries of an event already handled are dropped by handlers/retries.py. What people wrote is
stored as plain text and escaped wherever the bot shows it (handlers/text.py): a `<!channel>`
or a user-group mention of theirs never pings anyone from the bot's mouth.
"""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from handlers import ids
from handlers.blocks.conversation import notice, plain_dm_message, too_late_message
from handlers.blocks.ticket_form import new_ticket_view
from handlers.edge import ack_only, error_text, logs_failures
from handlers.incident_thread import incident_reply
from handlers.message_edits import is_edit_or_deletion, on_edit_or_deletion
from handlers.message_files import files_of
from handlers.message_text import clip_words, first_line, plain_text
from handlers.payload import actor_of, string, trigger_of
from handlers.services import Services
from handlers.text import escape
from storage.domain import NOTE_MAX, TITLE_MAX, Actor, format_number
from storage.errors import FileTooLarge, InvalidInput, NotAllowed, TicketError
from storage.notifications import Line
from storage.threads import thread_of

# Subtypes that are a person writing: a plain message, a thread reply also sent to the channel,
# and a message with files.
WRITTEN = frozenset({None, "thread_broadcast", "file_share"})
OPEN_LISTED = 10  # open tickets listed under the answer to a plain DM


def is_person_writing(event: dict, bot_user_id: str | None) -> bool:
    """A person's new message: not the bot's, not another bot's, not an edit, join or topic."""
    subtype = event.get("subtype")
    if not (subtype is None or isinstance(subtype, str)) or subtype not in WRITTEN:
        return False  # a subtype of any other shape is no message a person wrote
    if event.get("bot_id") or event.get("bot_profile"):
        return False
    user = string(event.get("user"))
    return bool(user) and user != bot_user_id


def register(app: App, services: Services) -> None:
    tickets = services.tickets

    def name_of(user_id: str) -> str | None:
        user = services.people.user(user_id)
        return (user.real_name or user.name or None) if user is not None else None

    @logs_failures
    def on_message(event, client, context):
        if is_edit_or_deletion(event):  # the comment and its relayed copy follow (handlers.message_edits)
            on_edit_or_deletion(tickets, event, context.get("bot_user_id"), lambda t: plain_text(t, name_of))
            return
        if not is_person_writing(event, context.get("bot_user_id")):
            return
        channel, ts = string(event.get("channel")), string(event.get("ts"))
        thread_ts = string(event.get("thread_ts"))
        user = string(event.get("user"))
        text = plain_text(string(event.get("text")), name_of).strip()
        if thread_ts and thread_ts != ts:
            thread = thread_of(services.db, channel, thread_ts)
            if thread is not None:
                line = Line(thread.audience, channel, ts, files_of(event))
                comment(client, thread.ticket_id, Actor(user), text, line, thread_ts)
                return
            if incident_reply(services, client, channel, thread_ts, ts, user, text):
                return  # under an incident's card: staff post an update
        if event.get("channel_type") == "im" and text:
            answer_dm(client, channel, user, text, thread_ts or ts)

    def comment(client: WebClient, ticket_id: int, actor: Actor, text: str, line: Line, thread_ts: str):
        tr = services.tr_for(actor.user_id)
        number = format_number(ticket_id)
        where = {"channel": line.channel, "thread_ts": thread_ts}
        try:
            done = tickets.comment(ticket_id, actor, text, line)
        except FileTooLarge as error:  # nothing of the message was written: say why, in the thread
            name, max_mb = escape(str(error.params["name"])), error.params["max_mb"]
            said = notice(tr("thread.file_too_large", name=name, max_mb=max_mb))
            client.chat_postMessage(**where, **said.as_kwargs())
            return
        except InvalidInput:
            return  # nothing but blanks: nothing to pass on
        except NotAllowed:
            said = notice(tr("thread.not_allowed", number=number))
            client.chat_postEphemeral(user=actor.user_id, **where, **said.as_kwargs())
            return
        except TicketError as error:
            said = notice(tr("thread.failed", number=number, reason=error_text(tr, error)))
            client.chat_postEphemeral(user=actor.user_id, **where, **said.as_kwargs())
            return
        if done.too_late:
            days = tickets.reopen_window.days
            ticket = tickets.get(ticket_id, actor.user_id)
            client.chat_postMessage(**where, **too_late_message(tr, ticket, days, text).as_kwargs())
        elif done.clipped:
            said = notice(tr("thread.clipped", max=NOTE_MAX))
            client.chat_postEphemeral(user=actor.user_id, **where, **said.as_kwargs())

    def answer_dm(client: WebClient, channel: str, user: str, text: str, thread_ts: str):
        mine, _ = tickets.reported_by(user, limit=OPEN_LISTED * 2)
        still_open = [t for t in mine if t.status != "closed"][:OPEN_LISTED]
        message = plain_dm_message(services.tr_for(user), text, still_open)
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message.as_kwargs())

    app.event("message")(services.after_ack.listener(ack_only, on_message))

    @logs_failures
    def open_form(body, action, client):
        if not trigger_of(body):
            return
        said = string(action.get("value"))
        tr = services.tr_for(actor_of(body).user_id)
        title = clip_words(first_line(said), TITLE_MAX)
        view = new_ticket_view(tr, services.workspace.categories, title, description=said)
        client.views_open(trigger_id=trigger_of(body), view=view)

    app.action(ids.MESSAGE_NEW_TICKET)(services.after_ack.listener(ack_only, open_form, trigger_bound=True))
