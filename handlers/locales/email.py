"""Messages of the ticket emails: subjects, intros, the latest-change line, labels.

Subjects carry no `[TKT-…]` tag: the code puts it in front, the same in every language.
"""

MESSAGES = {
    "email.subject.received": (
        "Your ticket was received: {title}",
        "Recibimos tu ticket: {title}",
    ),
    "email.subject.new_ticket": (
        "New {priority} ticket: {title}",
        "Nuevo ticket de prioridad {priority}: {title}",
    ),
    "email.subject.assigned": (
        "Assigned to you: {title}",
        "Asignado a ti: {title}",
    ),
    "email.subject.reassigned": (
        "Reassigned to {engineer}: {title}",
        "Reasignado a {engineer}: {title}",
    ),
    "email.subject.status": (
        "Status: {status}",
        "Estado: {status}",
    ),
    "email.subject.closed": (
        "Closed: {title}",
        "Cerrado: {title}",
    ),
    "email.subject.update": (
        "New update",
        "Nueva actualización",
    ),
    "email.subject.comment": (
        "The reporter wrote: {title}",
        "El usuario escribió: {title}",
    ),
    "email.intro.received": (
        "We received your ticket. You will get an email at every step, and can follow it in Slack.",
        "Recibimos tu ticket. Recibirás un correo en cada paso y puedes seguirlo en Slack.",
    ),
    "email.intro.new_ticket": (
        "A new ticket is waiting for triage.",
        "Un ticket nuevo espera ser asignado.",
    ),
    "email.intro.assigned": (
        "This ticket is now yours.",
        "Este ticket ahora es tuyo.",
    ),
    "email.intro.reassigned": (
        "This ticket was reassigned to {engineer}: it is no longer yours.",
        "Este ticket se reasignó a {engineer}: ya no es tuyo.",
    ),
    "email.intro.status": (
        "The status of your ticket changed.",
        "El estado de tu ticket cambió.",
    ),
    "email.intro.closed": (
        "Your ticket was closed. If the problem is back, reopen it from Slack.",
        "Tu ticket se cerró. Si el problema vuelve, reábrelo desde Slack.",
    ),
    "email.intro.update": (
        "There is an update on your ticket.",
        "Hay una actualización en tu ticket.",
    ),
    "email.intro.comment": (
        "The reporter wrote on this ticket. Answer in the thread of the ticket's card in Slack.",
        "El usuario escribió en este ticket. Responde en el hilo de la tarjeta del ticket en Slack.",
    ),
    "email.change.created": (
        "{actor} filed this ticket.",
        "{actor} creó este ticket.",
    ),
    "email.change.assigned": (
        "{actor} assigned this ticket to {engineer}.",
        "{actor} asignó este ticket a {engineer}.",
    ),
    "email.change.status": (
        "{actor} changed the status from {old} to {new}.",
        "{actor} cambió el estado de {old} a {new}.",
    ),
    "email.change.reopened": (
        "{actor} reopened this ticket.",
        "{actor} reabrió este ticket.",
    ),
    "email.change.closed": (
        "{actor} closed this ticket.",
        "{actor} cerró este ticket.",
    ),
    "email.change.note": (
        "{actor} added an update.",
        "{actor} agregó una actualización.",
    ),
    "email.label.reason": (
        "Reason",
        "Motivo",
    ),
    "email.label.resolution": (
        "Resolution",
        "Resolución",
    ),
    "email.label.note": (
        "Update",
        "Actualización",
    ),
    "email.label.files": (
        "Files",
        "Archivos",
    ),
    "email.files.not_attached": (
        "not attached (too large for email, or not available): see it in Slack",
        "no adjunto (demasiado grande para el correo, o no disponible): míralo en Slack",
    ),
    "email.label.latest": (
        "Latest change",
        "Último cambio",
    ),
    "email.field.ticket": (
        "Ticket",
        "Ticket",
    ),
    "email.field.created": (
        "Filed",
        "Creado",
    ),
    "email.greeting": (
        "Hello {name},",
        "Hola {name}:",
    ),
    "email.open_in_slack": (
        "Open in Slack",
        "Abrir en Slack",
    ),
    "email.footer": (
        "This email mirrors ticket {number} in Slack; the ticket lives there.",
        "Este correo refleja el ticket {number} de Slack; el ticket vive allí.",
    ),
    # With MAIL_REPLY_TO (the mailbox ticketbot reads): what replying does, to the reporter…
    "email.footer.reporter": (
        "This email mirrors ticket {number} in Slack. Reply to it to write to the helpdesk.",
        "Este correo refleja el ticket {number} de Slack. Respóndelo para escribir a soporte.",
    ),
    # …and to staff: a reply is public (an internal note is written in Slack, with Add note)
    "email.footer.staff": (
        "This email mirrors ticket {number} in Slack. A reply to it reaches the reporter as a public "
        "comment; for an internal note, use Add note in Slack.",
        "Este correo refleja el ticket {number} de Slack. Una respuesta llega al solicitante como "
        "comentario público; para una nota interna, usa Agregar nota en Slack.",
    ),
}
