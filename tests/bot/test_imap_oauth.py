"""IMAP login with an OAuth 2.0 token (XOAUTH2, Microsoft 365's way): the token from a fake Entra,
checked by Dovecot against the same fake, the secret never in a log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.config import load_settings
from bot.imap_oauth import TokenSource
from bot.imap_poll import ImapPoller
from tests.bot.test_imap_poll import DONE, Mailroom, mail
from tests.fakes.dovecot import USER
from tests.fakes.oauth import CLIENT_ID, CLIENT_SECRET, FakeOAuth


@pytest.fixture
def entra(dovecot) -> Iterator[FakeOAuth]:
    provider = FakeOAuth(USER).start()
    dovecot.restart(introspection_url=f"{provider.url}/introspect")
    yield provider
    provider.stop()


def oauth_poller(dovecot, entra, handle, secret=CLIENT_SECRET) -> ImapPoller:
    values = {
        "IMAP_HOST": dovecot.host,
        "IMAP_PORT": str(dovecot.imaps_port),
        "IMAP_USERNAME": USER,
        "IMAP_OAUTH2_CLIENT_ID": CLIENT_ID,
        "IMAP_OAUTH2_CLIENT_SECRET": secret,
        "IMAP_OAUTH2_TOKEN_URL": f"{entra.url}/token",
        "IMAP_DONE_FOLDER": DONE,
    }
    imap = load_settings(values, dotenv=False).imap
    return ImapPoller(imap, handle, ssl_context=dovecot.ssl_context())


def test_a_token_logs_in_and_is_kept_until_it_expires(dovecot, entra, caplog):
    caplog.set_level(logging.DEBUG)
    dovecot.append(mail(1))
    room = Mailroom()
    poller = oauth_poller(dovecot, entra, room)
    assert poller.poll().finished == 1
    assert room.stored == ["<m1@mail.example.com>"] and len(dovecot.messages(DONE)) == 1
    [form] = entra.requests
    assert (
        form["grant_type"] == "client_credentials"
        and form["scope"] == "https://outlook.office365.com/.default"
    )
    poller.poll()
    assert len(entra.requests) == 1  # the same token, still fresh
    assert CLIENT_SECRET not in caplog.text and entra.issued[0] not in caplog.text


def test_a_revoked_token_is_replaced_on_the_next_poll(dovecot, entra, caplog):
    poller = oauth_poller(dovecot, entra, Mailroom())
    assert poller.poll().error is None
    entra.revoke()
    dovecot.append(mail(1))
    report = poller.poll()
    assert report.error.startswith("login refused") and "refused the login" in caplog.text
    assert poller.poll().finished == 1
    assert len(entra.issued) == 2


def test_a_wrong_secret_is_one_line_with_entras_reason(dovecot, entra, caplog):
    dovecot.append(mail(1))
    room = Mailroom()
    report = oauth_poller(dovecot, entra, room, secret="not-the-secret").poll()
    assert "401" in report.error and "AADSTS7000215" in report.error and "Trace ID" not in report.error
    assert room.handed == []
    [line] = [r for r in caplog.records if r.name == "ticketbot.imap"]
    assert (
        line.levelno == logging.ERROR and line.exc_info is None and "no OAuth 2.0 token" in line.getMessage()
    )
    assert "not-the-secret" not in caplog.text


def test_a_token_is_asked_for_again_a_minute_before_it_expires(entra):
    now = [0.0]
    imap = load_settings(
        {
            "IMAP_HOST": "outlook.office365.com",
            "IMAP_USERNAME": USER,
            "IMAP_OAUTH2_CLIENT_ID": CLIENT_ID,
            "IMAP_OAUTH2_CLIENT_SECRET": CLIENT_SECRET,
            "IMAP_OAUTH2_TOKEN_URL": f"{entra.url}/token",
        },
        dotenv=False,
    ).imap
    tokens = TokenSource(imap.oauth, clock=lambda: now[0])
    first = tokens.token()
    now[0] = 3599 - 61
    assert tokens.token() == first
    now[0] = 3599 - 59
    assert tokens.token() != first and len(entra.issued) == 2
