"""Reading settings from the environment: one `get`, whole numbers and flags, and the one error.

Every bot.config* module reads through an `Env`, so an unset variable and one set to spaces
mean the same everywhere, and every problem is one `ConfigError` line naming the variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one line meant for an operator."""


class Env:
    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values

    def get(self, name: str) -> str | None:
        """The value without surrounding spaces; None when unset or blank."""
        return self.values.get(name, "").strip() or None

    def number(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name} must be between {low} and {high}, not {value}")
        return value

    def flag(self, name: str) -> bool:
        raw = (self.get(name) or "").lower()
        if raw not in _TRUE + _FALSE:
            raise ConfigError(f"{name} must be true or false, not {raw!r}")
        return raw in _TRUE
