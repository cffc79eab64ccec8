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
# …and their actions on tickets (handlers/incident_actions.py). On a ticket's cards (values: a
# ticket ref, handlers/refs.py): declare one from it, link it to one, unlink it, keep it out
# ("not part of it after all"). On a "Possibly the same as" line: the ref and the suggested
# ticket (declare with both) or the incident (link to it). The link modal's menu of incidents.
INCIDENT_DECLARE_WITH = "incident_declare_with"
INCIDENT_LINK_TO = "incident_link_to"
INCIDENT_LINK = "incident_link"
INCIDENT_UNLINK = "incident_unlink"
INCIDENT_KEEP_OUT = "incident_keep_out"
INCIDENT_LINK_VIEW = "incident_link_view"
INCIDENT_PICK_BLOCK, INCIDENT_PICK_ACTION = "incident", "incident_value"
# The incident card's "List tickets" (value: the incident id): a modal, a page at a time
# (its Previous/Next buttons carry "incident id:page").
INCIDENT_LIST = "incident_list"
INCIDENT_LIST_VIEW = "incident_list_view"
INCIDENT_PAGE_PREVIOUS = "incident_page_previous"
INCIDENT_PAGE_NEXT = "incident_page_next"

# Known issues and known fixes while filing (handlers/filing_hints.py): the filing modal's title
# and description dispatch as they are typed, and the modal is updated with hint blocks, whose
# ids start with HINT (the join checkbox's ends with the incident id it joins).
HINT = "hint_"
HINT_KNOWN_ISSUE = "hint_known_issue_"
HINT_JOIN = "hint_join_"
JOIN_ACTION = "join_incident_value"
HINT_TRY_FIRST = "hint_try_first_"
# The reporter's receipt card of a ticket matching an open incident (handlers/known_join.py):
# Join INC-… (value: "ticket id:incident id"), the reporter's only.
KNOWN_JOIN = "known_join"
# Writing a closed ticket's fix up for reporters (handlers/known_fixes.py): the button on a
# closed ticket's staff cards (value: a ticket ref) and `/ticket knownfix TKT-…` open the modal.
KNOWN_FIX_MARK = "known_fix_mark"
KNOWN_FIX_VIEW = "known_fix_view"
KNOWN_FIX_TITLE_BLOCK, KNOWN_FIX_TITLE_ACTION = "title", "known_fix_title_value"

# Burst suggestions in the triage channel (handlers/bursts.py): "Declare incident" (value: the
# suggestion id) opens a modal whose private_metadata carries it; its title field: NOTE_BLOCK.
BURST_DECLARE = "burst_declare"
BURST_DECLARE_VIEW = "burst_declare_view"
