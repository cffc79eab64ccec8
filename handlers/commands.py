"""`/ticket` and its subcommands.

Each feature registers its own subcommands (`subcommand(...)`) from its module's `register`;
this module only routes. Anything that is not a subcommand is the title of a new ticket.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import App

from handlers import ids
from handlers.after_ack import NOTHING_FOLLOWS
from handlers.blocks.listing import MINE_LIMIT, help_message, mine_message
from handlers.blocks.ticket_form import new_ticket_view
from handlers.edge import acks_safely, logs_failures
from handlers.services import Services


@dataclass(frozen=True)
class Invocation:
    """One `/ticket …` as Slack sent it: who, where, and the words after the subcommand."""

    user_id: str
    channel_id: str
    rest: str
    command: dict


# answer(invocation, ack) must ack quickly; later(invocation, client, respond) runs after the ack.
Answer = Callable[[Invocation, Callable], None]
Later = Callable[..., None]


@dataclass(frozen=True)
class Subcommand:
    answer: Answer
    later: Later | None = None


class Router:
    def __init__(self) -> None:
        self.subcommands: dict[str, Subcommand] = {}
        # Whole texts that are not a title though no subcommand word starts them (`/ticket TKT-000042`).
        self.patterns: list[tuple[Callable[[str], bool], Subcommand]] = []
        self.help_keys: list[str] = []  # extra lines of `/ticket help`, one i18n key per feature

    def add(
        self, names: tuple[str, ...], answer: Answer, later: Later | None = None, help_key: str | None = None
    ) -> None:
        for name in names:
            self.subcommands[_plain(name)] = Subcommand(answer, later)
        if help_key and help_key not in self.help_keys:
            self.help_keys.append(help_key)

    def add_pattern(self, matches: Callable[[str], bool], answer: Answer, later: Later | None = None) -> None:
        """Route a whole text that `matches` to `answer`, with the text itself as `rest`."""
        self.patterns.append((matches, Subcommand(answer, later)))

    def route(self, command: dict) -> tuple[Subcommand | None, Invocation]:
        text = (command.get("text") or "").strip()
        word, _, rest = text.partition(" ")
        found = self.subcommands.get(_plain(word)) if word else None
        if found is None and text:
            found = next((sub for matches, sub in self.patterns if matches(text)), None)
            rest = text
        invocation = Invocation(
            user_id=command.get("user_id", ""),
            channel_id=command.get("channel_id", ""),
            rest=rest.strip() if found else text,
            command=command,
        )
        return found, invocation


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def register(app: App, services: Services, router: Router) -> None:
    tr = services.tr

    @functools.cache
    def help_text() -> dict:
        """The same for everyone once every module has registered its lines: drawn once."""
        return help_message(tr, [tr(key) for key in router.help_keys]).as_kwargs()

    def help_(invocation: Invocation, ack: Callable) -> None:
        ack(**help_text(), response_type="ephemeral")

    def mine(invocation: Invocation, ack: Callable) -> None:
        tickets, total = services.tickets.reported_by(invocation.user_id, limit=MINE_LIMIT)
        ack(**mine_message(tr, tickets, total).as_kwargs(), response_type="ephemeral")

    router.add(("help", "ayuda"), help_)
    router.add(("mine", "mis", "mios"), mine)

    @acks_safely(tr)
    def answer(ack, command):
        found, invocation = router.route(command)
        if found is None:
            ack()  # the filing modal opens right after the ack (`later`)
            return None
        found.answer(invocation, ack)
        return NOTHING_FOLLOWS if found.later is None else None

    # The empty form is the same for everyone: serialize it once (a View's to_dict costs about as
    # much CPU as the views.open call itself, on the worker that is also acking requests).
    blank_form = new_ticket_view(tr, services.workspace.categories).to_dict()

    @logs_failures
    def later(command, client, respond):
        found, invocation = router.route(command)
        if found is None:
            view = blank_form
            if invocation.rest:
                view = new_ticket_view(tr, services.workspace.categories, title=invocation.rest)
            client.views_open(trigger_id=command["trigger_id"], view=view)
        elif found.later is not None:
            found.later(invocation, client=client, respond=respond)

    app.command(ids.COMMAND)(services.after_ack.listener(answer, later))
