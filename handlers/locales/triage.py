"""Messages of triage and resolution: assigning, working a ticket, lists, dashboards, engineers."""

MESSAGES = {
    "card.assigned_to_you": (
        "*{number} is assigned to you.* Move it along with the buttons below. Reply in this thread "
        "to write to the reporter; *Add note* for internal notes.",
        "*Tienes asignado el ticket {number}.* Avánzalo con los botones de abajo. Responde en este "
        "hilo para escribir al usuario; *Agregar nota* para notas internas.",
    ),
    "card.taken_from_you": (
        "*{number} is now assigned to {engineer}.* Nothing more to do here.",
        "*{number} ahora está asignado a {engineer}.* No hay nada más que hacer aquí.",
    ),
    # Similar tickets on the triage card (storage.similar)
    "card.similar": (
        ":mag: Possibly the same as *{number}* — {title} ({status})",
        ":mag: Posiblemente el mismo que *{number}* — {title} ({status})",
    ),
    # A burst of new tickets listed in one triage message (handlers/blocks/triage_list.py)
    "burst.header": ("{count} new tickets", "{count} tickets nuevos"),
    "burst.fallback": ("{count} new tickets — {numbers}", "{count} tickets nuevos — {numbers}"),
    "burst.note": (
        "Many tickets came in at once: assign them from here. Each one's own card, with its "
        "thread, follows below as Slack allows.",
        "Llegaron muchos tickets a la vez: asígnalos desde aquí. La tarjeta de cada uno, con su "
        "hilo, sigue abajo a medida que Slack lo permite.",
    ),
    # The triage picker
    "assign.placeholder": ("Assign", "Asignar"),
    "assign.load": ("{count} open", "{count} abiertos"),
    "assign.nobody": (
        "No engineer is available to assign. "
        "An admin can add one with `/ticket engineers add @person Specialty`.",
        "No hay ingenieros disponibles para asignar. Un admin puede agregar uno con "
        "`/ticket engineers add @persona Especialidad`.",
    ),
    "assign.refused": (
        "Only admins can assign tickets. Nothing was changed.",
        "Solo los administradores pueden asignar tickets. No se cambió nada.",
    ),
    # Working a ticket
    "work.start": ("In progress", "En progreso"),
    "work.hold": ("On hold", "En espera"),
    "work.close": ("Close", "Cerrar"),
    "work.note": ("Add note", "Agregar nota"),
    "work.reopen": ("Reopen", "Reabrir"),
    "work.refused": (
        "Only the engineer assigned to {number} or an admin can do that. Nothing was changed.",
        "Solo el ingeniero asignado a {number} o un administrador puede hacer eso. No se cambió nada.",
    ),
    # A click on a card not yet redrawn after the clicker's own change: it acted, on this state.
    "work.done.in_progress": ("In progress.", "En progreso."),
    "work.done.on_hold": ("Put on hold.", "Puesto en espera."),
    "work.done.closed": ("Closed.", "Cerrado."),
    "work.already.open": ("(It was already open again.)", "(Ya estaba abierto de nuevo.)"),
    "work.already.in_progress": ("(It was already in progress.)", "(Ya estaba en progreso.)"),
    "work.already.on_hold": ("(It was already on hold.)", "(Ya estaba en espera.)"),
    "work.hold.title": ("Put on hold", "Poner en espera"),
    "work.hold.submit": ("Put on hold", "Poner en espera"),
    "work.hold.reason": ("Reason", "Motivo"),
    "work.hold.hint": (
        "The reporter will see it, e.g. “Waiting for a replacement part”. The SLA clock stops until "
        "work resumes.",
        "El usuario lo verá, p. ej. «Esperando un repuesto». El reloj del SLA se detiene hasta que "
        "se retome el trabajo.",
    ),
    "work.close.title": ("Close ticket", "Cerrar ticket"),
    "work.close.submit": ("Close ticket", "Cerrar ticket"),
    "work.close.resolution": ("Resolution", "Solución"),
    "work.close.hint": (
        "What was done. The reporter will see it.",
        "Qué se hizo. El usuario lo verá.",
    ),
    "work.note.title": ("Add a note", "Agregar nota"),
    "work.note.submit": ("Add note", "Agregar nota"),
    "work.note.text": ("Note", "Nota"),
    "work.note.visibility": ("Who sees it", "Quién la ve"),
    "work.note.internal": ("Internal", "Interna"),
    "work.note.internal_hint": ("Engineers and admins only", "Solo ingenieros y administradores"),
    "work.note.public": ("Visible to reporter", "Visible para el usuario"),
    "work.note.public_hint": (
        "Also posted in the reporter's thread",
        "También se publica en el hilo del usuario",
    ),
    "notice.title": ("IT helpdesk", "Mesa de ayuda"),
    "notice.close": ("OK", "Aceptar"),
    "state.line": (
        "*{number}* {title} — {status} · assigned to {assignee}",
        "*{number}* {title} — {status} · asignado a {assignee}",
    ),
    # /ticket status, /ticket list
    "lookup.usage": (
        "Tell me which ticket, like `/ticket status TKT-000042`.",
        "Dime qué ticket, por ejemplo `/ticket estado TKT-000042`.",
    ),
    "detail.closed": ("Closed {when}", "Cerrado {when}"),
    "detail.notes": ("*Notes* ({count})", "*Notas* ({count})"),
    "detail.earlier": (
        "{count} earlier notes are not shown.",
        "No se muestran {count} notas anteriores.",
    ),
    "detail.no_notes": ("No notes yet.", "Todavía no hay notas."),
    "list.line": (
        "`{number}` {title}\n{status} · {priority} · by {reporter} · {assignee} · updated {when}",
        "`{number}` {title}\n{status} · {priority} · de {reporter} · {assignee} · actualizado {when}",
    ),
    "list.header": ("*{heading}* ({total})", "*{heading}* ({total})"),
    "list.empty": ("*{heading}*: no tickets match.", "*{heading}*: ningún ticket coincide."),
    "list.more": (
        "…and {count} more. Narrow it down (a status, a priority, words) or open the Home tab.",
        "…y {count} más. Acota la búsqueda (estado, prioridad, palabras) o abre la pestaña Inicio.",
    ),
    "list.scope_all": ("All tickets", "Todos los tickets"),
    "list.scope_assigned": ("Tickets assigned to you", "Tickets asignados a ti"),
    "list.scope_mine": ("Tickets you reported", "Tickets que reportaste"),
    "help.lookup": (
        "• `/ticket status TKT-000042` (or just `/ticket TKT-000042`) — show one ticket with its notes",
        "• `/ticket estado TKT-000042` (o solo `/ticket TKT-000042`) — muestra un ticket con sus notas",
    ),
    "help.list": (
        "• `/ticket list [status] [priority] [words]` — list tickets (admins: all; engineers: "
        "assigned to them; everyone else: their own), e.g. `/ticket list open high vpn`",
        "• `/ticket lista [estado] [prioridad] [palabras]` — lista tickets (admins: todos; ingenieros: "
        "los asignados; los demás: los propios), p. ej. `/ticket lista abierto alta vpn`",
    ),
    "help.engineers": (
        "• `/ticket engineers` — admins: list engineers; `add @person Specialty`, `remove @person`, "
        "`away @person`, `back @person`",
        "• `/ticket ingenieros` — admins: lista ingenieros; `agregar @persona Especialidad`, "
        "`quitar @persona`, `ausente @persona`, `disponible @persona`",
    ),
    # Home tabs
    "dash.admin_title": ("IT helpdesk — all tickets", "Mesa de ayuda — todos los tickets"),
    "dash.engineer_title": ("Your tickets", "Tus tickets"),
    "dash.closed_today": ("Closed today", "Cerrados hoy"),
    "dash.unassigned": ("Unassigned", "Sin asignar"),
    "dash.closed_week": ("Closed this week", "Cerrados esta semana"),
    "dash.oldest": ("Oldest open", "Abierto más antiguo"),
    "dash.age_hours": ("{count} h", "{count} h"),
    "dash.age_days": ("{count} days", "{count} días"),
    "dash.by_priority": ("Not closed, by priority: {counts}", "Sin cerrar, por prioridad: {counts}"),
    "dash.export": ("Export to Excel", "Exportar a Excel"),
    "dash.every_status": ("Every status", "Todos los estados"),
    "dash.every_priority": ("Every priority", "Todas las prioridades"),
    "dash.clear": ("Clear filters", "Quitar filtros"),
    "dash.search": ("Search", "Buscar"),
    "dash.search_hint": (
        "Ticket number, reporter, words of the title or description",
        "Número de ticket, usuario, palabras del título o la descripción",
    ),
    "dash.showing": ("Showing {first}–{last} of {total}", "Mostrando {first}–{last} de {total}"),
    "dash.previous": ("◀ Previous", "◀ Anterior"),
    "dash.next": ("Next ▶", "Siguiente ▶"),
    "dash.queue": (
        "Your queue: most urgent, then oldest",
        "Tu cola: lo más urgente y lo más antiguo primero",
    ),
    "dash.queue_empty": ("Nothing waiting for you. :tada:", "Nada pendiente para ti. :tada:"),
    # /ticket engineers
    "engineers.header": ("*Engineers* ({total})", "*Ingenieros* ({total})"),
    "engineers.line": (
        "*{name}* {mention} — {specialty} · {availability} · {count} open",
        "*{name}* {mention} — {specialty} · {availability} · {count} abiertos",
    ),
    "engineers.available": (":large_green_circle: available", ":large_green_circle: disponible"),
    "engineers.away": (":zzz: away", ":zzz: ausente"),
    "engineers.none": (
        "No engineers yet. Add one with `/ticket engineers add @person Specialty`.",
        "Aún no hay ingenieros. Agrega uno con `/ticket ingenieros agregar @persona Especialidad`.",
    ),
    "engineers.more": ("…and {count} more.", "…y {count} más."),
    "engineers.usage": (
        "`/ticket engineers add @person Specialty` · `remove @person` · `away @person` · `back @person`",
        "`/ticket ingenieros agregar @persona Especialidad` · `quitar @persona` · `ausente @persona` · "
        "`disponible @persona`",
    ),
    "engineers.who": (
        "Who? Mention the person, like `/ticket engineers away @carlos`.",
        "¿Quién? Menciona a la persona, p. ej. `/ticket ingenieros ausente @carlos`.",
    ),
    "engineers.bad_user": (
        "“{word}” is not a mention of a person. Pick them from the @ list so Slack sends who they are.",
        "«{word}» no es la mención de una persona. Elígela de la lista @ para que Slack envíe quién es.",
    ),
    "engineers.specialty": (
        "Add the specialty after the person (1 to {max} characters), like "
        "`/ticket engineers add @carlos Redes y Servidores`.",
        "Escribe la especialidad después de la persona (1 a {max} caracteres), p. ej. "
        "`/ticket ingenieros agregar @carlos Redes y Servidores`.",
    ),
    "engineers.admins_only": (
        "Only admins can manage engineers.",
        "Solo los administradores pueden gestionar ingenieros.",
    ),
    "engineers.adding": ("Adding {who}…", "Agregando a {who}…"),
    "engineers.added": ("{who} is now an engineer ({specialty}).", "{who} ahora es ingeniero ({specialty})."),
    "engineers.updated": (
        "{who} was already an engineer; specialty is now {specialty}.",
        "{who} ya era ingeniero; su especialidad ahora es {specialty}.",
    ),
    "engineers.unknown_user": (
        "Slack does not know {who} as a person in this workspace (a bot, or a deactivated account?).",
        "Slack no conoce a {who} como persona de este espacio de trabajo "
        "(¿un bot o una cuenta desactivada?).",
    ),
    "engineers.removed": ("{who} is no longer an engineer.", "{who} ya no es ingeniero."),
    "engineers.removed_with_tickets": (
        "{who} is no longer an engineer. "
        "They still have {count} open tickets: reassign them from the triage cards.",
        "{who} ya no es ingeniero. "
        "Aún tiene {count} tickets abiertos: reasígnalos desde las tarjetas de triaje.",
    ),
    "engineers.not_one": ("{who} is not an engineer.", "{who} no es ingeniero."),
    "engineers.now_away": (
        "{who} is away: not offered for new assignments until `back`.",
        "{who} está ausente: no se le ofrecerá para asignar hasta `disponible`.",
    ),
    "engineers.back": ("{who} is available again.", "{who} está disponible de nuevo."),
}
