"""Messages of the core flow (filing, /ticket, Home, errors), English beside Spanish; a ticket's
cards and their thread replies have theirs in `cards.py`.

Each area of the app keeps its messages in one module of this package, with `MESSAGES =
{key: (english, spanish)}`; `handlers.i18n` gathers them and a test checks none is missing.
"""

MESSAGES = {
    "modal.new.title": (
        "New ticket",
        "Nuevo ticket",
    ),
    "modal.submit": (
        "Submit",
        "Enviar",
    ),
    "modal.cancel": (
        "Cancel",
        "Cancelar",
    ),
    "field.title": (
        "Title",
        "Título",
    ),
    "field.title.placeholder": (
        "A short summary, e.g. “Cannot reach my email”",
        "Un resumen corto, p. ej. «No puedo acceder al correo»",
    ),
    "field.description": (
        "Description",
        "Descripción",
    ),
    "field.description.placeholder": (
        "What happened, since when, what you already tried",
        "Qué pasó, desde cuándo, qué intentaste ya",
    ),
    "field.category": (
        "Category",
        "Categoría",
    ),
    "field.priority": (
        "Priority",
        "Prioridad",
    ),
    "category.hardware": (
        "Hardware",
        "Hardware",
    ),
    "category.software": (
        "Software",
        "Software",
    ),
    "category.network": (
        "Network",
        "Redes",
    ),
    "category.printers": (
        "Printers",
        "Impresoras",
    ),
    "category.access": (
        "Access & accounts",
        "Accesos y cuentas",
    ),
    "category.other": (
        "Other",
        "Otro",
    ),
    "priority.low": (
        "Low",
        "Baja",
    ),
    "priority.medium": (
        "Medium",
        "Media",
    ),
    "priority.high": (
        "High",
        "Alta",
    ),
    "priority.critical": (
        "Critical",
        "Crítica",
    ),
    "status.open": (
        "Open",
        "Abierto",
    ),
    "status.in_progress": (
        "In progress",
        "En progreso",
    ),
    "status.on_hold": (
        "On hold",
        "En espera",
    ),
    "status.closed": (
        "Closed",
        "Cerrado",
    ),
    "help.text": (
        "*How to use /ticket*\n"
        "• `/ticket` — open the form to report an IT problem\n"
        "• `/ticket <title>` — open the form with the title filled in\n"
        "• `/ticket mine` — list the tickets you reported\n"
        "• `/ticket help` — show this help\n"
        "You can also open the *Home* tab of this app to file and follow your tickets.",
        "*Cómo usar /ticket*\n"
        "• `/ticket` — abre el formulario para reportar un problema de TI\n"
        "• `/ticket <título>` — abre el formulario con el título ya escrito\n"
        "• `/ticket mine` (o `mis`) — lista los tickets que reportaste\n"
        "• `/ticket help` (o `ayuda`) — muestra esta ayuda\n"
        "También puedes abrir la pestaña *Inicio* de esta app para crear y seguir tus tickets.",
    ),
    "mine.header": (
        "*Your tickets* ({total})",
        "*Tus tickets* ({total})",
    ),
    "mine.empty": (
        "You have not reported any tickets yet. Type `/ticket` to report a problem.",
        "Aún no has reportado tickets. Escribe `/ticket` para reportar un problema.",
    ),
    "mine.line": (
        "`{number}` {title} — *{status}* · updated {when}",
        "`{number}` {title} — *{status}* · actualizado {when}",
    ),
    "mine.more": (
        "…and {count} more. Open the app's Home tab to see them all.",
        "…y {count} más. Abre la pestaña Inicio de la app para verlos todos.",
    ),
    "home.title": (
        "IT helpdesk",
        "Mesa de ayuda de TI",
    ),
    "home.intro": (
        "Report an IT problem and follow it here.",
        "Reporta un problema de TI y síguelo desde aquí.",
    ),
    "home.new_ticket": (
        "New ticket",
        "Nuevo ticket",
    ),
    "home.your_tickets": (
        "Your tickets",
        "Tus tickets",
    ),
    "home.empty": (
        "You have no tickets yet.",
        "Todavía no tienes tickets.",
    ),
    "home.more": (
        "Showing your {shown} newest of {total} tickets.",
        "Se muestran tus {shown} tickets más recientes de {total}.",
    ),
    "error.required": (
        "This field is required.",
        "Este campo es obligatorio.",
    ),
    "error.too_long": (
        "Please keep this under {max} characters.",
        "Usa menos de {max} caracteres.",
    ),
    "error.unknown_choice": (
        "Please pick one of the options offered.",
        "Elige una de las opciones ofrecidas.",
    ),
    "error.not_an_engineer": (
        "That person is not a registered engineer.",
        "Esa persona no es un ingeniero registrado.",
    ),
    "error.not_found": (
        "No ticket {number} that you can see.",
        "No hay ningún ticket {number} que puedas ver.",
    ),
    "error.not_allowed": (
        "You are not allowed to do that.",
        "No tienes permiso para hacer eso.",
    ),
    "error.invalid_transition": (
        "This ticket is {status} now, so that is no longer possible.",
        "Este ticket ahora está {status}, así que eso ya no es posible.",
    ),
    "error.stale": (
        "This ticket changed meanwhile; here is its current state.",
        "Este ticket cambió mientras tanto; este es su estado actual.",
    ),
    "error.invalid_input": (
        "Some of what you entered needs fixing.",
        "Hay datos que debes corregir.",
    ),
    "error.generic": (
        "Sorry, something went wrong on our side. Please try again in a moment.",
        "Lo sentimos, algo falló de nuestro lado. Inténtalo de nuevo en un momento.",
    ),
    # Filters typed after /ticket list or /ticket export
    "filter.unknown_status": (
        "I do not know the status “{word}”. Try open, in progress, on hold or closed.",
        "No conozco el estado «{word}». Prueba abierto, en progreso, en espera o cerrado.",
    ),
    "filter.unknown_priority": (
        "I do not know the priority “{word}”. Try low, medium, high or critical.",
        "No conozco la prioridad «{word}». Prueba baja, media, alta o crítica.",
    ),
    "filter.bad_date": (
        "“{word}” is not a date; write it as 2026-01-31.",
        "«{word}» no es una fecha; escríbela como 2026-01-31.",
    ),
}
