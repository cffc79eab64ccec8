"""Messages of outages beyond the incident's own card: the burst suggestion in the triage
channel (storage.bursts), and incidents where tickets are listed (Home, `/ticket list`, digest,
weekly report)."""

MESSAGES = {
    # The burst suggestion
    "similar_burst.headline": (
        ":rotating_light: *{count} tickets look like one problem — declare an incident?*",
        ":rotating_light: *{count} tickets parecen un mismo problema — ¿declarar un incidente?*",
    ),
    "similar_burst.fallback": (
        "{count} tickets look like one problem — declare an incident?",
        "{count} tickets parecen un mismo problema — ¿declarar un incidente?",
    ),
    "similar_burst.linked_elsewhere": ("(in {incident})", "(en {incident})"),
    "similar_burst.declared_as": (
        ":white_check_mark: Declared as *{incident}* · {title} ({status})",
        ":white_check_mark: Declarado como *{incident}* · {title} ({status})",
    ),
    "similar_burst.modal_title": ("Declare incident", "Declarar incidente"),
    "similar_burst.modal_tickets": (
        "The {count} tickets listed are linked to it (those still open and in no other incident).",
        "Se le vinculan los {count} tickets listados (los aún abiertos y sin otro incidente).",
    ),
    "similar_burst.declared": ("Declared *{incident}*: {title}", "Declarado *{incident}*: {title}"),
    "similar_burst.already_declared": (
        "An incident was declared from these tickets already: {incident}.",
        "Ya se declaró un incidente con estos tickets: {incident}.",
    ),
    "similar_burst.not_found": ("That suggestion no longer exists.", "Esa sugerencia ya no existe."),
    # Incidents where tickets are listed
    "outage.open_incidents": (
        ":rotating_light: *Open incidents* ({count})",
        ":rotating_light: *Incidentes abiertos* ({count})",
    ),
    "outage.incident_line": (
        "*{incident}* · {title} · {status} · {count} linked",
        "*{incident}* · {title} · {status} · {count} vinculados",
    ),
    "outage.and_more": ("…and {count} more", "…y {count} más"),
    "outage.reporter_part_of": (
        ":rotating_light: Part of a known problem: {title} ({status})",
        ":rotating_light: Parte de un problema conocido: {title} ({status})",
    ),
    # The weekly report (Slack comment and email), plain text: escaped where it goes
    "outage.week": (
        "Incidents last week: {opened} opened, {resolved} resolved.",
        "Incidentes de la semana pasada: {opened} declarados, {resolved} resueltos.",
    ),
    "outage.week_opened": (
        "Opened: {incident} {title} ({status}, {count} tickets)",
        "Declarado: {incident} {title} ({status}, {count} tickets)",
    ),
    "outage.week_resolved": (
        "Resolved: {incident} {title} ({count} tickets)",
        "Resuelto: {incident} {title} ({count} tickets)",
    ),
}
