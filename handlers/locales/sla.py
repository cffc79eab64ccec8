"""Service levels: the SLA line on cards and Home, and the sweep's warnings."""

MESSAGES = {
    "sla.label": ("SLA", "SLA"),
    "sla.on_track": ("On track · due {when}", "En plazo · vence {when}"),
    "sla.at_risk": ("At risk · due {when}", "En riesgo · vence {when}"),
    "sla.breached": ("Breached · was due {when}", "Vencido · vencía {when}"),
    "sla.paused": ("Paused while on hold", "Pausado mientras está en espera"),
    "sla.met": ("Met", "Cumplido"),
    "sla.missed": ("Missed (closed late)", "Incumplido (cerrado tarde)"),
    "sla.expected": ("Expected by {when}", "Previsto para {when}"),
    "sla.state.on_track": ("On track", "En plazo"),
    "sla.state.at_risk": ("At risk", "En riesgo"),
    "sla.state.breached": ("Breached", "Vencido"),
    "sla.state.paused": ("Paused", "Pausado"),
    "sla.state.met": ("Met", "Cumplido"),
    "dash.sla": (
        ":warning: At risk: *{at_risk}* · :rotating_light: Breached: *{breached}*",
        ":warning: En riesgo: *{at_risk}* · :rotating_light: Vencidos: *{breached}*",
    ),
    "event.sla_at_risk": (
        ":warning: {number} is at risk: three quarters of its resolution time are used. Due {when}.",
        ":warning: {number} está en riesgo: ya se usó el 75 % de su tiempo de solución. Vence {when}.",
    ),
    "event.sla_breached": (
        ":rotating_light: {number} missed its resolution target ({when}). {admins}",
        ":rotating_light: {number} superó su plazo de solución ({when}). {admins}",
    ),
    "event.response_late": (
        ":hourglass: {number} has had no first response yet; the target was {when}.",
        ":hourglass: {number} aún no tiene primera respuesta; el plazo era {when}.",
    ),
    "event.unassigned": (
        ":bellhop_bell: {number} “{title}” has waited for an engineer since {when}.",
        ":bellhop_bell: {number} «{title}» espera un técnico desde {when}.",
    ),
    "email.subject.sla_at_risk": ("At risk: {title}", "En riesgo: {title}"),
    "email.subject.sla_breached": ("SLA breached: {title}", "SLA vencido: {title}"),
    "email.subject.response_late": ("No first response yet: {title}", "Sin primera respuesta: {title}"),
    "email.subject.unassigned": ("Waiting for an engineer: {title}", "Esperando técnico: {title}"),
    "email.intro.sla_at_risk": (
        "Three quarters of this ticket's resolution time are used.",
        "Ya se usó el 75 % del tiempo de solución de este ticket.",
    ),
    "email.intro.sla_breached": (
        "This ticket missed its resolution target.",
        "Este ticket superó su plazo de solución.",
    ),
    "email.intro.response_late": (
        "Nobody has answered this ticket within its first-response target.",
        "Nadie ha respondido este ticket dentro del plazo de primera respuesta.",
    ),
    "email.intro.unassigned": (
        "This ticket is still waiting for an engineer.",
        "Este ticket sigue esperando un técnico.",
    ),
    "email.change.sla_at_risk": ("Due {due}.", "Vence {due}."),
    "email.change.sla_breached": ("It was due {due}.", "Vencía {due}."),
    "email.change.response_late": ("A first response was due {due}.", "La primera respuesta vencía {due}."),
    "email.change.unassigned": ("Filed {due}, not assigned yet.", "Creado {due}, aún sin asignar."),
}
