"""Messages of known issues and known fixes: the filing modal's hints, the reporter's receipt,
"Solved before" on staff cards, and writing a fix up (`/ticket knownfix`)."""

MESSAGES = {
    # The filing modal (and the reporter's receipt)
    "known.issue": (
        ":rotating_light: *Known issue:* {title} ({incident}) — we are on it",
        ":rotating_light: *Problema conocido:* {title} ({incident}) — ya estamos en ello",
    ),
    "known.join_label": ("Is this your problem?", "¿Es tu problema?"),
    "known.join_option": ("This is my problem — join {incident}", "Es mi problema — unirme a {incident}"),
    "known.join_hint": (
        "Your ticket is still filed, and you hear every update of {incident}.",
        "Tu ticket se registra igual, y recibes cada novedad de {incident}.",
    ),
    # The reporter's receipt card (handlers/known_join.py)
    "known.join_button": ("Join {incident}", "Unirme a {incident}"),
    "known.joined": (
        "{ticket} is now part of {incident}: you will hear each of its updates here and by email.",
        "{ticket} ahora es parte de {incident}: recibirás cada novedad aquí y por correo.",
    ),
    "known.join_reporter_only": (
        "Only the person who reported {ticket} can join it to {incident}. Nothing was changed.",
        "Solo quien reportó {ticket} puede unirlo a {incident}. No se cambió nada.",
    ),
    "known.not_joinable": (
        "{ticket} can no longer join {incident} (it is closed, or IT staff took it out). "
        "Nothing was changed.",
        "{ticket} ya no puede unirse a {incident} (está cerrado, o el equipo de TI lo sacó). "
        "No se cambió nada.",
    ),
    "known.try_first": (
        ":bulb: *Try this first:* {title}\n{steps}",
        ":bulb: *Prueba esto primero:* {title}\n{steps}",
    ),
    # The receipt email (plain text: HTML escaping is the template's)
    "known.issue_email": (
        "Known issue: {title} ({incident}) — we are on it.",
        "Problema conocido: {title} ({incident}) — ya estamos en ello.",
    ),
    "known.try_first_email": ("Try this first: {title}", "Prueba esto primero: {title}"),
    # Staff cards
    "known.solved_before": (
        "Solved before: {ticket} — {resolution}",
        "Resuelto antes: {ticket} — {resolution}",
    ),
    "known.is_fix": (" (known fix)", " (solución conocida)"),
    "known.mark_button": ("Known fix…", "Solución conocida…"),
    # Writing a fix up
    "known.modal_title": ("Known fix", "Solución conocida"),
    "known.modal_intro": (
        "Write {ticket}'s fix up for reporters: whoever files a matching problem sees it as "
        "“Try this first”. They never see the ticket, its reporter or its notes.\n*Resolution:* {resolution}",
        "Redacta la solución de {ticket} para quienes reportan: quien registre un problema parecido "
        "la verá como «Prueba esto primero». Nunca ven el ticket, quién lo reportó ni sus notas.\n"
        "*Resolución:* {resolution}",
    ),
    "known.title_label": ("Title", "Título"),
    "known.steps_label": ("Steps", "Pasos"),
    "known.saved": (
        "Saved: reporters filing a matching problem now see “{title}”.",
        "Guardado: quien registre un problema parecido verá «{title}».",
    ),
    "known.usage": ("Usage: `/ticket knownfix TKT-…`", "Uso: `/ticket knownfix TKT-…`"),
    "knownfix.not_closed": (
        "Only a closed ticket has a fix to write up.",
        "Solo un ticket cerrado tiene una solución que redactar.",
    ),
    "help.knownfix": (
        "`/ticket knownfix TKT-…` — write a closed ticket's fix up for reporters (staff)",
        "`/ticket knownfix TKT-…` — redactar la solución de un ticket cerrado para quienes reportan (equipo)",
    ),
}
