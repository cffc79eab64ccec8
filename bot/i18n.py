"""English and Spanish catalogs; `BOT_LANGUAGE` picks one for the whole workspace."""

from __future__ import annotations

from collections.abc import Mapping

from bot.locales import en, es

CATALOGS: dict[str, Mapping[str, str]] = {"en": en.MESSAGES, "es": es.MESSAGES}


class Translator:
    """`tr("card.status")` → the text in the workspace language; `{name}` fields filled in."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._messages = CATALOGS[language]

    def __call__(self, key: str, **params: object) -> str:
        text = self._messages.get(key) or CATALOGS["en"].get(key)
        if text is None:
            raise KeyError(f"no message {key!r}")
        return text.format(**params) if params else text

    def has(self, key: str) -> bool:
        return key in self._messages
