"""Words of tickets filed by email (bot/mail_in)."""

MESSAGES = {
    # An email with no subject: the new ticket's title
    "mail.untitled": ("Ticket from an email", "Ticket desde un correo"),
    # An email with no text (only attachments): the new ticket's description
    "mail.no_text": ("The email had no text.", "El correo no tenía texto."),
    # First line of the description of a ticket filed from the email of someone who is not in
    # the workspace (MAIL_ACCEPT_UNKNOWN): they are quoted, an admin is the reporter.
    "mail.written_by": ("Sent by email by {address}:", "Enviado por correo por {address}:"),
    # Under an emailed comment whose attachments were too large to keep (FILE_MAX_MB)
    "mail.files_not_kept": (
        "📎 Not kept, over {max_mb} MB: {names}",
        "📎 No se guardó, más de {max_mb} MB: {names}",
    ),
}
