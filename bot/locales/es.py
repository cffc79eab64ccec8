"""Mensajes en español. Cada clave de en.py debe existir aquí (una prueba lo comprueba)."""

MESSAGES = {
    # Formulario
    "modal.new.title": "Nuevo ticket",
    "modal.submit": "Enviar",
    "modal.cancel": "Cancelar",
    "field.title": "Título",
    "field.title.placeholder": "Un resumen corto, p. ej. «No puedo acceder al correo»",
    "field.description": "Descripción",
    "field.description.placeholder": "Qué pasó, desde cuándo, qué intentaste ya",
    "field.category": "Categoría",
    "field.priority": "Prioridad",
    # Vocabulario
    "category.hardware": "Hardware",
    "category.software": "Software",
    "category.network": "Redes",
    "category.printers": "Impresoras",
    "category.access": "Accesos y cuentas",
    "category.other": "Otro",
    "priority.low": "Baja",
    "priority.medium": "Media",
    "priority.high": "Alta",
    "priority.critical": "Crítica",
    "status.open": "Abierto",
    "status.in_progress": "En progreso",
    "status.on_hold": "En espera",
    "status.closed": "Cerrado",
    # Tarjeta del ticket
    "card.reporter": "Reportado por",
    "card.category": "Categoría",
    "card.priority": "Prioridad",
    "card.status": "Estado",
    "card.assignee": "Asignado a",
    "card.unassigned": "Sin asignar",
    "card.created": "Creado {when}",
    "card.updated": "Actualizado {when}",
    "card.fallback": "{number}: {title} ({status})",
    "card.received": "Recibimos tu ticket {number}. Te mantendremos al tanto aquí.",
    "card.new_in_triage": "Nuevo ticket {number} de {reporter}",
    # Respuestas en el hilo
    "event.assigned": "Asignado a {engineer} por {actor}.",
    "event.unassigned_from_you": "{actor} reasignó este ticket a {engineer}.",
    "event.status": "{actor} cambió el estado de {old} a {new}.",
    "event.status_reason": "{actor} cambió el estado de {old} a {new}: {note}",
    "event.closed": "{actor} cerró este ticket. Solución: {note}",
    "event.reopened": "{actor} reabrió este ticket.",
    "event.reopened_reason": "{actor} reabrió este ticket: {note}",
    "event.note": "{actor} agregó una nota: {note}",
    "event.note_internal": "{actor} agregó una nota interna: {note}",
    # /ticket
    "help.text": (
        "*Cómo usar /ticket*\n"
        "• `/ticket` — abre el formulario para reportar un problema de TI\n"
        "• `/ticket <título>` — abre el formulario con el título ya escrito\n"
        "• `/ticket mine` (o `mis`) — lista los tickets que reportaste\n"
        "• `/ticket help` (o `ayuda`) — muestra esta ayuda\n"
        "También puedes abrir la pestaña *Inicio* de esta app para crear y seguir tus tickets."
    ),
    "mine.header": "*Tus tickets* ({total})",
    "mine.empty": "Aún no has reportado tickets. Escribe `/ticket` para reportar un problema.",
    "mine.line": "`{number}` {title} — *{status}* · actualizado {when}",
    "mine.more": "…y {count} más. Abre la pestaña Inicio de la app para verlos todos.",
    # Inicio de la app
    "home.title": "Mesa de ayuda de TI",
    "home.intro": "Reporta un problema de TI y síguelo desde aquí.",
    "home.new_ticket": "Nuevo ticket",
    "home.your_tickets": "Tus tickets",
    "home.empty": "Todavía no tienes tickets.",
    "home.more": "Se muestran tus {shown} tickets más recientes de {total}.",
    # Errores
    "error.required": "Este campo es obligatorio.",
    "error.too_long": "Usa menos de {max} caracteres.",
    "error.unknown_choice": "Elige una de las opciones ofrecidas.",
    "error.not_an_engineer": "Esa persona no es un ingeniero registrado.",
    "error.not_found": "No hay ningún ticket {number} que puedas ver.",
    "error.not_allowed": "No tienes permiso para hacer eso.",
    "error.invalid_transition": "Este ticket ahora está {status}, así que eso ya no es posible.",
    "error.stale": "Este ticket cambió mientras tanto; este es su estado actual.",
    "error.invalid_input": "Hay datos que debes corregir.",
    "error.generic": "Lo sentimos, algo falló de nuestro lado. Inténtalo de nuevo en un momento.",
}
