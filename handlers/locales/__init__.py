"""Message catalogs, one module per area of the app: `MESSAGES = {key: (english, spanish)}`."""

from __future__ import annotations

from handlers.locales import (
    cards,
    charts,
    conversation,
    core,
    csat,
    digest,
    email,
    export,
    incident_actions,
    incidents,
    intake,
    known,
    language,
    mail_in,
    outage,
    sla,
    triage,
)

AREAS = (
    core,
    cards,
    triage,
    email,
    export,
    sla,
    digest,
    intake,
    csat,
    charts,
    language,
    incidents,
    conversation,
    mail_in,
    incident_actions,
    known,
    outage,
)
