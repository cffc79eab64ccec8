"""Messages of satisfaction (CSAT): "Was your problem solved?" on the reporter's closed card,
the rating, what staff see of the answers (cards, threads, emails, dashboard, exports)."""

MESSAGES = {
    # The reporter's card once closed
    "csat.question": (
        "*Was your problem solved?*",
        "*¿Se resolvió tu problema?*",
    ),
    "csat.yes": ("Yes, thanks", "Sí, gracias"),
    "csat.no": ("No, reopen", "No, reabrir"),
    "csat.thanks": (
        "*Glad it is solved. Thank you!* How did we do? A rating is optional.",
        "*¡Qué bueno que se resolvió, gracias!* ¿Cómo lo hicimos? La calificación es opcional.",
    ),
    "csat.thanks_rated": (
        "*You said the problem was solved. Thank you!*",
        "*Dijiste que el problema se resolvió. ¡Gracias!*",
    ),
    "csat.rate_placeholder": ("Rate 1-5 stars", "Califica de 1 a 5"),
    "csat.rate_button": ("Rate and comment", "Calificar y comentar"),
    "csat.change_button": ("Change rating", "Cambiar calificación"),
    "csat.stars.1": ("★ 1 · Poor", "★ 1 · Mala"),
    "csat.stars.2": ("★★ 2 · Fair", "★★ 2 · Regular"),
    "csat.stars.3": ("★★★ 3 · Good", "★★★ 3 · Buena"),
    "csat.stars.4": ("★★★★ 4 · Very good", "★★★★ 4 · Muy buena"),
    "csat.stars.5": ("★★★★★ 5 · Excellent", "★★★★★ 5 · Excelente"),
    "csat.rating_line": ("{stars} {rating}/5", "{stars} {rating}/5"),
    # What staff see on a closed ticket's card
    "csat.staff_solved": (
        ":white_check_mark: The reporter says the problem is solved.",
        ":white_check_mark: El usuario dice que el problema se resolvió.",
    ),
    "csat.staff_waiting": (
        "Waiting for the reporter to say whether the problem is solved.",
        "Esperando que el usuario diga si el problema se resolvió.",
    ),
    # Refusals
    "csat.refused": (
        "Only the person who reported {number} can answer this. Nothing was changed.",
        "Solo quien reportó {number} puede responder esto. No se cambió nada.",
    ),
    "csat.already_answered": (
        "You already answered for {number}. Thank you!",
        "Ya respondiste sobre {number}. ¡Gracias!",
    ),
    # "No, reopen": the modal, and the reopen's note
    "csat.reopen.title": ("Reopen ticket", "Reabrir ticket"),
    "csat.reopen.submit": ("Reopen", "Reabrir"),
    "csat.reopen.label": ("What is still wrong?", "¿Qué sigue fallando?"),
    "csat.hint": (
        "Optional. Your engineer will see it.",
        "Opcional. Tu ingeniero lo verá.",
    ),
    "csat.reopen_note": ("Problem not solved", "El problema no se resolvió"),
    "csat.reopen_note_with": ("Problem not solved: {text}", "El problema no se resolvió: {text}"),
    # The rating modal
    "csat.rate.title": ("Rate the help", "Calificar la atención"),
    "csat.rate.submit": ("Send", "Enviar"),
    "csat.rate.rating": ("Rating", "Calificación"),
    "csat.rate.comment": ("Comment", "Comentario"),
    # Thread replies
    "event.feedback_solved": (
        "{actor} says the problem is solved.",
        "{actor} dice que el problema se resolvió.",
    ),
    "event.feedback_rated": (
        "{actor} rated the help {rating}.",
        "{actor} calificó la atención con {rating}.",
    ),
    "event.feedback_rated_comment": (
        "{actor} rated the help {rating}: {note}",
        "{actor} calificó la atención con {rating}: {note}",
    ),
    "event.feedback_reopened": (
        "{actor} says the problem is not solved.",
        "{actor} dice que el problema no se resolvió.",
    ),
    # The engineer's email
    "email.subject.feedback": (
        "Feedback from the reporter: {title}",
        "Respuesta del usuario: {title}",
    ),
    "email.intro.feedback": (
        "The reporter answered “Was your problem solved?” on a ticket of yours.",
        "El usuario respondió «¿Se resolvió tu problema?» en uno de tus tickets.",
    ),
    "email.change.feedback_solved": (
        "{actor} says the problem is solved.",
        "{actor} dice que el problema se resolvió.",
    ),
    "email.change.feedback_rated": (
        "{actor} rated the help {rating}/5.",
        "{actor} calificó la atención con {rating}/5.",
    ),
    "email.change.feedback_reopened": (
        "{actor} says the problem is not solved: the ticket is open again.",
        "{actor} dice que el problema no se resolvió: el ticket está abierto de nuevo.",
    ),
    "email.label.comment": ("Comment", "Comentario"),
    # Exports and the admin's Home tab
    "export.summary.csat": ("Satisfaction (1-5 stars)", "Satisfacción (1 a 5 estrellas)"),
    "export.summary.csat_average": ("Average rating", "Calificación promedio"),
    "export.summary.csat_count": ("Ratings", "Calificaciones"),
    "export.summary.csat_overall": ("All engineers", "Todos los ingenieros"),
    "dash.csat": (
        "*Satisfaction:* {average} ★ ({count} ratings) · {solved} % solved",
        "*Satisfacción:* {average} ★ ({count} calificaciones) · {solved} % resueltos",
    ),
    "dash.csat_one": (
        "*Satisfaction:* {average} ★ (1 rating) · {solved} % solved",
        "*Satisfacción:* {average} ★ (1 calificación) · {solved} % resueltos",
    ),
    "dash.csat_none": (
        "*Satisfaction:* no answers yet.",
        "*Satisfacción:* aún no hay respuestas.",
    ),
    "dash.csat_engineer": ("{name}: {average} ★ ({count})", "{name}: {average} ★ ({count})"),
}
