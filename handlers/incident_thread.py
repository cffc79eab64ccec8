"""A message in the thread of an incident's card (handlers/conversation.py asks, for a thread
that is no ticket card's): from staff, an update to every linked ticket's reporter, exactly as
the card's Post update modal sends one, with ✅ on the message once it is recorded; from anyone
else, or on a resolved incident, a word only to them, and nothing is sent.

The rules are the service's (storage.incident_threads); the text is what people wrote as plain
text (handlers/message_text.py), escaped wherever it is shown: it pings nobody.
"""

from __future__ import annotations

from slack_sdk import WebClient

from handlers.blocks.conversation import notice
from handlers.edge import error_text
from handlers.services import Services
from storage.domain import NOTE_MAX, Actor
from storage.errors import IncidentResolved, InvalidInput, NotAllowed, TicketError
from storage.incident_threads import incident_of_card, post_from_thread


def incident_reply(
    services: Services, client: WebClient, channel: str, thread_ts: str, ts: str, user: str, text: str
) -> bool:
    """Handle `user`'s message (`text`, at `ts`) if the thread is an incident card's; False if not."""
    thread = incident_of_card(services.db, channel, thread_ts)
    if thread is None:
        return False
    tr = services.tr_for(user)
    number = thread.number

    def say(key: str, **params) -> None:
        said = notice(tr(key, incident=number, **params))
        client.chat_postEphemeral(channel=channel, thread_ts=thread_ts, user=user, **said.as_kwargs())

    try:
        post_from_thread(services.incidents, Actor(user), thread.incident_id, text, channel, ts)
    except InvalidInput as error:
        if error.errors.get("note") == "error.too_long":  # a broadcast is never cut short
            say("incident.thread_too_long", max=NOTE_MAX)
        # blank (only files, say): nothing to post
    except NotAllowed:
        say("incident.thread_staff_only")
    except IncidentResolved:
        say("incident.thread_resolved")
    except TicketError as error:
        say("incident.thread_failed", reason=error_text(tr, error))
    return True
