"""Email in: one RFC 5322 message becomes a comment on its ticket or a new ticket.

`MailIn.take(raw)` is the one entry point (`ticketbot mail-in`, bot/cli_mail.py, and the IMAP
poller call it); parse.py, body.py, auth.py, loops.py and match.py are its pure parts."""

from bot.mail_in.take import MailIn, MailOutcome

__all__ = ["MailIn", "MailOutcome"]
