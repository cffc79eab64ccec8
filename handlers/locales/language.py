"""Messages of `/ticket language es|en|auto`: the language the bot writes to someone in."""

MESSAGES = {
    "language.name.en": ("English", "inglés"),
    "language.name.es": ("Spanish", "español"),
    "language.how.chosen": ("you chose it", "lo elegiste tú"),
    "language.how.slack": ("your Slack language", "tu idioma de Slack"),
    "language.how.default": ("the workspace's language", "el idioma del espacio de trabajo"),
    "language.is": (
        "I write to you in *{language}* ({how}). `/ticket language es`, `en` or `auto` changes it.",
        "Te escribo en *{language}* ({how}). `/ticket idioma es`, `en` o `auto` lo cambia.",
    ),
    "language.set": (
        "Done: I will write to you in *{language}*. `/ticket language auto` follows your Slack language.",
        "Listo: te escribiré en *{language}*. `/ticket idioma auto` sigue tu idioma de Slack.",
    ),
    "language.auto": (
        "Done: I follow your Slack language again, so I write to you in *{language}* ({how}).",
        "Listo: vuelvo a seguir tu idioma de Slack, así que te escribo en *{language}* ({how}).",
    ),
    "language.usage": (
        "Use `/ticket language es`, `/ticket language en` or `/ticket language auto`.",
        "Usa `/ticket idioma es`, `/ticket idioma en` o `/ticket idioma auto`.",
    ),
    "help.language": (
        "• `/ticket language es|en|auto` — the language I write to you in (auto: your Slack language)",
        "• `/ticket idioma es|en|auto` — el idioma en que te escribo (auto: tu idioma de Slack)",
    ),
}
