"""Tickets from where people already talk: the "Create ticket" message shortcut, and a :ticket:
reaction on a message in an `INTAKE_CHANNELS` channel.

Who is who (handlers/message_fields.py): the message's author has the problem, so they are the
ticket's reporter; whoever used the shortcut or reacted is the actor of its first event, and the
reporter too when the author is a bot or from another organisation.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers import ids
from handlers.blocks.ticket_form import new_ticket_view
from handlers.blocks.work_modals import notice_view
from handlers.edge import ack_only, logs_failures
from handlers.message_body import message_markup
from handlers.message_fields import (
    authorship,
    home_teams,
    looked_up_team,
    must_look_up,
    must_look_up_team,
    quoted,
    ticket_fields,
)
from handlers.new_ticket import ack_filing, file_form, parse_new_ticket
from handlers.payload import actor_of, obj, string, trigger_of
from handlers.services import Services
from storage.domain import Actor, Priority
from storage.tickets import NewTicket

log = logging.getLogger("ticketbot.handlers")

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")  # as handlers.message_fields.USER_ID
TS = re.compile(r"^\d{1,12}\.\d{1,9}$")
SHORTCUT_LOOKUPS = 3  # users.info calls before the form is drawn (the user waits on them)
REACTION_LOOKUPS = 10
DEFAULT_CATEGORY = "other"


def source_metadata(channel: str, message: dict, author: str | None) -> str:
    """Where the message is, for the modal's private_metadata (set by us, returned by Slack)."""
    source = {"channel": channel, "ts": message.get("ts", ""), "thread_ts": message.get("thread_ts")}
    if author:
        source["author"] = author
    return json.dumps(source, separators=(",", ":"))


def parse_source(metadata: str) -> dict[str, str]:
    """The source of a submitted modal, each value checked; {} if it is not one we wrote."""
    try:
        source = json.loads(metadata or "{}")
    except (ValueError, TypeError):  # TypeError: metadata that is not even a string
        return {}
    if not isinstance(source, dict):
        return {}
    channel, ts = source.get("channel"), source.get("ts")
    if not (isinstance(channel, str) and CHANNEL_ID.match(channel) and isinstance(ts, str) and TS.match(ts)):
        return {}
    found = {"channel": channel, "ts": ts, "thread_ts": ts}
    if isinstance(source.get("thread_ts"), str) and TS.match(source["thread_ts"]):
        found["thread_ts"] = source["thread_ts"]
    if isinstance(source.get("author"), str) and USER_ID.match(source["author"]):
        found["author"] = source["author"]
    return found


def default_category(keys: tuple[str, ...]) -> str:
    return DEFAULT_CATEGORY if DEFAULT_CATEGORY in keys else keys[0]


