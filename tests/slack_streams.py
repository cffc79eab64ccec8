"""What each ticket's Slack surfaces received, in arrival order, against what its outbox said.

A ticket has one ordered outbox stream per surface (`triage:42`, `reporter:42`, `engineer:42`):
a card row is a `chat.postMessage` the first time and a `chat.update` after, an event row a
reply in the card's thread. `expected` reads that from the rows (in id order), `received`
from the fake Slack's successful calls (in arrival order): equal means every notification
arrived, once, in order. A card row merged into an earlier one of its stream (`merged_into`:
that row's redraw drew its change too) makes no call of its own; a "new tickets" list message
(a burst, bot.triage_burst) is no ticket's surface.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from handlers.blocks.triage_list import NEW_TICKETS_BLOCK
from storage import outbox
from storage.models import OutboxRow, Ticket
from storage.notifications import ENGINEER, REPORTER, TRIAGE

CARD_KINDS = {outbox.SLACK_TRIAGE_CARD, outbox.SLACK_REPORTER_CARD, outbox.SLACK_ENGINEER_CARD}


def expected(db) -> dict[str, list[str]]:
    with db.read() as s:
        rows = s.scalars(select(OutboxRow).where(OutboxRow.kind.startswith("slack.")).order_by(OutboxRow.id))
        streams: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            if row.merged_into is not None:
                continue
            if row.kind in CARD_KINDS:
                streams[row.stream].append("update" if "post" in streams[row.stream] else "post")
            elif row.kind == outbox.SLACK_EVENT_REPLY:
                streams[row.stream].append("reply")
    return dict(streams)


def received(fake, db, triage_channel: str) -> dict[str, list[str]]:
    with db.read() as s:
        tickets = list(s.scalars(select(Ticket)))
    cards: dict[tuple[str, str], str] = {}  # (channel, ts) of each card → its stream
    posted_to: dict[tuple[str, str], str] = {}  # (channel asked for, ticket number) → stream
    for t in tickets:
        for audience, channel, ts, asked in (
            (TRIAGE, t.triage_channel, t.triage_ts, triage_channel),
            (REPORTER, t.reporter_dm_channel, t.reporter_dm_ts, t.reporter_id),
            (ENGINEER, t.engineer_dm_channel, t.engineer_dm_ts, t.engineer_id),
        ):
            cards[(channel, ts)] = posted_to[(asked, t.number)] = f"{audience}:{t.id}"
    streams: dict[str, list[str]] = defaultdict(list)
    for call in fake.calls():
        if call.failed or call.method not in ("chat.postMessage", "chat.update"):
            continue
        channel = call.params.get("channel")
        if call.method == "chat.update":
            streams[cards[(channel, call.params["ts"])]].append("update")
        elif (call.params.get("blocks") or [{}])[0].get("block_id") == NEW_TICKETS_BLOCK:
            continue
        elif call.params.get("thread_ts"):
            streams[cards[(channel, call.params["thread_ts"])]].append("reply")
        else:
            streams[posted_to[(channel, call.params["text"].split(":")[0])]].append("post")
    return dict(streams)
