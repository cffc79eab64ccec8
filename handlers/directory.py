"""Looking people up in Slack (users.info) and caching what we learn."""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from storage.people import Profile

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


class UnknownUser(ValueError):
    """The id is malformed, unknown to Slack, a bot, or a deactivated account."""


def parse_user_id(text: str) -> str:
    """`U0123ABCD`, `<@U0123ABCD>` or `<@U0123ABCD|carlos>` → `U0123ABCD`."""
    value = text.strip()
    match = re.fullmatch(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>", value)
    if match:
        value = match.group(1)
    if not USER_ID.match(value):
        raise UnknownUser(f"{text!r} is not a Slack user id (they look like U0123ABCD)")
    return value


def profile_from_user(user: dict) -> Profile:
    profile = user.get("profile") or {}
    return Profile(
        slack_id=user["id"],
        name=profile.get("display_name") or user.get("name") or "",
        real_name=profile.get("real_name") or user.get("real_name") or "",
        email=profile.get("email") or None,
        tz=user.get("tz"),
        locale=user.get("locale"),
    )


def lookup(client: WebClient, user_id: str) -> Profile:
    try:
        response = client.users_info(user=user_id, include_locale=True)
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if code in ("user_not_found", "users_not_found"):
            raise UnknownUser(f"Slack has no user {user_id} in this workspace") from error
        raise
    user = response["user"]
    if user.get("is_bot") or user.get("deleted"):
        raise UnknownUser(f"{user_id} is a bot or a deactivated account, not a person")
    return profile_from_user(user)


def lookup_by_email(client: WebClient, address: str) -> Profile | None:
    """The workspace member with this address (users.lookupByEmail, `users:read.email`), or None
    for nobody, a bot, or a deactivated account. Other Slack errors are raised."""
    try:
        response = client.users_lookupByEmail(email=address)
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if code in ("users_not_found", "user_not_found"):
            return None
        raise
    user = response.get("user") or {}
    if not user.get("id") or user.get("is_bot") or user.get("deleted"):
        return None
    return profile_from_user(user)
