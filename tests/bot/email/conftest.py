"""Email fixtures: a real SMTP server (aiosmtpd) and an app wired to it.

`runtime` is the assembled app without its background threads: tests deliver with
`dispatcher.drain()`, so what happened is decided before each assertion, never raced.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot.app import Runtime, build
from storage.db import Database
from storage.domain import Actor
from storage.people import People, Profile
from storage.tickets import NewTicket
from tests.fakes.smtp import FakeSMTP

ADMIN = Actor("U0ADMIN", "admin")
ANA = Actor("U0REPORTER", "ana")
CARLOS = Actor("U0CARLOS", "carlos")
MARIA = Actor("U0MARIA", "maria")
JORGE = Actor("U0JORGE", "jorge")
ANA_MAIL, ADMIN_MAIL, TEAM_MAIL = "ana@example.com", "admin@example.com", "it-team@example.com"
CARLOS_MAIL, MARIA_MAIL = "carlos@example.com", "maria@example.com"


@pytest.fixture
def mail_settings(settings, smtp: FakeSMTP):
    return replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=smtp.port,
        smtp_timeout=5,
        mail_from="IT Helpdesk <helpdesk@example.com>",
        mail_reply_to="it@example.com",
        mail_domain="example.com",
        admin_emails=(TEAM_MAIL,),
    )


def make_runtime(settings, db: Database) -> Runtime:
    runtime = build(settings, db)
    people = People(db)
    people.add_engineer(Profile("U0CARLOS", "carlos", "Carlos Pérez", CARLOS_MAIL), "Redes y Servidores")
    people.add_engineer(Profile("U0MARIA", "maria", "María López", MARIA_MAIL), "Hardware y Impresoras")
    people.add_engineer(Profile("U0JORGE", "jorge", "Jorge Ruiz", None), "Software y Bases de Datos")
    return runtime


@pytest.fixture
def runtime(mail_settings, db: Database, fake_slack) -> Iterator[Runtime]:
    rt = make_runtime(mail_settings, db)
    yield rt
    rt.dispatcher.stop()


def new_ticket(title: str = "Printer jams", **kw) -> NewTicket:
    return NewTicket(
        title=title,
        description=kw.pop("description", "Paper jam on floor 3.\nTried turning it off and on."),
        **{"category": "printers", "priority": "high", **kw},
    )
