"""Where an email's "Open in Slack" button goes.

The reader's own view of the ticket when it is posted (the triage message for admins, the DM
card for the reporter and the engineer), as a `chat.getPermalink` link; else the triage
channel for admins, or the app's Messages tab (`https://slack.com/app_redirect?app=…`, where
the DM cards live). `https://` rather than `slack://`: it opens from webmail and phones too.
Links are a convenience: when Slack cannot be asked, the email leaves without one.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.error import URLError
from urllib.parse import urlencode

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

log = logging.getLogger("ticketbot.email")

REDIRECT = "https://slack.com/app_redirect?"
RETRY_IDS = 300.0
_SLACK_ERRORS = (SlackApiError, SlackRequestError, URLError, OSError, KeyError, TypeError)


class SlackLinks:
    def __init__(self, client: WebClient, triage_channel: str | None, cache_size: int = 2048) -> None:
        self.client = client
        self.triage_channel = triage_channel
        self.cache_size = cache_size
        self._permalinks: dict[tuple[str, str], str] = {}
        self._team: str | None = None
        self._app: str | None = None
        self._next_try = 0.0
        self._identifying = threading.Lock()

    def message(self, channel: str | None, ts: str | None) -> str | None:
        if not (channel and ts):
            return None
        if (channel, ts) not in self._permalinks:
            try:
                permalink = self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
            except _SLACK_ERRORS as error:
                log.debug("no permalink for %s/%s: %s", channel, ts, error)
                return None
            if len(self._permalinks) >= self.cache_size:
                self._permalinks.clear()
            self._permalinks[(channel, ts)] = permalink
        return self._permalinks[(channel, ts)]

    def triage(self) -> str | None:
        if not self.triage_channel or not self._identify():
            return self.app_home()
        return REDIRECT + urlencode({"channel": self.triage_channel, "team": self._team})

    def app_home(self) -> str | None:
        if not self._identify() or not self._app:
            return None
        return REDIRECT + urlencode({"app": self._app, "team": self._team})

    def _identify(self) -> bool:
        """Learn the workspace and app ids (auth.test, bots.info); asked again at most every
        `RETRY_IDS` seconds while unknown, so an outage costs no call per email."""
        with self._identifying:  # the dispatcher's threads wait for the first one's answer
            if self._app is None and time.monotonic() >= self._next_try:
                self._next_try = time.monotonic() + RETRY_IDS
                try:
                    auth = self.client.auth_test()
                    self._team = auth["team_id"]
                    self._app = self.client.bots_info(bot=auth["bot_id"])["bot"]["app_id"]
                except _SLACK_ERRORS as error:
                    log.info("cannot learn the app's ids for email links yet: %s", error)
            return self._team is not None
