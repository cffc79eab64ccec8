"""English messages. Every key here must exist in es.py too (a test checks)."""

MESSAGES = {
    # Filing modal
    "modal.new.title": "New ticket",
    "modal.submit": "Submit",
    "modal.cancel": "Cancel",
    "field.title": "Title",
    "field.title.placeholder": "A short summary, e.g. “Cannot reach my email”",
    "field.description": "Description",
    "field.description.placeholder": "What happened, since when, what you already tried",
    "field.category": "Category",
    "field.priority": "Priority",
    # Vocabulary
    "category.hardware": "Hardware",
    "category.software": "Software",
    "category.network": "Network",
    "category.printers": "Printers",
    "category.access": "Access & accounts",
    "category.other": "Other",
    "priority.low": "Low",
    "priority.medium": "Medium",
    "priority.high": "High",
    "priority.critical": "Critical",
    "status.open": "Open",
    "status.in_progress": "In progress",
    "status.on_hold": "On hold",
    "status.closed": "Closed",
    # Ticket card
    "card.reporter": "Reporter",
    "card.category": "Category",
    "card.priority": "Priority",
    "card.status": "Status",
    "card.assignee": "Assigned to",
    "card.unassigned": "Nobody yet",
    "card.created": "Filed {when}",
    "card.updated": "Updated {when}",
    "card.fallback": "{number}: {title} ({status})",
    "card.received": "Your ticket {number} was received. We will keep you posted here.",
    "card.new_in_triage": "New ticket {number} from {reporter}",
    # Thread replies
    "event.assigned": "Assigned to {engineer} by {actor}.",
    "event.unassigned_from_you": "{actor} reassigned this ticket to {engineer}.",
    "event.status": "{actor} moved this ticket from {old} to {new}.",
    "event.status_reason": "{actor} moved this ticket from {old} to {new}: {note}",
    "event.closed": "{actor} closed this ticket. Resolution: {note}",
    "event.reopened": "{actor} reopened this ticket.",
    "event.reopened_reason": "{actor} reopened this ticket: {note}",
    "event.note": "{actor} added a note: {note}",
    "event.note_internal": "{actor} added an internal note: {note}",
    # /ticket
    "help.text": (
        "*How to use /ticket*\n"
        "• `/ticket` — open the form to report an IT problem\n"
        "• `/ticket <title>` — open the form with the title filled in\n"
        "• `/ticket mine` — list the tickets you reported\n"
        "• `/ticket help` — show this help\n"
        "You can also open the *Home* tab of this app to file and follow your tickets."
    ),
    "mine.header": "*Your tickets* ({total})",
    "mine.empty": "You have not reported any tickets yet. Type `/ticket` to report a problem.",
    "mine.line": "`{number}` {title} — *{status}* · updated {when}",
    "mine.more": "…and {count} more. Open the app's Home tab to see them all.",
    # App Home
    "home.title": "IT helpdesk",
    "home.intro": "Report an IT problem and follow it here.",
    "home.new_ticket": "New ticket",
    "home.your_tickets": "Your tickets",
    "home.empty": "You have no tickets yet.",
    "home.more": "Showing your {shown} newest of {total} tickets.",
    # Errors (shown to people: no traceback, ever)
    "error.required": "This field is required.",
    "error.too_long": "Please keep this under {max} characters.",
    "error.unknown_choice": "Please pick one of the options offered.",
    "error.not_an_engineer": "That person is not a registered engineer.",
    "error.not_found": "No ticket {number} that you can see.",
    "error.not_allowed": "You are not allowed to do that.",
    "error.invalid_transition": "This ticket is {status} now, so that is no longer possible.",
    "error.stale": "This ticket changed meanwhile; here is its current state.",
    "error.invalid_input": "Some of what you entered needs fixing.",
    "error.generic": "Sorry, something went wrong on our side. Please try again in a moment.",
}
