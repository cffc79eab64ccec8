"""TICKET_CATEGORIES and CATEGORY_SPECIALTIES: what tickets are about, and who fits each."""

from __future__ import annotations

import re
import unicodedata

from bot.config_env import ConfigError
from storage.domain import Category

DEFAULT_CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")
# Which engineer specialty fits a category (the seed's three specialties); the picker offers those first.
DEFAULT_CATEGORY_SPECIALTIES = (
    ("network", "Redes y Servidores"),
    ("hardware", "Hardware y Impresoras"),
    ("printers", "Hardware y Impresoras"),
    ("software", "Software y Bases de Datos"),
    ("access", "Software y Bases de Datos"),
)

_SLUG = re.compile(r"[^a-z0-9]+")


def parse_categories(raw: str | None) -> tuple[Category, ...]:
    """`TICKET_CATEGORIES=hardware,software,VPN=VPN y acceso remoto`.

    A known key (hardware, software, network, printers, access, other) keeps its translated
    label; any other entry is `key=Label` or a bare label whose key is its slug.
    """
    if not raw:
        return tuple(Category(k) for k in DEFAULT_CATEGORIES)
    categories: list[Category] = []
    for entry in (e.strip() for e in raw.split(",")):
        if not entry:
            continue
        key, _, label = entry.partition("=")
        key, label = key.strip(), label.strip()
        if not label and key.lower() in DEFAULT_CATEGORIES:
            categories.append(Category(key.lower()))
            continue
        label = label or key
        ascii_key = unicodedata.normalize("NFKD", key.lower()).encode("ascii", "ignore").decode()
        slug = _SLUG.sub("-", ascii_key).strip("-")[:40]
        if not slug or len(label) > 75:
            raise ConfigError(
                f"TICKET_CATEGORIES: {entry!r} needs a key and a label of at most 75 characters"
            )
        categories.append(Category(slug, label))
    keys = [c.key for c in categories]
    if not categories or len(set(keys)) != len(keys) or len(keys) > 100:
        raise ConfigError("TICKET_CATEGORIES must list 1 to 100 distinct categories, comma separated")
    return tuple(categories)


def parse_specialties(raw: str | None, categories: tuple[Category, ...]) -> tuple[tuple[str, str], ...]:
    """`CATEGORY_SPECIALTIES=network=Redes y Servidores;hardware=Hardware y Impresoras`.

    Semicolons separate entries because a specialty may contain a comma. Unset: the seed's
    three specialties, for whichever of their categories are configured.
    """
    keys = {c.key for c in categories}
    if not raw:
        return tuple((k, v) for k, v in DEFAULT_CATEGORY_SPECIALTIES if k in keys)
    pairs: dict[str, str] = {}
    for entry in (e.strip() for e in raw.split(";")):
        if not entry:
            continue
        key, sep, specialty = entry.partition("=")
        key, specialty = key.strip().lower(), specialty.strip()
        if not sep or not specialty or len(specialty) > 100:
            raise ConfigError(
                f"CATEGORY_SPECIALTIES: {entry!r} must look like category=Specialty (at most 100 characters)"
            )
        if key not in keys:
            raise ConfigError(
                f"CATEGORY_SPECIALTIES: {key!r} is not a ticket category (known: {', '.join(sorted(keys))})"
            )
        pairs[key] = specialty
    return tuple(pairs.items())
