"""User text is clipped after it is escaped: a card or reply full of `<` still fits Slack's limits."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.config import Settings
from handlers.blocks.cards import ticket_card
from handlers.blocks.replies import event_reply
from handlers.i18n import Translator
from handlers.text import escaped
from storage.models import Ticket, TicketEvent

NOW = datetime(2026, 11, 24, 13, tzinfo=timezone.utc)


def test_escaped_clips_after_escaping_and_never_inside_an_entity():
    assert escaped("a<b", 10) == "a&lt;b"
    assert escaped("<" * 10, 12) == "&lt;&lt;…"  # not "&lt;&lt;&l…"
    assert len(escaped("&" * 5000, 3000)) <= 3000


def test_a_card_and_a_reply_full_of_markup_fit():
    tr = Translator("en")
    hostile = "<b>&amp;</b>" * 400
    ticket = Ticket(
        id=7,
        reporter_id="U0REPORTER",
        title=hostile[:150],
        description=hostile[:3000],
        category="software",
        priority="high",
        status="open",
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    card = ticket_card(tr, ticket, Settings().categories)
    card.as_kwargs()  # validates every block: raises past 3,000 characters
    mrkdwn = [b["text"]["text"] for b in card.as_kwargs()["blocks"] if b["type"] == "section" and "text" in b]
    assert mrkdwn and all("<b>" not in t and len(t) <= 3000 for t in mrkdwn)
    event = TicketEvent(
        id=1, ticket_id=7, actor_id="U0CARLOS", kind="note", note=hostile[:3000], visibility="public"
    )
    reply = event_reply(tr, event)
    reply.as_kwargs()
    assert len(reply.blocks[0].text.text) <= 3000