def register(app: App, services: Services) -> None:
    tr, workspace = services.tr, services.workspace

    # -- the message shortcut -----------------------------------------------------------------

    @logs_failures
    def open_form(body, client, context):
        message = obj(body.get("message"))
        channel = string(obj(body.get("channel")).get("id"))
        text = message_markup(message)  # alerts from other bots: their attachments and blocks too
        # The form cannot wait for users.info: an author of another Grid workspace counts as outside.
        who = authorship(message, context.get("bot_user_id"), home_teams(context))
        metadata = source_metadata(channel, message, who.reporter)
        trigger = trigger_of(body)
        if not trigger:
            return

        tr = services.tr_for(actor_of(body).user_id)  # the modal is the clicker's

        def form() -> dict:
            title, description = ticket_fields(services, client, text, SHORTCUT_LOOKUPS)
            if who.outsider:
                description = quoted(description, tr("intake.written_by", name=who.outsider))
            return new_ticket_view(
                tr,
                workspace.categories,
                title=title,
                description=description,
                callback_id=ids.MESSAGE_TICKET_VIEW,
                private_metadata=metadata,
            ).to_dict()

        if not must_look_up(services, text, SHORTCUT_LOOKUPS):
            client.views_open(trigger_id=trigger, view=form())
            return
        # users.info before views.open would spend the trigger's 3 s (and may wait out a 429):
        # the modal opens now, saying it reads the message, and becomes the form once names are known.
        opened = client.views_open(trigger_id=trigger, view=notice_view(tr, tr("intake.reading")))

        @logs_failures
        def fill_in(view_id: str) -> None:
            client.views_update(view_id=view_id, view=form())

        services.after_ack.may_sleep(fill_in, view_id=opened["view"]["id"])

    # The modal opens right after the ack, first thing, on the pool kept for trigger-bound work.
    app.shortcut(ids.MESSAGE_SHORTCUT)(services.after_ack.listener(ack_only, open_form, trigger_bound=True))

    def file_from_message(ack, body, view):
        submitter = actor_of(body)
        source = parse_source(view.get("private_metadata") or "")
        new = parse_new_ticket(view)  # keyed on the view id: a double submission files one ticket
        if source:
            new = replace(
                new,
                source_channel=source["channel"],
                source_ts=source["ts"],
                source_thread_ts=source["thread_ts"],
            )
        reporter = Actor(source["author"]) if "author" in source else submitter
        submitter_tr = services.tr_for(submitter.user_id)  # the modal's errors are the submitter's
        ack_filing(ack, submitter_tr, lambda: file_form(services, reporter, new, view, filed_by=submitter))

    app.view(ids.MESSAGE_TICKET_VIEW)(file_from_message)

    # -- the :ticket: reaction ----------------------------------------------------------------

    @logs_failures
    def file_from_reaction(event, client, context):
        item = obj(event.get("item"))
        channel, ts = string(item.get("channel")), string(item.get("ts"))
        if (
            event.get("reaction") != ids.INTAKE_REACTION
            or item.get("type") != "message"
            or channel not in workspace.intake_channels
            or not TS.match(ts)
            or not USER_ID.match(string(event.get("user")))
        ):
            return
        bot_user_id = context.get("bot_user_id")
        if bot_user_id and event.get("item_user") == bot_user_id:
            return  # the bot's own message
        if existing := services.tickets.filed_from(channel, ts):
            log.info(
                "%s was already filed from message %s in %s; :ticket: ignored", existing.number, ts, channel
            )
            return
        message = _fetch_message(client, channel, ts)
        if message is None or (message.get("user") == bot_user_id and bot_user_id):
            return
        if message.get("bot_id") and message.get("bot_id") == context.get("bot_id"):
            return
        reactor = Actor(event.get("user") or "")
        home, team = home_teams(context), ""
        if USER_ID.match(string(message.get("user"))) and must_look_up_team(message, home):
            team = looked_up_team(client, message["user"], home)
        who = authorship(message, bot_user_id, home, team)
        title, description = ticket_fields(services, client, message_markup(message), REACTION_LOOKUPS)
        description = description or tr("intake.no_text")
        if who.outsider:
            description = quoted(description, tr("intake.written_by", name=who.outsider))
        new = NewTicket(
            title=title or tr("intake.untitled"),
            description=description,
            category=default_category(workspace.category_keys),
            priority=Priority.MEDIUM.value,
            # A second :ticket: on the message, or Slack retrying the event, files nothing more.
            request_key=f"msg:{channel}:{ts}",
            source_channel=channel,
            source_ts=ts,
            source_thread_ts=message.get("thread_ts") or ts,
        )
        reporter = Actor(who.reporter) if who.reporter else reactor
        ticket, created = services.tickets.create(reporter, new, filed_by=reactor)
        if created:
            log.info("%s filed from a :ticket: reaction in %s", ticket.number, channel)

    # Every reaction_added is answered 200 at once; what it means is decided after the ack.
    app.event("reaction_added")(services.after_ack.listener(ack_only, file_from_reaction))


def _fetch_message(client: WebClient, channel: str, ts: str) -> dict | None:
    """The message at (channel, ts), top-level or in a thread (conversations.replies finds both)."""
    try:
        response = client.conversations_replies(channel=channel, ts=ts, inclusive=True, limit=1)
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        log.warning("cannot read the message reacted to in %s (%s): is the bot in it?", channel, code)
        return None
    for message in response.get("messages") or []:
        if isinstance(message, dict) and message.get("ts") == ts:
            return message
    log.warning("the message %s in %s reacted to is gone", ts, channel)
    return None
