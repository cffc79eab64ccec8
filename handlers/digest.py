"""`/ticket digest [on|off]`: an engineer's morning DM with their queue (bot.digests sends it).

Engineers only: the summary is of the tickets assigned to someone, which only engineers have;
admins and everyone else see the team's daily digest in the triage channel instead.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import fold

WORDS = {"on": True, "si": True, "yes": True, "activar": True, "off": False, "no": False, "desactivar": False}


def register(app: App, services: Services, router: Router) -> None:
    workspace, people = services.workspace, services.people

    def say(ack: Callable, text: str) -> None:
        ack(text=text, response_type="ephemeral")

    def answer(invocation: Invocation, ack: Callable) -> None:
        tr = services.tr_for(invocation.user_id)
        if not services.roles.is_engineer(invocation.user_id):
            say(ack, tr("digest.only_engineers"))
            return
        if not workspace.digest_time:
            say(ack, tr("digest.disabled"))
            return
        word = fold(invocation.rest.strip())
        if not word:
            on = people.wants_digest(invocation.user_id)
            say(ack, tr("digest.is_on" if on else "digest.is_off", time=workspace.digest_time))
        elif word in WORDS:
            on = WORDS[word]
            people.set_wants_digest(invocation.user_id, on)  # engineers always have a users row
            say(ack, tr("digest.turned_on" if on else "digest.turned_off", time=workspace.digest_time))
        else:
            say(ack, tr("digest.usage"))

    router.add(("digest", "resumen"), answer, help_key="help.digest")
