"""Excel exports. They are drawn in words given to them: `Translate` is `tr(key, **params) → text`
(the caller's translator, so this floor needs nothing of the Slack side)."""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[..., str]
