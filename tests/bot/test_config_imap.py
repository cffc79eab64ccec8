"""IMAP_* settings: off unless IMAP_HOST is set, then complete and checked, one line per problem."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

MAILBOX = {
    "IMAP_HOST": "outlook.office365.com",
    "IMAP_USERNAME": "helpdesk@example.com",
    "IMAP_PASSWORD": "p4ss",
}

APP = {"IMAP_OAUTH2_CLIENT_ID": "app-id", "IMAP_OAUTH2_CLIENT_SECRET": "s3cr3t"}
MICROSOFT = {**MAILBOX, "IMAP_PASSWORD": "", **APP, "IMAP_OAUTH2_TENANT": "contoso.onmicrosoft.com"}


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
    assert (imap.failed_folder, imap.max_attempts) == ("Ticketbot/Failed", 10)
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
        IMAP_FAILED_FOLDER="Helpdesk/Broken",
        IMAP_MAX_ATTEMPTS="3",
    ).imap
    assert (imap.port, imap.starttls, imap.folder, imap.done_folder) == (
        143,
        True,
        "Helpdesk",
        "Helpdesk/Done",
    )
    assert (imap.poll_seconds, imap.ca_file) == (30, str(ca))
    assert (imap.failed_folder, imap.max_attempts) == ("Helpdesk/Broken", 3)
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
        ({**MAILBOX, "IMAP_FAILED_FOLDER": "INBOX"}, "IMAP_FAILED_FOLDER"),
        ({**MAILBOX, "IMAP_FAILED_FOLDER": "Bad\\Folder"}, "IMAP_FAILED_FOLDER"),
        ({**MAILBOX, "IMAP_MAX_ATTEMPTS": "0"}, "IMAP_MAX_ATTEMPTS"),
        ({**MAILBOX, "IMAP_MAX_ATTEMPTS": "21"}, "IMAP_MAX_ATTEMPTS"),
        ({"IMAP_MAX_ATTEMPTS": "3"}, "IMAP_HOST"),
        ({**MAILBOX, **APP, "IMAP_OAUTH2_TENANT": "contoso"}, "IMAP_PASSWORD"),
        ({**APP, "IMAP_HOST": "h", "IMAP_USERNAME": "u@x.example"}, "IMAP_OAUTH2_TENANT"),
        ({**MAILBOX, "IMAP_PASSWORD": "", "IMAP_OAUTH2_CLIENT_ID": "id"}, "IMAP_OAUTH2_CLIENT_SECRET"),
        ({**MAILBOX, "IMAP_OAUTH2_SCOPE": "imap"}, "IMAP_OAUTH2_CLIENT_ID"),
        ({**MICROSOFT, "IMAP_OAUTH2_TENANT": "contoso/../x"}, "IMAP_OAUTH2_TENANT"),
        ({**MICROSOFT, "IMAP_OAUTH2_TOKEN_URL": "https://idp.example/token"}, "IMAP_OAUTH2_TOKEN_URL"),
        ({**APP, "IMAP_HOST": "h", "IMAP_USERNAME": "u", "IMAP_OAUTH2_TOKEN_URL": "http://idp/t"}, "https"),
    ],
)
def test_a_bad_imap_setting_is_named_in_one_line(env, name):
    with pytest.raises(ConfigError) as raised:
        settings(**env)
    message = str(raised.value)
    assert name in message and "\n" not in message and "p4ss" not in message and "s3cr3t" not in message


def test_microsoft_365_logs_in_with_a_token_of_the_tenant():
    s = settings(**MICROSOFT)
    oauth = s.imap.oauth
    assert oauth.token_url == "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert (oauth.client_id, oauth.scope) == ("app-id", "https://outlook.office365.com/.default")
    assert "s3cr3t" not in repr(s)
    other = settings(
        **{k: v for k, v in MICROSOFT.items() if k != "IMAP_OAUTH2_TENANT"},
        IMAP_OAUTH2_TOKEN_URL="https://idp.example/oauth/token",
        IMAP_OAUTH2_SCOPE="imap",
    ).imap.oauth
    assert (other.token_url, other.scope) == ("https://idp.example/oauth/token", "imap")
    assert settings(**MAILBOX).imap.oauth is None
