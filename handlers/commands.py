"""`/ticket` and its subcommands."""

from __future__ import annotations

from dataclasses import dataclass

from slack_bolt import App

from bot.services import Services
from handlers import ids
from handlers.blocks.listing import MINE_LIMIT, help_message, mine_message
from handlers.blocks.ticket_form import new_ticket_view
from handlers.edge import acks_safely, logs_failures

# Each subcommand in both languages; anything else is the title of a new ticket.
SUBCOMMANDS = {
    "help": "help",
    "ayuda": "help",
    "mine": "mine",
    "mis": "mine",
    "mios": "mine",
    "míos": "mine",
}


@dataclass(frozen=True)
class Command:
    name: str  # help | mine | new
    rest: str = ""


def parse_command(text: str | None) -> Command:
    text = (text or "").strip()
    word, _, rest = text.partition(" ")
    name = SUBCOMMANDS.get(word.lower())
    if name:
        return Command(name, rest.strip())
    return Command("new", text)


def register(app: App, services: Services) -> None:
    tr = services.tr

    @acks_safely(tr)
    def answer(ack, command):
        parsed = parse_command(command.get("text"))
        if parsed.name == "help":
            ack(**help_message(tr).as_kwargs(), response_type="ephemeral")
        elif parsed.name == "mine":
            tickets, total = services.tickets.reported_by(command["user_id"], limit=MINE_LIMIT)
            ack(**mine_message(tr, tickets, total).as_kwargs(), response_type="ephemeral")
        else:
            ack()  # the modal opens right after, from the lazy listener

    @logs_failures
    def open_modal(command, client):
        parsed = parse_command(command.get("text"))
        if parsed.name == "new":
            view = new_ticket_view(tr, services.settings.categories, title=parsed.rest)
            client.views_open(trigger_id=command["trigger_id"], view=view)

    app.command(ids.COMMAND)(ack=answer, lazy=[open_modal])
