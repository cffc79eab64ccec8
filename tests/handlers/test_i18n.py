"""Every message exists in English and Spanish, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from handlers.i18n import CATALOGS, Translator
from handlers.locales import AREAS


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_exists_in_both_languages_with_the_same_placeholders():
    assert CATALOGS["en"].keys() == CATALOGS["es"].keys()
    for area in AREAS:
        for key, texts in area.MESSAGES.items():
            assert len(texts) == 2 and all(t.strip() for t in texts), key
            assert fields(texts[0]) == fields(texts[1]), key


def test_a_missing_key_fails_loudly():
    with pytest.raises(KeyError):
        Translator("en")("no.such.key")


def test_seed_vocabulary_in_spanish():
    tr = Translator("es")
    assert [tr(f"status.{s}") for s in ("open", "in_progress", "on_hold", "closed")] == [
        "Abierto",
        "En progreso",
        "En espera",
        "Cerrado",
    ]
    assert [tr(f"priority.{p}") for p in ("low", "medium", "high", "critical")] == [
        "Baja",
        "Media",
        "Alta",
        "Crítica",
    ]
