"""Every callback, block and action id the app uses, defined once."""

# Views
NEW_TICKET_VIEW = "ticket_new"

# Blocks and actions of the filing modal (block id == field name the service reports errors on)
TITLE_BLOCK, TITLE_ACTION = "title", "title_value"
DESCRIPTION_BLOCK, DESCRIPTION_ACTION = "description", "description_value"
CATEGORY_BLOCK, CATEGORY_ACTION = "category", "category_value"
PRIORITY_BLOCK, PRIORITY_ACTION = "priority", "priority_value"

# Buttons
HOME_NEW_TICKET = "home_new_ticket"
# "New ticket" under a message to the bot (a plain DM, a reply on a long-closed ticket): its
# value is what the message said, which the filing form starts from.
MESSAGE_NEW_TICKET = "message_new_ticket"

# Slash command
COMMAND = "/ticket"

# The "Export to Excel" button on every role's Home: its value is `filters.filter_to_value(...)`.
EXPORT_EXCEL = "export_excel"

# Triage and work on a ticket: card buttons and menus (values: see handlers/refs.py)
ASSIGN = "ticket_assign"
WORK_START = "ticket_start"
WORK_HOLD = "ticket_hold"
WORK_CLOSE = "ticket_close"
WORK_NOTE = "ticket_note"
REOPEN = "ticket_reopen"

# Modals opened by those buttons; private_metadata carries the ticket ref and where it was opened
HOLD_VIEW = "ticket_hold_view"
CLOSE_VIEW = "ticket_close_view"
NOTE_VIEW = "ticket_note_view"
NOTE_BLOCK, NOTE_ACTION = "note", "note_value"  # block id == the field the service reports on
VISIBILITY_BLOCK, VISIBILITY_ACTION = "visibility", "visibility_value"

# Staff Home tabs: filters, search and paging (the current ones live in private_metadata)
HOME_STATUS = "home_status"
HOME_PRIORITY = "home_priority"
HOME_SEARCH = "home_search"
HOME_CLEAR = "home_clear"
HOME_PREVIOUS = "home_previous"
HOME_NEXT = "home_next"

# Tickets from a Slack message: the message shortcut (manifest.yml) and the modal it opens, whose
# private_metadata carries where the message is (handlers/intake.py)
MESSAGE_SHORTCUT = "create_ticket_from_message"
MESSAGE_TICKET_VIEW = "ticket_from_message"
INTAKE_REACTION = "ticket"  # :ticket: on a message in an INTAKE_CHANNELS channel files it

# Satisfaction (CSAT) on the reporter's closed card: values are refs (ticket id and version)
CSAT_YES = "csat_yes"
CSAT_NO = "csat_no"
CSAT_RATING = "csat_rating"  # the card's 1-5 menu
CSAT_RATE = "csat_rate"  # opens the rating modal (rating and comment)
CSAT_REOPEN_VIEW = "csat_reopen_view"  # "What is still wrong?", optional; note block: NOTE_BLOCK
CSAT_RATE_VIEW = "csat_rate_view"
CSAT_RATING_BLOCK, CSAT_RATING_ACTION = "rating", "rating_value"

# Incidents (handlers/incidents.py): buttons on the incident's card (value: the incident id) and
# on the triage card (value: a ticket ref); the modals they open carry it in private_metadata.
INCIDENT_DECLARE = "incident_declare"
INCIDENT_UPDATE = "incident_update"
INCIDENT_RESOLVE = "incident_resolve"
INCIDENT_STATUS = "incident_status"
INCIDENT_DECLARE_VIEW = "incident_declare_view"
INCIDENT_UPDATE_VIEW = "incident_update_view"
INCIDENT_RESOLVE_VIEW = "incident_resolve_view"

# Burst suggestions in the triage channel (handlers/bursts.py): "Declare incident" (value: the
# suggestion id) opens a modal whose private_metadata carries it; its title field: NOTE_BLOCK.
BURST_DECLARE = "burst_declare"
BURST_DECLARE_VIEW = "burst_declare_view"
