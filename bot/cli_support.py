"""What every `ticketbot` command module shares: the one-line error, the database, the token check.

One module that bot.cli and every bot.cli_* module import, so that under `python -m bot.cli`
(cli.py runs as `__main__`) the commands raise the very CliError class `main` catches.
"""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.config import Settings
from storage.db import Database


class CliError(Exception):
    """Reported as one line on stderr with exit status 2."""


def database(settings: Settings, migrate: bool = True) -> Database:
    from storage.migrate import upgrade

    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    return db


def check_token(settings: Settings) -> dict:
    from bot.app import web_client

    try:
        return web_client(settings, retries=True).auth_test().data
    except SlackApiError as error:
        raise CliError(f"Slack refused SLACK_BOT_TOKEN: {error.response.get('error')}") from None
    except OSError as error:
        raise CliError(f"cannot reach Slack at {settings.slack_api_url}: {error}") from None
