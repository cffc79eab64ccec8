"""ticketbot: an IT helpdesk that lives in Slack."""
