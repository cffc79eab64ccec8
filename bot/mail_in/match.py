"""Which ticket an email is about: a Message-ID we sent (bot/email/compose.py) in In-Reply-To or
References, else `[TKT-000042]` in the subject. Only ids of our MAIL_DOMAIN count: another
system's `<tkt-1@elsewhere>` is not ours."""

from __future__ import annotations

import re

from bot.mail_in.parse import ParsedMail
from storage.domain import TICKET_PREFIX

_SUBJECT = re.compile(rf"\[{TICKET_PREFIX}(\d{{1,12}})\]", re.I)


def ticket_number(mail: ParsedMail, domain: str) -> int | None:
    ours = re.compile(rf"^<{TICKET_PREFIX.lower()}(\d{{1,12}})(?:\.[^@<>]*)?@{re.escape(domain)}>$", re.I)
    for reference in mail.references:
        found = ours.match(reference)
        if found and int(found.group(1)) > 0:
            return int(found.group(1))
    found = _SUBJECT.search(mail.subject)
    if found and int(found.group(1)) > 0:
        return int(found.group(1))
    return None
