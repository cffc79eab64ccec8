"""`/ticket engineers`: who works tickets, in what, whether available, how loaded."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from handlers.blocks.cards import Message
from handlers.i18n import Translator
from handlers.text import escape, escaped, mention
from storage.people import EngineerLoad

SHOWN = 45  # one section each, under the 50 blocks of a message


def engineer_line(tr: Translator, engineer: EngineerLoad) -> str:
    return tr(
        "engineers.line",
        name=escaped(engineer.display, 80),
        mention=mention(engineer.user_id),
        specialty=escape(engineer.specialty),
        availability=tr("engineers.available" if engineer.available else "engineers.away"),
        count=engineer.open_tickets,
    )


def engineers_message(tr: Translator, engineers: Sequence[EngineerLoad]) -> Message:
    if not engineers:
        text = tr("engineers.none")
        return Message(text=text, blocks=[SectionBlock(text=MarkdownTextObject(text=text))])
    header = tr("engineers.header", total=len(engineers))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=header))]
    blocks += [SectionBlock(text=MarkdownTextObject(text=engineer_line(tr, e))) for e in engineers[:SHOWN]]
    if len(engineers) > SHOWN:
        more = tr("engineers.more", count=len(engineers) - SHOWN)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr("engineers.usage"))]))
    return Message(text=header, blocks=blocks)
