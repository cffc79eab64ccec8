"""Messages of incidents (storage.incidents): their card in the triage channel, the line on a
linked ticket's cards, the `/ticket link|unlink|incident` answers and the modals."""

MESSAGES = {
    "incident.status.investigating": ("Investigating", "Investigando"),
    "incident.status.identified": ("Identified", "Identificado"),
    "incident.status.monitoring": ("Monitoring", "En observación"),
    "incident.status.resolved": ("Resolved", "Resuelto"),
    # A linked ticket's cards
    "incident.part_of": (
        ":rotating_light: Part of *{incident}* ({status})",
        ":rotating_light: Parte de *{incident}* ({status})",
    ),
    # The incident's card
    "incident.card_title": ("{incident} · {title}", "{incident} · {title}"),
    "incident.owner": ("Owner", "Responsable"),
    "incident.status": ("Status", "Estado"),
    "incident.tickets": ("Linked tickets", "Tickets vinculados"),
    "incident.reporters": ("Reporters", "Solicitantes"),
    "incident.tickets_count": ("{count} ({open} still open)", "{count} ({open} aún abiertos)"),
    "incident.none_linked": ("No tickets linked yet.", "Aún no hay tickets vinculados."),
    "incident.and_more": ("…and {count} more", "…y {count} más"),
    "incident.resolution": ("*Resolution:* {text}", "*Resolución:* {text}"),
    "incident.fallback": (
        "Incident {incident}: {title} ({status})",
        "Incidente {incident}: {title} ({status})",
    ),
    "incident.update_button": ("Post update", "Publicar novedad"),
    "incident.resolve_button": ("Resolve", "Resolver"),
    "incident.status_placeholder": ("Set status", "Cambiar estado"),
    "incident.declare_button": ("Declare incident", "Declarar incidente"),
    # Modals
    "incident.declare_title": ("Declare incident", "Declarar incidente"),
    "incident.title_label": ("What is down?", "¿Qué está caído?"),
    "incident.update_title": ("Post update", "Publicar novedad"),
    "incident.update_label": (
        "Update (every linked ticket's reporter is told)",
        "Novedad (se avisa a quien reportó cada ticket vinculado)",
    ),
    "incident.resolve_title": ("Resolve incident", "Resolver incidente"),
    "incident.resolve_label": (
        "Resolution (closes every linked ticket)",
        "Resolución (cierra todos los tickets vinculados)",
    ),
    "incident.submit": ("Send", "Enviar"),
    # Answers
    "incident.declared": ("Declared *{incident}*: {title}", "Declarado *{incident}*: {title}"),
    "incident.linked": ("{ticket} is now part of *{incident}*.", "{ticket} ahora es parte de *{incident}*."),
    "incident.unlinked": (
        "{ticket} is no longer part of an incident.",
        "{ticket} ya no es parte de un incidente.",
    ),
    "incident.updated": ("Update sent to {count} tickets.", "Novedad enviada a {count} tickets."),
    "incident.resolved_now": (
        "*{incident}* resolved: {count} tickets closed.",
        "*{incident}* resuelto: {count} tickets cerrados.",
    ),
    "incident.resolve_retry": (
        "{incident} was not resolved: its tickets kept changing while it closed them. Nothing was "
        "closed; please resolve it again.",
        "{incident} no se resolvió: sus tickets cambiaban mientras se cerraban. No se cerró nada; "
        "vuelve a resolverlo.",
    ),
    "incident.resolved_already": (
        "*{incident}* was already resolved: nothing changed.",
        "*{incident}* ya estaba resuelto: no cambió nada.",
    ),
    "incident.usage": (
        "Usage: `/ticket link TKT-… INC-…`, `/ticket unlink TKT-…`, `/ticket incident new <title>`",
        "Uso: `/ticket link TKT-… INC-…`, `/ticket unlink TKT-…`, `/ticket incident new <título>`",
    ),
    # Refusals (storage.errors codes)
    "incident.not_found": ("No such incident.", "No existe ese incidente."),
    "incident.already_linked": (
        "{ticket} is already part of {incident}: unlink it first.",
        "{ticket} ya es parte de {incident}: desvincúlalo primero.",
    ),
    "incident.resolved": ("{incident} is resolved.", "{incident} está resuelto."),
    # A message in the thread of the incident's card (handlers/incident_thread.py)
    "incident.thread_staff_only": (
        "Only staff can post updates to {incident}; nothing was sent.",
        "Solo el equipo de TI puede publicar novedades de {incident}; no se envió nada.",
    ),
    "incident.thread_resolved": (
        "{incident} is resolved: updates are no longer sent. Nothing was sent.",
        "{incident} está resuelto: ya no se envían novedades. No se envió nada.",
    ),
    "incident.thread_too_long": (
        "An update to {incident} holds at most {max} characters; nothing was sent. "
        "Shorten it and write it again.",
        "Una novedad de {incident} admite como máximo {max} caracteres; no se envió nada. "
        "Acórtala y escríbela de nuevo.",
    ),
    "incident.thread_failed": (
        "Your update to {incident} was not sent: {reason}",
        "Tu novedad de {incident} no se envió: {reason}",
    ),
}
