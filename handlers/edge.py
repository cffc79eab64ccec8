"""The edge between Slack and the domain: typed errors become friendly words, never tracebacks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from handlers.i18n import Translator
from handlers.payload import actor_of, obj, string
from storage.domain import DESCRIPTION_MAX, NOTE_MAX, TITLE_MAX, format_number
from storage.errors import TicketError

log = logging.getLogger("ticketbot.handlers")

FIELD_LIMITS = {"title": TITLE_MAX, "description": DESCRIPTION_MAX, "note": NOTE_MAX}


def error_text(tr: Translator, error: TicketError) -> str:
    params = dict(error.params)
    if "number" in params and isinstance(params["number"], int):
        params["number"] = format_number(params["number"])
    if "status" in params:
        params["status"] = tr(f"status.{params['status']}")
    params.setdefault("number", "")
    return tr(error.code, **params)


def field_errors(tr: Translator, errors: dict[str, str]) -> dict[str, str]:
    """Service field errors → `{block_id: text}` for `response_action: errors`."""
    return {field: tr(code, max=FIELD_LIMITS.get(field, "")) for field, code in errors.items()}


def acks_safely(tr_for: Callable[[str], Translator]) -> Callable[[Callable], Callable]:
    """Wrap an ack listener: a domain refusal is answered in words, a bug is logged with its
    traceback and answered with an apology — and `ack()` is called whatever happens. The words
    are in the language of who asked (`tr_for(user_id)`: the command's user, or the body's).

    Bolt reads the wrapped function's parameter names (it unwraps), so the listener must
    declare `ack` among them.
    """

    def asker(kwargs: dict) -> str:
        return string(obj(kwargs.get("command")).get("user_id")) or actor_of(obj(kwargs.get("body"))).user_id

    def decorate(listener: Callable) -> Callable:
        @functools.wraps(listener)
        def wrapper(**kwargs):
            ack = kwargs["ack"]
            try:
                return listener(**kwargs)
            except TicketError as error:
                if ack.response is None:
                    ack(text=error_text(tr_for(asker(kwargs)), error), response_type="ephemeral")
            except Exception:
                log.exception("listener %s failed", listener.__name__)
                if ack.response is None:
                    ack(text=tr_for(asker(kwargs))("error.generic"), response_type="ephemeral")
            return None

        return wrapper

    return decorate


def ack_only(ack) -> None:
    """The ack listener of a click or event whose work all happens after the ack."""
    ack()


def logs_failures(listener: Callable) -> Callable:
    """Wrap work that runs after the ack: log a failure with its traceback."""

    @functools.wraps(listener)
    def wrapper(**kwargs):
        try:
            return listener(**kwargs)
        except Exception:
            log.exception("%s (after the ack) failed", listener.__name__)
            return None

    return wrapper
