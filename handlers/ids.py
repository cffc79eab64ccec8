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

# Slash command
COMMAND = "/ticket"

# The "Export to Excel" button on every role's Home: its value is `filters.filter_to_value(...)`.
EXPORT_EXCEL = "export_excel"
