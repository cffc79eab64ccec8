"""Downloading a file Slack shared with a message: `url_private_download`, with the bot token as
`Authorization: Bearer` (scope `files:read`), in the delivery process (never inside an ack).

Failures as the dispatcher reads them: a file gone (404, 410) or refused (401, 403) is
`Permanent`; a rate limit, a server error or an unreachable host is `Retry`. The token goes
only to Slack's own hosts (and to the host of SLACK_API_URL, for a proxy or a test double), and
is dropped on a redirect to any other host. A body larger than the limit is never read whole;
an HTML page where a file was expected is Slack's sign-in page: the token may not read files.
"""

from __future__ import annotations

import urllib.request
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit

from bot.dispatcher import Permanent, Retry

TIMEOUT = 60  # seconds per read: a 20 MB file on a slow link
GONE = (401, 403, 404, 410)
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


class TooLarge(Exception):
    """The file is larger than the limit (Slack's `size` said less, or nothing)."""


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def trusted(url: str, api_url: str) -> bool:
    """Whether the bot token may go to `url`: Slack's hosts over https, or the host of
    SLACK_API_URL over its own scheme (the tests' fake Slack is plain http on 127.0.0.1)."""
    parts, api = urlsplit(url), urlsplit(api_url)
    host = _host(url)
    if host == _host(api_url) and parts.scheme == api.scheme:
        return True
    return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


class _SameHostAuth(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        old, moved = urlsplit(req.full_url), urlsplit(newurl)
        if new is not None and (_host(newurl) != _host(req.full_url) or moved.scheme != old.scheme):
            new.remove_header("Authorization")  # the token stays with the host and scheme it was for
        return new


_OPENER = urllib.request.build_opener(_SameHostAuth)


def download(url: str, token: str, max_bytes: int, *, api_url: str, mimetype: str = "") -> tuple[bytes, str]:
    """The file's bytes and the content type it was served with."""
    if not trusted(url, api_url):
        raise Permanent(f"not a Slack file URL: {_host(url) or url[:80]!r}")
    url = quote(url, safe=URL_SAFE)  # Slack encodes its URLs; a stray space must not break the call
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            served = (response.headers.get_content_type() or "").lower()
            data = response.read(max_bytes + 1)
    except HTTPError as error:
        if error.code in GONE:
            raise Permanent(f"file download refused: HTTP {error.code}") from error
        retry_after = error.headers.get("Retry-After") if error.headers else None
        seconds = float(retry_after) if retry_after and retry_after.isdigit() else None
        raise Retry(f"file download failed: HTTP {error.code}", retry_after=seconds) from error
    except (URLError, OSError) as error:
        raise Retry(f"cannot reach Slack's files: {error}") from error
    if len(data) > max_bytes:
        raise TooLarge()
    if served == "text/html" and not mimetype.startswith("text/html"):
        raise Permanent("Slack sent a sign-in page instead of the file: does the token have files:read?")
    return data, served
