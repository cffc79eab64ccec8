"""The filing modal, opened by `/ticket` and by the Home tab's button."""

from __future__ import annotations

import functools
from collections.abc import Callable

from slack_sdk.models.blocks import InputBlock, Option, PlainTextInputElement, StaticSelectElement
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from handlers import ids
from handlers.i18n import Translator, translator
from handlers.text import clip
from storage.domain import DESCRIPTION_MAX, TITLE_MAX, Category, Priority

# The title and the description say what is typed as it is typed (handlers/filing_hints.py:
# "Known issue", "Try this first"); Slack sends a block_actions payload per change.
AS_TYPED = DispatchActionConfig(trigger_actions_on=["on_character_entered"])


def category_label(tr: Translator, category: Category) -> str:
    return category.label or tr(f"category.{category.key}")


def new_ticket_view(
    tr: Translator,
    categories: tuple[Category, ...],
    title: str = "",
    *,
    description: str = "",
    callback_id: str = ids.NEW_TICKET_VIEW,
    private_metadata: str | None = None,
) -> View:
    category_options = [Option(value=c.key, label=clip(category_label(tr, c), 75)) for c in categories]
    priority_options = {p: Option(value=p.value, label=tr(f"priority.{p.value}")) for p in Priority}
    return View(
        type="modal",
        callback_id=callback_id,
        private_metadata=private_metadata,
        title=tr("modal.new.title"),
        submit=tr("modal.submit"),
        close=tr("modal.cancel"),
        blocks=[
            InputBlock(
                block_id=ids.TITLE_BLOCK,
                label=tr("field.title"),
                dispatch_action=True,
                element=PlainTextInputElement(
                    action_id=ids.TITLE_ACTION,
                    dispatch_action_config=AS_TYPED,
                    initial_value=clip(title.strip(), TITLE_MAX) or None,
                    max_length=TITLE_MAX,
                    placeholder=clip(tr("field.title.placeholder"), 150),
                ),
            ),
            InputBlock(
                block_id=ids.DESCRIPTION_BLOCK,
                label=tr("field.description"),
                dispatch_action=True,
                element=PlainTextInputElement(
                    action_id=ids.DESCRIPTION_ACTION,
                    dispatch_action_config=AS_TYPED,
                    multiline=True,
                    initial_value=clip(description.strip(), DESCRIPTION_MAX) or None,
                    max_length=DESCRIPTION_MAX,
                    placeholder=clip(tr("field.description.placeholder"), 150),
                ),
            ),
            InputBlock(
                block_id=ids.CATEGORY_BLOCK,
                label=tr("field.category"),
                element=StaticSelectElement(action_id=ids.CATEGORY_ACTION, options=category_options),
            ),
            InputBlock(
                block_id=ids.PRIORITY_BLOCK,
                label=tr("field.priority"),
                element=StaticSelectElement(
                    action_id=ids.PRIORITY_ACTION,
                    options=list(priority_options.values()),
                    initial_option=priority_options[Priority.MEDIUM],
                ),
            ),
        ],
    )


def blank_form_of(categories: tuple[Category, ...]) -> Callable[[str], dict]:
    """language → the empty form, serialized once per language: it is the same for everyone of a
    language (a View's to_dict costs about as much CPU as the views.open call itself, on the
    worker that is also acking requests)."""

    @functools.cache
    def blank_form(language: str) -> dict:
        return new_ticket_view(translator(language), categories).to_dict()

    return blank_form
