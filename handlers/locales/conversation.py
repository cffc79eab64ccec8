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
