"""Slack's error policy for the deliverers: which answers a retry may fix and which it never will.

Every deliverer calls the Web API through `call`, so a Slack error becomes the dispatcher's
`Retry` (rate limits with Slack's Retry-After, server errors, an unreachable Slack) or
`Permanent` (the row goes dead at once, with the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.error import HTTPError, URLError

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.dispatcher import Permanent, Retry

# Errors no retry can fix: the row goes dead at once, with the reason.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_auth",
        "account_inactive",
        "token_revoked",
        "user_not_found",
        "cannot_dm_bot",
        "missing_scope",
        "msg_too_long",
        "no_text",
    }
)


def call(method: Callable[..., Any], **kwargs: Any) -> Any:
    """`method(**kwargs)`, a Web API method of a WebClient, with its failures classified."""
    try:
        return method(**kwargs)
    except SlackApiError as error:
        raise classify(error) from error
    except (URLError, SlackRequestError, OSError) as error:
        raise Retry(f"cannot reach Slack: {error}") from error


def call_upload(method: Callable[..., Any], **kwargs: Any) -> Any:
    """`call` for methods that upload a file (`files_upload_v2`) and the calls around one: the
    upload step PUTs the file with plain urllib, whose HTTP errors are no Web API answer."""

    def uploading(**arguments: Any) -> Any:
        try:
            return method(**arguments)
        except HTTPError as error:
            if 400 <= error.code < 500 and error.code not in (408, 429):
                raise Permanent(f"upload refused: HTTP {error.code}") from error
            raise Retry(f"upload failed: HTTP {error.code}") from error

    return call(uploading, **kwargs)


def classify(error: SlackApiError) -> Exception:
    """A Slack API error as the dispatcher's `Retry` or `Permanent`."""
    response = error.response
    status = response.status_code
    if status == 429:
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or "1"
        return Retry("ratelimited", retry_after=float(retry_after))
    if status >= 500:
        return Retry(f"Slack answered HTTP {status}")
    code = response.get("error") if isinstance(response.data, dict) else None
    if code in PERMANENT_ERRORS or code == "message_not_found":
        return Permanent(str(code))
    return Retry(str(code or f"HTTP {status}"))
