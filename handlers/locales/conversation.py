"""Messages of the conversation under a ticket's cards (handlers/conversation.py)."""

MESSAGES = {
    "event.comment": (
        "{actor} ({role}) wrote:",
        "{actor} ({role}) escribió:",
    ),
    "event.comment_internal": (
        ":lock: {actor} ({role}) wrote an internal note:",
        ":lock: {actor} ({role}) escribió una nota interna:",
    ),
    "event.comment_edited": ("_(edited)_", "_(editado)_"),  # a relayed copy its author edited
    "role.reporter": ("reporter", "usuario"),
    "role.engineer": ("engineer", "técnico"),
    "role.admin": ("admin", "administrador"),
    "thread.too_late": (
        "{number} was closed more than {days} days ago, so your reply did not reopen it. "
        "If the problem is back, file a new ticket: it starts from what you wrote.",
        "{number} se cerró hace más de {days} días, así que tu respuesta no lo reabrió. "
        "Si el problema volvió, crea un ticket nuevo: parte de lo que escribiste.",
    ),
    "thread.not_allowed": (
        "Only the people on {number} can write in this thread; your message was not passed on.",
        "Solo las personas de {number} pueden escribir en este hilo; tu mensaje no se reenvió.",
    ),
    "thread.failed": (
        "Your message could not be added to {number}: {reason}",
        "No se pudo agregar tu mensaje a {number}: {reason}",
    ),
    "thread.clipped": (
        "Your message was long: only its first {max} characters were passed on.",
        "Tu mensaje era largo: solo se reenviaron sus primeros {max} caracteres.",
    ),
    "thread.file_too_large": (
        ":warning: {name} is larger than {max_mb} MB, so your message was not passed on. "
        "Share a smaller file (or a link to it) and write your message again.",
        ":warning: {name} pesa más de {max_mb} MB, así que tu mensaje no se reenvió. "
        "Comparte un archivo más pequeño (o un enlace) y escribe tu mensaje de nuevo.",
    ),
    "thread.file_not_kept": (
        ":warning: {name} is larger than {max_mb} MB: it was not kept with {number} nor passed on "
        "(your message was).",
        ":warning: {name} pesa más de {max_mb} MB: no se guardó con {number} ni se reenvió (tu mensaje sí).",
    ),
    "thread.file_failed": (
        ":warning: {name} could not be fetched from Slack, so it was not passed on with your message.",
        ":warning: No se pudo obtener {name} de Slack, así que no se reenvió con tu mensaje.",
    ),
    "detail.files": ("*Files ({count})*", "*Archivos ({count})*"),
    "detail.file": ("📎 {name} ({size}), from {who}", "📎 {name} ({size}), de {who}"),
    "detail.file_internal": (":lock: internal", ":lock: interno"),
    "detail.file_pending": ("being fetched", "descargándose"),
    "detail.file_failed": ("could not be fetched from Slack", "no se pudo obtener de Slack"),
    "error.file_too_large": (
        "{name} is larger than {max_mb} MB.",
        "{name} pesa más de {max_mb} MB.",
    ),
    "dm.intro": (
        "I read the threads under your ticket cards: to write about a ticket, reply in its thread. "
        "To report something new, file a ticket (it starts from what you wrote).",
        "Leo los hilos de las tarjetas de tus tickets: para escribir sobre un ticket, responde en "
        "su hilo. Para reportar algo nuevo, crea un ticket (parte de lo que escribiste).",
    ),
    "dm.open_tickets": (
        "Your open tickets:",
        "Tus tickets abiertos:",
    ),
    "dm.new_ticket": ("New ticket", "Nuevo ticket"),
}
