"""Every Slack surface registered on the Bolt app: one module per surface, each with
`register(app, services[, router][, homes])`. Surfaces never import each other; what two of them
share lives in a module of its own (payload, answers, router, home_tabs, new_ticket, edge…)."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    bursts,
    commands,
    conversation,
    csat,
    digest,
    engineers,
    export,
    filing,
    filing_hints,
    home,
    incident_actions,
    incidents,
    intake,
    known_fixes,
    known_join,
    language,
    lookup,
    retries,
    triage,
    work,
)
from handlers.home_tabs import HomeTabs
from handlers.router import Router
from handlers.services import Services

# Modules that register listeners (the architecture test checks that none imports another).
SURFACES = (
    retries,
    commands,
    lookup,
    engineers,
    filing,
    home,
    triage,
    work,
    export,
    digest,
    language,
    intake,
    csat,
    conversation,
    incidents,
    incident_actions,
    filing_hints,
    known_fixes,
    known_join,
    bursts,
)


def register_all(app: App, services: Services) -> None:
    retries.register(app)  # an Events API retry of an event already handled is dropped
    router = Router()  # /ticket's subcommands, added by each feature below
    commands.register(app, services, router)  # /ticket itself, help and mine
    lookup.register(app, services, router)  # /ticket status TKT-…, /ticket TKT-…, /ticket list
    engineers.register(app, services, router)  # /ticket engineers …
    filing.register(app, services)  # the filing modal's submission
    filing_hints.register(app, services)  # "Known issue", "Try this first" while typing in it
    homes = HomeTabs(services)  # the Home tab by role, redrawn after clicks on it
    home.register(app, services, homes)
    triage.register(app, services, homes)  # assigning from the triage card or the admin Home
    work.register(app, services, homes)  # In progress, On hold, Close, Add note, Reopen
    export.register(app, services, router)  # /ticket export, the Home's Export to Excel button
    digest.register(app, services, router)  # /ticket digest on|off
    language.register(services, router)  # /ticket language es|en|auto
    intake.register(app, services)  # the "Create ticket" message shortcut, :ticket: reactions
    csat.register(app, services)  # "Was your problem solved?" on the reporter's closed card
    incidents.register(app, services, router)  # /ticket incident|link|unlink, the incident card
    incident_actions.register(app, services)  # a ticket card's incident buttons, the list of tickets
    known_fixes.register(app, services, router)  # /ticket knownfix, a closed card's Known fix…
    known_join.register(app, services)  # Join INC-… on the reporter's receipt card
    bursts.register(app, services)  # the burst suggestion's Declare incident button and modal
    conversation.register(app, services)  # messages in card threads are comments; plain DMs answered
