"""Messages of the charts (bot.charts): their titles, legends and axes, and the alt text and
email text that state the same numbers for a reader who cannot see the picture."""

MESSAGES = {
    "chart.weekly_title": ("Tickets — last {weeks} weeks", "Tickets — últimas {weeks} semanas"),
    "chart.daily_title": ("Tickets — last {days} days", "Tickets — últimos {days} días"),
    "chart.engineer_title": ("Your tickets — last {days} days", "Tus tickets — últimos {days} días"),
    "chart.breakdown_title": (
        "Opened {start} – {end} by category and priority",
        "Abiertos {start} – {end} por categoría y prioridad",
    ),
    "chart.opened": ("Opened", "Abiertos"),
    "chart.closed": ("Closed", "Cerrados"),
    "chart.closed_by_you": ("Closed by you", "Cerrados por ti"),
    "chart.backlog": ("Open backlog", "Pendientes abiertos"),
    "chart.sla_met": ("Closed within SLA", "Cerrados dentro del SLA"),
    "chart.sla_none": ("no SLA data", "sin datos de SLA"),
    "chart.tickets": ("Tickets", "Tickets"),
    "chart.queue": ("Your open queue by priority", "Tu cola abierta por prioridad"),
    "chart.week_of": ("Week of {day}", "Semana del {day}"),
    "chart.no_data": ("No data yet", "Aún no hay datos"),
    "chart.no_data_hint": (
        "The chart fills in as tickets are filed and closed.",
        "El gráfico se irá llenando a medida que se abran y cierren tickets.",
    ),
    "chart.updated": ("Updated {when}", "Actualizado {when}"),
    # Dates on the axes: "Nov 3" in English, "3 nov" in Spanish.
    "chart.date": ("{month} {day}", "{day} {month}"),
    "chart.month.1": ("Jan", "ene"),
    "chart.month.2": ("Feb", "feb"),
    "chart.month.3": ("Mar", "mar"),
    "chart.month.4": ("Apr", "abr"),
    "chart.month.5": ("May", "may"),
    "chart.month.6": ("Jun", "jun"),
    "chart.month.7": ("Jul", "jul"),
    "chart.month.8": ("Aug", "ago"),
    "chart.month.9": ("Sep", "sep"),
    "chart.month.10": ("Oct", "oct"),
    "chart.month.11": ("Nov", "nov"),
    "chart.month.12": ("Dec", "dic"),
    # The numbers in words: the image block's alt text, and the email for clients blocking images.
    "chart.alt_no_data": ("{title}: no tickets yet.", "{title}: aún no hay tickets."),
    "chart.alt_bucket": (
        "{label}: {opened} opened, {closed} closed, {backlog} open at the end",
        "{label}: {opened} abiertos, {closed} cerrados, {backlog} abiertos al final",
    ),
    "chart.alt_sla": ("{share}% within SLA", "{share}% dentro del SLA"),
    "chart.alt_engineer_day": ("{label}: {closed} closed", "{label}: {closed} cerrados"),
    "chart.alt_queue": ("Open queue: {counts}.", "Cola abierta: {counts}."),
    "chart.alt_category": ("{category}: {total} ({counts})", "{category}: {total} ({counts})"),
    "chart.alt_total": ("{total} tickets opened.", "{total} tickets abiertos."),
    # The weekly report message and email, and the quiet thread the Home charts are kept in.
    "chart.report_comment": (
        ":bar_chart: The helpdesk at a glance, week of {week}",
        ":bar_chart: La mesa de ayuda de un vistazo, semana del {week}",
    ),
    "chart.report_email_heading": ("The helpdesk at a glance", "La mesa de ayuda de un vistazo"),
    "chart.home_thread": (
        ":bar_chart: The charts on your Home tab are kept in this thread (older ones are deleted).",
        ":bar_chart: Los gráficos de tu pestaña Inicio se guardan en este hilo (los antiguos se borran).",
    ),
    "chart.home_pending": (
        "_The chart appears here within a few minutes._",
        "_El gráfico aparecerá aquí en unos minutos._",
    ),
}
