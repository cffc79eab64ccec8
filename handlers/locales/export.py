"""Messages of Excel exports: workbook headers and labels, and what Slack users are told."""

MESSAGES = {
    # Sheet names (at most 31 characters; a continuation sheet gets " (2)" appended)
    "export.sheet.tickets": ("Tickets", "Tickets"),
    "export.sheet.history": ("History", "Historial"),
    "export.sheet.summary": ("Summary", "Resumen"),
    "export.sheet.incidents": ("Incidents", "Incidentes"),
    # Excel number format of dates in the workbook
    "export.date_format": ("yyyy-mm-dd hh:mm", "dd/mm/yyyy hh:mm"),
    # Tickets sheet headers
    "export.col.number": ("Number", "Número"),
    "export.col.title": ("Title", "Título"),
    "export.col.description": ("Description", "Descripción"),
    "export.col.reporter": ("Reporter", "Solicitante"),
    "export.col.reporter_email": ("Reporter email", "Correo del solicitante"),
    "export.col.engineer": ("Engineer", "Ingeniero"),
    "export.col.category": ("Category", "Categoría"),
    "export.col.priority": ("Priority", "Prioridad"),
    "export.col.status": ("Status", "Estado"),
    "export.col.incident": ("Incident", "Incidente"),
    "export.col.created": ("Created", "Creado"),
    "export.col.updated": ("Updated", "Actualizado"),
    "export.col.closed": ("Closed", "Cerrado"),
    "export.col.resolution_hours": ("Time to resolution (hours)", "Tiempo de resolución (horas)"),
    "export.col.due": ("Resolution due", "Vence (solución)"),
    "export.col.sla": ("SLA", "SLA"),
    "export.col.rating": ("Rating (1-5)", "Valoración (1-5)"),
    "export.col.public_notes": ("Notes (visible to reporter)", "Notas (visibles al solicitante)"),
    "export.col.internal_notes": ("Internal notes", "Notas internas"),
    # Incidents sheet headers (staff exports only)
    "export.col.incident_number": ("Number", "Número"),
    "export.col.incident_title": ("Title", "Título"),
    "export.col.owner": ("Owner", "Responsable"),
    "export.col.resolved": ("Resolved", "Resuelto"),
    "export.col.linked": ("Linked tickets", "Tickets vinculados"),
    "export.col.resolution": ("Resolution", "Resolución"),
    # History sheet headers
    "export.col.ticket": ("Ticket", "Ticket"),
    "export.col.when": ("When", "Fecha"),
    "export.col.who": ("Who", "Quién"),
    "export.col.event": ("Event", "Evento"),
    "export.col.from": ("From", "De"),
    "export.col.to": ("To", "A"),
    "export.col.note": ("Note", "Nota"),
    "export.col.visibility": ("Visibility", "Visibilidad"),
    "export.col.files": ("Files", "Archivos"),
    # History values
    "export.event.created": ("Created", "Creado"),
    "export.event.assigned": ("Assigned", "Asignado"),
    "export.event.status": ("Status changed", "Cambio de estado"),
    "export.event.note": ("Note", "Nota"),
    "export.event.closed": ("Closed", "Cerrado"),
    "export.event.reopened": ("Reopened", "Reabierto"),
    "export.event.sla_at_risk": ("SLA at risk", "SLA en riesgo"),
    "export.event.sla_breached": ("SLA breached", "SLA vencido"),
    "export.event.response_late": ("First response late", "Primera respuesta tardía"),
    "export.event.unassigned": ("Unassigned reminder", "Recordatorio sin asignar"),
    "export.event.feedback": ("Satisfaction answer", "Respuesta de satisfacción"),
    "export.visibility.public": ("Public", "Pública"),
    "export.visibility.internal": ("Internal", "Interna"),
    "export.unassigned": ("Unassigned", "Sin asignar"),
    # Summary sheet
    "export.summary.title": ("Ticket export", "Exportación de tickets"),
    "export.summary.scope": ("Scope", "Alcance"),
    "export.summary.filter": ("Filter", "Filtro"),
    "export.summary.generated": ("Generated", "Generado"),
    "export.summary.timezone": ("Time zone", "Zona horaria"),
    "export.summary.tickets": ("Tickets", "Tickets"),
    "export.summary.count": ("Tickets", "Tickets"),
    "export.summary.by_status": ("Status", "Estado"),
    "export.summary.by_priority": ("Priority", "Prioridad"),
    "export.summary.by_category": ("Category", "Categoría"),
    "export.summary.by_engineer": ("Engineer", "Ingeniero"),
    "export.summary.resolution": ("Resolution time", "Tiempo de resolución"),
    "export.summary.hours": ("Hours", "Horas"),
    "export.summary.average": ("Average", "Promedio"),
    "export.summary.median": ("Median", "Mediana"),
    "export.summary.resolved": ("Resolved tickets", "Tickets resueltos"),
    "export.summary.open_age": ("Open tickets by age", "Tickets abiertos por antigüedad"),
    "export.summary.chart_status": ("Tickets by status", "Tickets por estado"),
    "export.summary.chart_engineer": ("Tickets by engineer", "Tickets por ingeniero"),
    "export.age.day": ("Under 1 day", "Menos de 1 día"),
    "export.age.days3": ("1 to 3 days", "De 1 a 3 días"),
    "export.age.week": ("3 to 7 days", "De 3 a 7 días"),
    "export.age.month": ("7 to 30 days", "De 7 a 30 días"),
    "export.age.older": ("Over 30 days", "Más de 30 días"),
    # Scope and filter, in the workbook and in the Slack comment
    "export.scope.all": ("All tickets", "Todos los tickets"),
    "export.scope.reporter": ("Tickets reported by {name}", "Tickets reportados por {name}"),
    "export.scope.engineer": ("Tickets assigned to {name}", "Tickets asignados a {name}"),
    "export.filter.none": ("none", "ninguno"),
    "export.filter.since": ("since {date}", "desde {date}"),
    "export.filter.text": ("matching “{text}”", "que contienen «{text}»"),
    "export.filter.unassigned": ("unassigned", "sin asignar"),
    # Slack
    "export.tickets.one": ("1 ticket", "1 ticket"),
    "export.tickets.many": ("{count} tickets", "{count} tickets"),
    "export.preparing": (
        "Preparing your export of {tickets}… The file will arrive here in a moment.",
        "Preparando tu exportación de {tickets}… El archivo llegará aquí en un momento.",
    ),
    "export.preparing_dm": (
        "Preparing your export of {tickets}… I will send you the file in a direct message.",
        "Preparando tu exportación de {tickets}… Te enviaré el archivo por mensaje directo.",
    ),
    "export.nothing": (
        "No tickets match, so there is nothing to export.",
        "Ningún ticket coincide, así que no hay nada que exportar.",
    ),
    "export.only_admins": (
        "Only admins can export all tickets. Try `/ticket export` for your own tickets.",
        "Solo los administradores pueden exportar todos los tickets. Prueba `/ticket export` "
        "para exportar los tuyos.",
    ),
    "export.only_engineers": (
        "Only engineers can export their assigned tickets. Try `/ticket export` for your own tickets.",
        "Solo los ingenieros pueden exportar sus tickets asignados. Prueba `/ticket export` "
        "para exportar los tuyos.",
    ),
    "export.not_member": (
        "I am not a member of this channel, so I am sending your export to our direct messages. "
        "Invite me with `/invite` to get exports here.",
        "No soy miembro de este canal, así que te envío la exportación por mensaje directo. "
        "Invítame con `/invite` para recibirlas aquí.",
    ),
    "export.missing_scope": (
        "I may not look at this conversation: the app lacks Slack's `{scope}` permission, so I am "
        "sending your export to our direct messages. Ask an admin to add `{scope}` to the app "
        "(manifest.yml) and reinstall it.",
        "No puedo consultar esta conversación: a la app le falta el permiso `{scope}` de Slack, así "
        "que te envío la exportación por mensaje directo. Pide a un administrador que añada `{scope}` "
        "a la app (manifest.yml) y la reinstale.",
    ),
    "export.comment": (
        ":bar_chart: *{scope}* · filter: {filter} · {tickets} · generated {when}",
        ":bar_chart: *{scope}* · filtro: {filter} · {tickets} · generado {when}",
    ),
    "export.failed": (
        "Sorry, I could not deliver your Excel export ({scope}, filter: {filter}) after several tries. "
        "Please ask for it again in a while.",
        "Lo siento, no pude entregar tu exportación de Excel ({scope}, filtro: {filter}) tras varios "
        "intentos. Vuelve a pedirla dentro de un rato.",
    ),
    "export.filename": ("tickets", "tickets"),
}
