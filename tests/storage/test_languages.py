"""Whose language is what: their `/ticket language` choice, else their Slack locale, else the default."""

from __future__ import annotations

import pytest

from storage.people import LANGUAGE_TTL, People, Profile, language_from_locale


@pytest.mark.parametrize(
    ("locale", "language"),
    [("es-ES", "es"), ("es-LA", "es"), ("es_MX", "es"), ("en-US", "en"), ("EN-gb", "en"), ("fr-FR", None)],
)
def test_a_slack_locale_names_a_catalog_language_or_none(locale, language):
    assert language_from_locale(locale) == language


def test_language_of_reads_the_choice_then_the_locale_then_the_default(db):
    people = People(db)
    assert people.language_of("U0NEVER", "en") == "en"  # never looked up: the default, no Slack call
    people.remember(Profile("U0ANA", "ana", "Ana Gómez", locale="es-ES"))
    assert people.language_of("U0ANA", "en") == "es"
    people.remember(Profile("U0PIERRE", "pierre", "Pierre", locale="fr-FR"))
    assert people.language_of("U0PIERRE", "es") == "es"  # no catalog for French: the default

    people.set_language("U0ANA", "en")  # the override wins over the locale, at once
    assert people.language_of("U0ANA", "es") == "en"
    people.remember(Profile("U0ANA", "ana", "Ana Gómez", locale="es-ES"))  # a profile refresh keeps it
    assert people.language_of("U0ANA", "es") == "en"
    people.set_language("U0ANA", None)  # auto: back to the locale
    assert people.language_of("U0ANA", "en") == "es"

    people.set_language("U0NEW", "es", name="newbie")  # someone without a users row yet
    assert people.language_of("U0NEW", "en") == "es" and people.user("U0NEW").name == "newbie"
    with pytest.raises(ValueError):
        people.set_language("U0ANA", "fr")


def test_another_process_change_shows_once_the_cached_language_is_a_minute_old(db):
    now = [0.0]
    mine, theirs = People(db, clock=lambda: now[0]), People(db)
    mine.remember(Profile("U0ANA", "ana", "Ana Gómez", locale="en-US"))
    assert mine.language_of("U0ANA", "en") == "en"
    theirs.set_language("U0ANA", "es")  # e.g. `/ticket language es` answered by another process
    assert mine.language_of("U0ANA", "en") == "en"  # cached: no read per message
    now[0] += LANGUAGE_TTL + 1
    assert mine.language_of("U0ANA", "en") == "es"
