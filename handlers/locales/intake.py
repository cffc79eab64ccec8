"""Messages of tickets filed from a Slack message: the message shortcut and the :ticket: reaction."""

MESSAGES = {
    # In the thread of the message a ticket was filed from. No user text here: only the number.
    "intake.reply": (
        ":ticket: Filed as *{number}* for {reporter}. Updates arrive in their DM with the helpdesk.",
        ":ticket: Registrado como *{number}* para {reporter}. Las novedades le llegan por mensaje "
        "directo de la mesa de ayuda.",
    ),
    # On the ticket's cards: a link back to the message
    "intake.from_message": (":speech_balloon: From a message", ":speech_balloon: Desde un mensaje"),
    # A message with no words (only a file, or blocks): what the ticket says instead
    "intake.untitled": ("Ticket from a Slack message", "Ticket desde un mensaje de Slack"),
    # The shortcut's modal while the people the message mentions are looked up (a moment)
    "intake.reading": (
        ":hourglass_flowing_sand: Reading the message…",
        ":hourglass_flowing_sand: Leyendo el mensaje…",
    ),
    # First line of the description of a message whose author is from another organisation (Slack
    # Connect): they are quoted, and whoever filed it is the reporter.
    "intake.written_by": (
        "Written by {name} (another organisation):",
        "Escrito por {name} (otra organización):",
    ),
    "intake.no_text": (
        "The message had no text; see the link to it.",
        "El mensaje no tenía texto; mira el enlace al mensaje.",
    ),
}
