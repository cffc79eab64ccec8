"""Messages of the incident buttons on a ticket's cards (handlers/incident_actions.py), of the
incident's list of tickets, and of the owner's notice of a reopened ticket."""

MESSAGES = {
    # A ticket's cards
    "incident.link_button": ("Link to incident…", "Vincular a incidente…"),
    "incident.unlink_button": ("Unlink", "Desvincular"),
    "incident.keep_out_button": ("Not part of it", "No es parte"),
    "incident.keep_out_title": ("Not part of it?", "¿No es parte?"),
    "incident.keep_out_confirm": (
        "{ticket} leaves {incident} and stays out: not told of its updates, not closed when it is "
        "resolved, not offered for it again.",
        "{ticket} sale de {incident} y queda fuera: no recibe sus novedades, no se cierra al "
        "resolverlo y no se vuelve a sugerir para él.",
    ),
    "incident.keep_out_yes": ("Keep it out", "Dejarlo fuera"),
    "incident.link_to": ("Link to {incident}", "Vincular a {incident}"),
    "incident.declare_with": ("Declare incident with {ticket}", "Declarar incidente con {ticket}"),
    # The link modal
    "incident.link_title": ("Link to incident", "Vincular a incidente"),
    "incident.link_about": ("*{ticket}* · {title}", "*{ticket}* · {title}"),
    "incident.pick_label": ("Open incident", "Incidente abierto"),
    "incident.pick_placeholder": ("Choose an incident", "Elige un incidente"),
    "incident.link_submit": ("Link", "Vincular"),
    "incident.none_open": (
        "No incident is open: declare one from the ticket's triage card.",
        "No hay incidentes abiertos: declara uno desde la tarjeta del ticket en triaje.",
    ),
    # Answers
    "incident.staff_only": (
        "Only IT staff (engineers and admins) can do that. Nothing was changed.",
        "Solo el personal de TI (ingenieros y administradores) puede hacer eso. No se cambió nada.",
    ),
    "incident.kept_out": (
        "{ticket} is no longer part of *{incident}* and stays out of it.",
        "{ticket} ya no es parte de *{incident}* y queda fuera.",
    ),
    "incident.not_linked": ("{ticket} is not part of an incident.", "{ticket} no es parte de un incidente."),
    # The list of an incident's tickets
    "incident.list_button": ("List tickets", "Ver tickets"),
    "incident.list_title": ("{incident} tickets", "Tickets de {incident}"),
    "incident.list_heading": (
        "*{incident}* · {title} — {count} linked",
        "*{incident}* · {title} — {count} vinculados",
    ),
    "incident.list_page": ("Page {page} of {pages}", "Página {page} de {pages}"),
    "incident.list_close": ("Close", "Cerrar"),
    # The owner of a resolved incident, when a ticket of it is reopened
    "incident.child_reopened": (
        ":warning: *{ticket}* ({title}) of *{incident}* was reopened by {who}. {incident} stays "
        "resolved; the ticket is open again on its own.",
        ":warning: {who} reabrió *{ticket}* ({title}) de *{incident}*. {incident} sigue resuelto; "
        "el ticket vuelve a estar abierto por su cuenta.",
    ),
    "incident.child_reopened_reason": (
        ":warning: *{ticket}* ({title}) of *{incident}* was reopened by {who}: {note}\n{incident} "
        "stays resolved; the ticket is open again on its own.",
        ":warning: {who} reabrió *{ticket}* ({title}) de *{incident}*: {note}\n{incident} sigue "
        "resuelto; el ticket vuelve a estar abierto por su cuenta.",
    ),
    # The reporter's card of a ticket closed with an incident, asked on another ticket of theirs
    "csat.asked_on": (
        "Closed with *{incident}*. We asked whether it is solved once, on *{ticket}*.",
        "Cerrado con *{incident}*. Preguntamos una sola vez si quedó resuelto, en *{ticket}*.",
    ),
}
