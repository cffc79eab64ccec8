"""`/ticket`'s subcommands: each feature adds its own words to one `Router` from its module's
`register`; the router only routes. Anything that is not a subcommand is the title of a new ticket."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers.payload import string
from handlers.text import fold


@dataclass(frozen=True)
class Invocation:
    """One `/ticket …` as Slack sent it: who, where, and the words after the subcommand."""

    user_id: str
    channel_id: str
    rest: str
    command: dict


# answer(invocation, ack) must ack quickly; later(invocation, client, respond) runs after the ack.
Answer = Callable[[Invocation, Callable], None]
Later = Callable[..., None]


@dataclass(frozen=True)
class Subcommand:
    answer: Answer
    later: Later | None = None


class Router:
    def __init__(self) -> None:
        self.subcommands: dict[str, Subcommand] = {}
        # Whole texts that are not a title though no subcommand word starts them (`/ticket TKT-000042`).
        self.patterns: list[tuple[Callable[[str], bool], Subcommand]] = []
        self.help_keys: list[str] = []  # extra lines of `/ticket help`, one i18n key per feature

    def add(
        self, names: tuple[str, ...], answer: Answer, later: Later | None = None, help_key: str | None = None
    ) -> None:
        for name in names:
            self.subcommands[fold(name)] = Subcommand(answer, later)
        if help_key and help_key not in self.help_keys:
            self.help_keys.append(help_key)

    def add_pattern(self, matches: Callable[[str], bool], answer: Answer, later: Later | None = None) -> None:
        """Route a whole text that `matches` to `answer`, with the text itself as `rest`."""
        self.patterns.append((matches, Subcommand(answer, later)))

    def route(self, command: dict) -> tuple[Subcommand | None, Invocation]:
        text = string(command.get("text")).strip()
        word, _, rest = text.partition(" ")
        found = self.subcommands.get(fold(word)) if word else None
        if found is None and text:
            found = next((sub for matches, sub in self.patterns if matches(text)), None)
            rest = text
        invocation = Invocation(
            user_id=string(command.get("user_id")),
            channel_id=string(command.get("channel_id")),
            rest=rest.strip() if found else text,
            command=command,
        )
        return found, invocation
