"""Messages of a ticket's cards (triage, the reporter's and the engineer's DMs) and of the
replies in their threads (what happened to the ticket), English beside Spanish.
"""

MESSAGES = {
    "card.reporter": (
        "Reporter",
        "Reportado por",
    ),
    "card.category": (
        "Category",
        "Categoría",
    ),
    "card.priority": (
        "Priority",
        "Prioridad",
    ),
    "card.status": (
        "Status",
        "Estado",
    ),
    "card.assignee": (
        "Assigned to",
        "Asignado a",
    ),
    "card.unassigned": (
        "Nobody yet",
        "Sin asignar",
    ),
    "card.created": (
        "Filed {when}",
        "Creado {when}",
    ),
    "card.updated": (
        "Updated {when}",
        "Actualizado {when}",
    ),
    "card.fallback": (
        "{number}: {title} ({status})",
        "{number}: {title} ({status})",
    ),
    "card.received": (
        "Your ticket {number} was received. We will keep you posted here; reply in this thread to "
        "write to the helpdesk.",
        "Recibimos tu ticket {number}. Te mantendremos al tanto aquí; responde en este hilo para "
        "escribir a soporte.",
    ),
    "card.new_in_triage": (
        "New ticket {number} from {reporter}",
        "Nuevo ticket {number} de {reporter}",
    ),
    "event.assigned": (
        "Assigned to {engineer} by {actor}.",
        "Asignado a {engineer} por {actor}.",
    ),
    "event.unassigned_from_you": (
        "{actor} reassigned this ticket to {engineer}.",
        "{actor} reasignó este ticket a {engineer}.",
    ),
    "event.status": (
        "{actor} moved this ticket from {old} to {new}.",
        "{actor} cambió el estado de {old} a {new}.",
    ),
    "event.status_reason": (
        "{actor} moved this ticket from {old} to {new}: {note}",
        "{actor} cambió el estado de {old} a {new}: {note}",
    ),
    "event.closed": (
        "{actor} closed this ticket. Resolution: {note}",
        "{actor} cerró este ticket. Solución: {note}",
    ),
    "event.reopened": (
        "{actor} reopened this ticket.",
        "{actor} reabrió este ticket.",
    ),
    "event.reopened_reason": (
        "{actor} reopened this ticket: {note}",
        "{actor} reabrió este ticket: {note}",
    ),
    "event.note": (
        "{actor} added a note: {note}",
        "{actor} agregó una nota: {note}",
    ),
    "event.note_internal": (
        "{actor} added an internal note: {note}",
        "{actor} agregó una nota interna: {note}",
    ),
}
