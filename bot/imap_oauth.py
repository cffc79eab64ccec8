"""An OAuth 2.0 access token for the IMAP login (XOAUTH2), by the client credentials grant.

Microsoft 365 no longer takes a password over IMAP: an app registered in Microsoft Entra, with the
application permission IMAP.AccessAsApp and access to the helpdesk mailbox, asks its tenant's
token endpoint for a token (RFC 6749 §4.4: one form POST with its id and secret) and logs in with
it. The token is kept until a minute before it expires. The secret is never logged; an answer
that refuses it is logged with the provider's own error code and description.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from bot.config_imap import OAuthClient

log = logging.getLogger("ticketbot.imap")

EARLY = 60  # seconds before its expiry a token is renewed
TIMEOUT = 30


class TokenError(Exception):
    """No token: the one-line reason (the endpoint's error, or why it could not be reached)."""


class TokenSource:
    def __init__(self, client: OAuthClient, clock=time.monotonic) -> None:
        self.client = client
        self.clock = clock
        self._token: str | None = None
        self._until = 0.0
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None or self.clock() >= self._until:
                self._token, lifetime = self._fetch()
                self._until = self.clock() + max(lifetime - EARLY, 0)
            return self._token

    def forget(self) -> None:
        """The server refused the token: ask for a new one next time."""
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        c = self.client
        form = {
            "grant_type": "client_credentials",
            "client_id": c.client_id,
            "client_secret": c.client_secret,
            "scope": c.scope,
        }
        request = urllib.request.Request(
            c.token_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise TokenError(f"{c.token_url} answered {error.code}: {_refusal(error)}") from None
        except (OSError, ValueError) as error:
            raise TokenError(f"cannot get a token from {c.token_url}: {error}") from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError(f"{c.token_url} answered without an access_token")
        try:
            lifetime = float(answer.get("expires_in", 3600))
        except (TypeError, ValueError):
            lifetime = 3600.0
        return token, lifetime


def _refusal(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read(16384) or b"{}")
    except (OSError, ValueError):
        return error.reason or "refused"
    if not isinstance(body, dict):
        return "refused"
    described = str(body.get("error_description") or "").splitlines()
    return " ".join(filter(None, [str(body.get("error") or "refused"), described[0] if described else ""]))
