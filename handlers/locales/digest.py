"""Messages of the daily digest, the engineers' morning summary and the weekly report."""

MESSAGES = {
    # The daily digest in the triage channel
    "digest.title": ("Daily digest — {day}", "Resumen diario — {day}"),
    "digest.since": (
        "*Since {weekday}* ({since} – {day}): {opened} opened, {closed} closed",
        "*Desde el {weekday}* ({since} – {day}): {opened} abiertos, {closed} cerrados",
    ),
    # A digest after days off covers them, "since Friday": weekday names, Monday first.
    "digest.weekday.0": ("Monday", "lunes"),
    "digest.weekday.1": ("Tuesday", "martes"),
    "digest.weekday.2": ("Wednesday", "miércoles"),
    "digest.weekday.3": ("Thursday", "jueves"),
    "digest.weekday.4": ("Friday", "viernes"),
    "digest.weekday.5": ("Saturday", "sábado"),
    "digest.weekday.6": ("Sunday", "domingo"),
    "digest.yesterday": (
        "*Yesterday* ({day}): {opened} opened, {closed} closed",
        "*Ayer* ({day}): {opened} abiertos, {closed} cerrados",
    ),
    "digest.open_by_priority": (
        "*Open tickets by priority* ({total})",
        "*Tickets abiertos por prioridad* ({total})",
    ),
    "digest.open_by_engineer": ("*Open tickets by engineer*", "*Tickets abiertos por ingeniero*"),
    "digest.none_open": ("No open tickets. :tada:", "No hay tickets abiertos. :tada:"),
    "digest.unassigned": ("Unassigned", "Sin asignar"),
    "digest.at_risk": ("*:warning: At risk* ({total})", "*:warning: En riesgo* ({total})"),
    "digest.breached": ("*:rotating_light: Breached* ({total})", "*:rotating_light: Vencidos* ({total})"),
    "digest.oldest_unassigned": (
        "*Oldest unassigned* ({total})",
        "*Sin asignar más antiguos* ({total})",
    ),
    "digest.line": ("{number} {title} — {engineer}", "{number} {title} — {engineer}"),
    "digest.line_due": (
        "{number} {title} — {engineer}, due {due}",
        "{number} {title} — {engineer}, vence {due}",
    ),
    "digest.line_age": ("{number} {title} — waiting {age}", "{number} {title} — esperando {age}"),
    "digest.more": ("…and {count} more", "…y {count} más"),
    "digest.age_days": ("{days} d {hours} h", "{days} d {hours} h"),
    "digest.age_hours": ("{hours} h", "{hours} h"),
    # An engineer's morning DM
    "digest.dm_title": ("Good morning! Your queue today", "¡Buenos días! Tu cola de hoy"),
    "digest.dm_counts": (
        "{total} open: {open} open, {in_progress} in progress, {on_hold} on hold",
        "{total} abiertos: {open} abiertos, {in_progress} en progreso, {on_hold} en espera",
    ),
    "digest.dm_sla": (
        ":warning: {at_risk} at risk, :rotating_light: {breached} breached",
        ":warning: {at_risk} en riesgo, :rotating_light: {breached} vencidos",
    ),
    "digest.dm_empty": ("Nothing in your queue. :sunny:", "No tienes nada en tu cola. :sunny:"),
    "digest.dm_oldest": ("*Oldest first*", "*Los más antiguos primero*"),
    "digest.dm_line": ("{number} {title} — {status}{flag}", "{number} {title} — {status}{flag}"),
    "digest.flag.at_risk": (" — :warning: at risk", " — :warning: en riesgo"),
    "digest.flag.breached": (" — :rotating_light: breached", " — :rotating_light: vencido"),
    # `/ticket digest on|off`
    "digest.is_on": (
        "Your morning summary is *on*: a DM with your queue every day at {time}. "
        "`/ticket digest off` stops it.",
        "Tu resumen matutino está *activado*: un mensaje directo con tu cola cada día a las {time}. "
        "`/ticket resumen off` lo detiene.",
    ),
    "digest.is_off": (
        "Your morning summary is *off*. `/ticket digest on` sends you your queue every day at {time}.",
        "Tu resumen matutino está *desactivado*. `/ticket resumen on` te envía tu cola "
        "cada día a las {time}.",
    ),
    "digest.turned_on": (
        "Done: you will get your queue in a DM every day at {time}.",
        "Listo: recibirás tu cola en un mensaje directo cada día a las {time}.",
    ),
    "digest.turned_off": ("Done: no more morning summaries.", "Listo: no más resúmenes matutinos."),
    "digest.disabled": (
        "Digests are turned off on this workspace (DIGEST_TIME=off).",
        "Los resúmenes están desactivados en este espacio de trabajo (DIGEST_TIME=off).",
    ),
    "digest.only_engineers": (
        "Only engineers have a queue to summarize. The team's daily digest goes to the triage channel.",
        "Solo los ingenieros tienen una cola que resumir. "
        "El resumen diario del equipo va al canal de triaje.",
    ),
    "digest.usage": ("Use `/ticket digest on` or `/ticket digest off`.", "Usa `/ticket resumen on` u `off`."),
    "help.digest": (
        "• `/ticket digest on|off` — engineers: your queue in a DM every morning",
        "• `/ticket resumen on|off` — ingenieros: tu cola en un mensaje directo cada mañana",
    ),
    # The weekly report
    "report.weekly_comment": (
        "*Weekly report — week of {week}*",
        "*Informe semanal — semana del {week}*",
    ),
    "report.subject": (
        "Weekly ticket report — week of {week}",
        "Informe semanal de tickets — semana del {week}",
    ),
    "report.body": (
        "Hello,\n\nAttached is the weekly ticket report (all tickets, with the Summary sheet and its "
        "charts), generated {when}.\n\n— {bot}",
        "Hola:\n\nAdjunto va el informe semanal de tickets (todos los tickets, con la hoja Resumen y "
        "sus gráficos), generado el {when}.\n\n— {bot}",
    ),
    "report.filename": ("weekly-report", "informe-semanal"),
    "report.bot": ("IT Helpdesk", "Mesa de ayuda de TI"),
}
