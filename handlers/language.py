"""`/ticket language es|en|auto` (`/ticket idioma …`): the language the bot writes to someone in.

BOT_LANGUAGE stays the workspace's (the triage channel, digests, shared addresses); what goes to
one person follows their choice here, else their Slack locale, else BOT_LANGUAGE
(storage.people `language_of`). The answer is in the language just chosen.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.i18n import Translator
from handlers.payload import string
from handlers.router import Invocation, Router
from handlers.services import Services
from handlers.text import fold
from storage.people import language_from_locale

AUTO = "auto"
WORDS = {
    "es": "es",
    "spanish": "es",
    "espanol": "es",
    "castellano": "es",
    "en": "en",
    "english": "en",
    "ingles": "en",
    "auto": AUTO,
    "automatic": AUTO,
    "automatico": AUTO,
    "slack": AUTO,
}


def register(services: Services, router: Router) -> None:
    people = services.people

    def how(user_id: str) -> str:
        """Where this person's language comes from: their choice, Slack, or the workspace."""
        user = people.user(user_id)
        if user is not None and user.language_override:
            return "language.how.chosen"
        return "language.how.slack" if user and language_from_locale(user.locale) else "language.how.default"

    def said(tr: Translator, key: str, user_id: str) -> str:
        return tr(key, language=tr(f"language.name.{tr.language}"), how=tr(how(user_id)))

    def answer(invocation: Invocation, ack: Callable) -> None:
        user_id, word = invocation.user_id, fold(invocation.rest.strip())
        if not word:
            text = said(services.tr_for(user_id), "language.is", user_id)
        elif word in WORDS and user_id:
            chosen = WORDS[word]
            name = string(invocation.command.get("user_name"))
            people.set_language(user_id, None if chosen == AUTO else chosen, name=name)
            key = "language.auto" if chosen == AUTO else "language.set"
            text = said(services.tr_for(user_id), key, user_id)  # read again: the new language
        else:
            text = services.tr_for(user_id)("language.usage")
        ack(text=text, response_type="ephemeral")

    router.add(("language", "idioma", "lang"), answer, help_key="help.language")
