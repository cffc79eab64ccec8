"""IMAP_* settings: off unless IMAP_HOST is set, then complete and checked, one line per problem."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

MAILBOX = {
    "IMAP_HOST": "outlook.office365.com",
    "IMAP_USERNAME": "helpdesk@example.com",
    "IMAP_PASSWORD": "p4ss",
}


def settings(**env):
    return load_settings(env, dotenv=False)


def test_off_by_default_and_imaps_on_993_when_on():
    assert settings().imap is None
    imap = settings(**MAILBOX).imap
    assert (imap.host, imap.port, imap.starttls, imap.folder) == (
        "outlook.office365.com",
        993,
        False,
        "INBOX",
    )
    assert (imap.done_folder, imap.poll_seconds, imap.ca_file) == (None, 60, None)
    assert "p4ss" not in repr(settings(**MAILBOX))


def test_starttls_on_143_and_every_other_setting(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    imap = settings(
        **MAILBOX,
        IMAP_STARTTLS="1",
        IMAP_FOLDER="Helpdesk",
        IMAP_DONE_FOLDER="Helpdesk/Done",
        IMAP_POLL_SECONDS="30",
        IMAP_CA_FILE=str(ca),
    ).imap
    assert (imap.port, imap.starttls, imap.folder, imap.done_folder) == (
        143,
        True,
        "Helpdesk",
        "Helpdesk/Done",
    )
    assert (imap.poll_seconds, imap.ca_file) == (30, str(ca))
    assert settings(**MAILBOX, IMAP_STARTTLS="yes", IMAP_PORT="1143").imap.port == 1143


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"IMAP_USERNAME": "helpdesk@example.com"}, "IMAP_HOST"),
        ({"IMAP_PASSWORD": "p4ss"}, "IMAP_HOST"),
        ({**MAILBOX, "IMAP_HOST": "imaps://outlook.office365.com"}, "IMAP_HOST"),
        ({**MAILBOX, "IMAP_USERNAME": ""}, "IMAP_USERNAME"),
        ({**MAILBOX, "IMAP_PASSWORD": "  "}, "IMAP_PASSWORD"),
        ({**MAILBOX, "IMAP_PORT": "imap"}, "IMAP_PORT"),
        ({**MAILBOX, "IMAP_STARTTLS": "maybe"}, "IMAP_STARTTLS"),
        ({**MAILBOX, "IMAP_POLL_SECONDS": "1"}, "IMAP_POLL_SECONDS"),
        ({**MAILBOX, "IMAP_FOLDER": 'In"box'}, "IMAP_FOLDER"),
        ({**MAILBOX, "IMAP_DONE_FOLDER": "inbox"}, "IMAP_DONE_FOLDER"),
        ({**MAILBOX, "IMAP_CA_FILE": "/nowhere/ca.pem"}, "IMAP_CA_FILE"),
    ],
)
def test_a_bad_imap_setting_is_named_in_one_line(env, name):
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    message = str(raised.value)
    assert name in message and "\n" not in message and "p4ss" not in message
