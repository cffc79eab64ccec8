"""A fake OAuth 2.0 provider on 127.0.0.1, as Microsoft Entra answers an app (client credentials).

`POST /token` (RFC 6749 §4.4) gives the registered app a fresh token, or answers 401 with an
`invalid_client` body as Entra does; `POST /introspect` (RFC 7662) tells Dovecot's oauth2 passdb
whether a token is live and whose mailbox it opens. `revoke()` kills every token issued so far.
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID, CLIENT_SECRET = "00000000-aaaa-bbbb-cccc-000000000001", "app-secret-value~123"
SCOPE = "https://outlook.office365.com/.default"


class FakeOAuth:
    def __init__(self, mailbox: str, lifetime: int = 3599) -> None:
        self.mailbox = mailbox
        self.lifetime = lifetime
        self.live: set[str] = set()
        self.issued: list[str] = []
        self.requests: list[dict[str, str]] = []  # every /token form, as sent
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeOAuth:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def revoke(self) -> None:
        self.live.clear()

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if self.path == "/token":
                    owner.requests.append(form)
                    self._answer(*owner._token(form))
                elif self.path == "/introspect":
                    live = form.get("token") in owner.live
                    self._answer(200, {"active": live, **({"email": owner.mailbox} if live else {})})
                else:
                    self._answer(404, {"error": "not_found"})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _token(self, form: dict[str, str]) -> tuple[int, dict]:
        if form.get("grant_type") != "client_credentials" or form.get("scope") != SCOPE:
            return 400, {"error": "invalid_request", "error_description": "AADSTS900144: bad request"}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {
                "error": "invalid_client",
                "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1",
            }
        token = secrets.token_urlsafe(24)
        self.live.add(token)
        self.issued.append(token)
        return 200, {"token_type": "Bearer", "expires_in": self.lifetime, "access_token": token}
