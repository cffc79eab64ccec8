"""English and Spanish catalogs. `BOT_LANGUAGE` is the workspace's (the triage channel, digests,
shared addresses); each person is written to in their own (`Services.tr_for`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from handlers.locales import AREAS
from storage.domain import LANGUAGES


def _catalogs() -> dict[str, dict[str, str]]:
    catalogs: dict[str, dict[str, str]] = {language: {} for language in LANGUAGES}
    for area in AREAS:
        for key, texts in area.MESSAGES.items():
            if key in catalogs["en"]:
                raise ValueError(f"message {key!r} is defined twice")
            for language, text in zip(LANGUAGES, texts, strict=True):
                catalogs[language][key] = text
    return catalogs


CATALOGS: Mapping[str, Mapping[str, str]] = _catalogs()


class Translator:
    """`tr("card.status")` → the text in `language`, `{name}` fields filled in."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._messages = CATALOGS[language]

    def __call__(self, key: str, **params: object) -> str:
        text = self._messages[key]
        return text.format(**params) if params else text


@functools.cache
def translator(language: str) -> Translator:
    """The one Translator of `language` (they hold nothing but their catalog)."""
    return Translator(language)
