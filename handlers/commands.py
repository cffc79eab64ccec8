"""`/ticket` itself: the filing modal, `help` and `mine`; the other subcommands are added to the
router (handlers/router.py) by their own modules."""

from __future__ import annotations

import functools
from collections.abc import Callable

from slack_bolt import App

from handlers import ids
from handlers.after_ack import NOTHING_FOLLOWS
from handlers.blocks.listing import MINE_LIMIT, help_message, mine_message
from handlers.blocks.ticket_form import blank_form_of, new_ticket_view
from handlers.edge import acks_safely, logs_failures
from handlers.i18n import translator
from handlers.message_text import first_line, plain_text
from handlers.payload import trigger_of
from handlers.router import Invocation, Router
from handlers.services import Services


def register(app: App, services: Services, router: Router) -> None:
    tr_for = services.tr_for
    blank_form = blank_form_of(services.workspace.categories)

    @functools.cache
    def help_text(language: str) -> dict:
        """The same for everyone of a language once every module has registered its lines:
        drawn once per language."""
        tr = translator(language)
        return help_message(tr, [tr(key) for key in router.help_keys]).as_kwargs()

    def help_(invocation: Invocation, ack: Callable) -> None:
        ack(**help_text(tr_for(invocation.user_id).language), response_type="ephemeral")

    def mine(invocation: Invocation, ack: Callable) -> None:
        tickets, total = services.tickets.reported_by(invocation.user_id, limit=MINE_LIMIT)
        tr = tr_for(invocation.user_id)
        ack(**mine_message(tr, tickets, total).as_kwargs(), response_type="ephemeral")

    router.add(("help", "ayuda"), help_)
    router.add(("mine", "mis", "mios"), mine)

    @acks_safely(tr_for)
    def answer(ack, command):
        found, invocation = router.route(command)
        if found is None:
            ack()  # the filing modal opens right after the ack (`later`)
            return None
        found.answer(invocation, ack)
        return NOTHING_FOLLOWS if found.later is None else None

    def readable(escaped: str) -> str:
        """The words typed, as `should_escape` sent them (`<@U1|ana>`, `<https://x|label>`,
        `&lt;`) made readable: a mention by its `|name`, else the users table, never users.info
        (the trigger is ticking)."""

        def name_of(user_id: str) -> str | None:
            user = services.people.user(user_id)
            return (user.real_name or user.name or None) if user is not None else None

        return first_line(plain_text(escaped, name_of))

    @logs_failures
    def later(command, client, respond):
        found, invocation = router.route(command)
        if found is None:
            tr = tr_for(invocation.user_id)
            view = blank_form(tr.language)
            if invocation.rest:
                view = new_ticket_view(tr, services.workspace.categories, title=readable(invocation.rest))
            if trigger_of(command):
                client.views_open(trigger_id=trigger_of(command), view=view)
        elif found.later is not None:  # no modal: it may wait out a 429 on the general pool
            services.after_ack.may_sleep(
                functools.partial(found.later, invocation), client=client, respond=respond
            )

    app.command(ids.COMMAND)(services.after_ack.listener(answer, later, trigger_bound=True))
