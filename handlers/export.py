"""`/ticket export [assigned|all] [filter…]` and the Home's "Export to Excel" button.

Both answer at once (a count and a promise, or a refusal) and queue the export; the export
worker writes the workbook and uploads it (bot.export_delivery).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App

from exports.describe import ticket_count
from exports.scope import ALL
from exports.service import MINE, SCOPE_WORDS, ExportRefused, ExportRequest, scope_word
from handlers import ids
from handlers.edge import acks_safely, logs_failures
from handlers.filters import FilterError, filter_from_value, parse_filter
from handlers.i18n import Translator
from handlers.payload import actor_of, string
from handlers.router import Invocation, Router
from handlers.services import Services

log = logging.getLogger("ticketbot.handlers")

NOTICE = "export_notice"  # context key: what the click's ack decided, for the work after it to say


def register(app: App, services: Services, router: Router) -> None:
    exports = services.exports

    def preparing(tr: Translator, request: ExportRequest, in_channel: bool) -> str:
        if not request.count:
            return tr("export.nothing")
        tickets = ticket_count(tr, request.count)
        return tr("export.preparing" if in_channel else "export.preparing_dm", tickets=tickets)

    def answer(invocation: Invocation, ack: Callable) -> None:
        word, rest = scope_word(invocation.rest)
        tr = services.tr_for(invocation.user_id)
        try:
            flt = parse_filter(rest)
            request = exports.request(
                invocation.user_id,
                word,
                flt,
                channel_id=invocation.channel_id,
                response_url=string(invocation.command.get("response_url")) or None,
            )
        except FilterError as error:
            ack(text=tr(error.key, word=error.word), response_type="ephemeral")
            return
        except ExportRefused as refused:
            ack(text=tr(refused.code), response_type="ephemeral")
            return
        ack(text=preparing(tr, request, request.scope.kind == ALL), response_type="ephemeral")

    router.add(("export", "exportar"), answer)

    @acks_safely(services.tr_for)
    def ack_export_click(ack, body, action, context):
        ack()
        clicker = actor_of(body).user_id
        if not clicker:
            return  # no one to export for, or to tell
        tr = services.tr_for(clicker)
        # Only the filter comes from the button; whose tickets comes from who clicked.
        flt, word = filter_from_value(string(action.get("value")))
        word = SCOPE_WORDS.get(word, MINE)
        try:
            context[NOTICE] = preparing(tr, exports.request(clicker, word, flt), in_channel=False)
        except ExportRefused as refused:
            context[NOTICE] = tr(refused.code)
        except Exception:
            log.exception("export from the Home tab failed")
            context[NOTICE] = tr("error.generic")

    @logs_failures
    def tell_clicker(body, client, context):
        if context.get(NOTICE):
            client.chat_postMessage(channel=actor_of(body).user_id, text=context[NOTICE])

    app.action(ids.EXPORT_EXCEL)(services.after_ack.listener(ack_export_click, tell_clicker))
