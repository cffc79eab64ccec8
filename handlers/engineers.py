"""`/ticket engineers` (admins only): list, `add @user Specialty`, `remove @user`, `away @user`,
`back @user`. Adding asks Slack who the person is (users.info), so it answers after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from handlers.blocks.engineers import engineers_message
from handlers.directory import UnknownUser, lookup, parse_user_id
from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import escape, escaped, fold, mention
from storage.errors import InvalidInput
from storage.people import SPECIALTY_MAX

log = logging.getLogger("ticketbot.handlers")

VERBS = {
    "add": "add",
    "agregar": "add",
    "anadir": "add",
    "remove": "remove",
    "quitar": "remove",
    "eliminar": "remove",
    "away": "away",
    "ausente": "away",
    "back": "back",
    "disponible": "back",
}


class Unclear(ValueError):
    """`key` is the i18n key of the explanation; `word` what was not understood."""

    def __init__(self, key: str, word: str = "") -> None:
        super().__init__(key)
        self.key, self.word = key, word


@dataclass(frozen=True)
class EngineerCommand:
    verb: str  # list | add | remove | away | back
    user_id: str = ""
    specialty: str = ""


def parse_engineer_command(text: str) -> EngineerCommand:
    words = text.split()
    if not words:
        return EngineerCommand("list")
    verb = VERBS.get(fold(words[0]))
    if verb is None:
        raise Unclear("engineers.usage")
    if len(words) < 2:
        raise Unclear("engineers.who")
    try:
        user_id = parse_user_id(words[1])
    except UnknownUser:
        raise Unclear("engineers.bad_user", words[1]) from None
    specialty = " ".join(words[2:])
    if verb == "add" and not 0 < len(specialty) <= SPECIALTY_MAX:
        raise Unclear("engineers.specialty")
    return EngineerCommand(verb, user_id, specialty)


def register(app: App, services: Services, router: Router) -> None:
    people = services.people

    def say(ack: Callable, text: str) -> None:
        ack(text=text, response_type="ephemeral")

    def answer(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        if not services.tickets.is_admin(invocation.user_id):
            say(ack, tr("engineers.admins_only"))
            return
        try:
            command = parse_engineer_command(invocation.rest)
        except Unclear as unclear:
            say(ack, tr(unclear.key, word=escaped(unclear.word, 50), max=SPECIALTY_MAX))
            return
        who = mention(command.user_id)
        if command.verb == "list":
            ack(**engineers_message(tr, people.engineers()).as_kwargs(), response_type="ephemeral")
        elif command.verb == "add":
            say(ack, tr("engineers.adding", who=who))  # users.info answers after the ack
        elif command.verb == "remove":
            load = next((e.open_tickets for e in people.engineers() if e.user_id == command.user_id), 0)
            removed = people.remove_engineer(command.user_id)
            key = "engineers.removed_with_tickets" if removed and load else "engineers.removed"
            say(ack, tr(key, who=who, count=load) if removed else tr("engineers.not_one", who=who))
        else:
            available = command.verb == "back"
            if people.set_available(command.user_id, available):
                say(ack, tr("engineers.back" if available else "engineers.now_away", who=who))
            else:
                say(ack, tr("engineers.not_one", who=who))

    def add_later(invocation: Invocation, client, respond) -> None:
        tr = services.tr_for(invocation.user_id)
        if not services.tickets.is_admin(invocation.user_id):
            return
        try:
            command = parse_engineer_command(invocation.rest)
        except Unclear:
            return  # the ack already explained
        if command.verb != "add":
            return
        who = mention(command.user_id)
        try:
            profile = lookup(client, command.user_id)
            created = people.add_engineer(profile, command.specialty)
        except UnknownUser:
            respond(text=tr("engineers.unknown_user", who=who), response_type="ephemeral")
            return
        except InvalidInput:
            respond(text=tr("engineers.specialty", max=SPECIALTY_MAX), response_type="ephemeral")
            return
        except SlackApiError:
            log.exception("users.info for %s failed", command.user_id)
            respond(text=tr("error.generic"), response_type="ephemeral")
            return
        key = "engineers.added" if created else "engineers.updated"
        respond(text=tr(key, who=who, specialty=escape(command.specialty)), response_type="ephemeral")

    router.add(("engineers", "ingenieros"), answer, add_later, help_key="help.engineers")
