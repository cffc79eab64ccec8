"""Playing the people around a ticket: clicks on cards as Slack sends them, modal submissions,
and reading back what the fake Slack shows each person (cards as updated, thread replies)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from storage.models import Ticket, TicketEvent
from tests.slack_requests import Answer, SlackRequests, payload


def poll(condition: Callable[[], Any], timeout: float = 5.0, what: str = "condition") -> Any:
    """Wait until `condition()` is truthy (the app works after its ack), failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.01)


def _user(user: str) -> dict:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": "T0001"}


def click_card(
    slack: SlackRequests,
    action_id: str,
    *,
    user: str,
    channel: str,
    ts: str,
    value: str | None = None,
    selected: str | None = None,
) -> Answer:
    """A click on a button (value) or a choice in a static menu (selected) of a message."""
    body = payload("block_actions")
    body.pop("view")
    body["user"] = _user(user)
    body["container"] = {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False}
    body["channel"] = {"id": channel, "name": "directmessage" if channel.startswith("D") else "it-triage"}
    body["message"] = {"type": "message", "ts": ts, "text": "", "user": "UBOT", "bot_id": "BBOT"}
    body["response_url"] = slack.response_url.replace("/command", "/action") or body.get("response_url")
    if selected is None:
        action = {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
        action["text"] = {"type": "plain_text", "text": action_id}
    else:
        option = {"text": {"type": "plain_text", "text": "choice"}, "value": selected}
        action = {"type": "static_select", "action_id": action_id, "block_id": "b", "selected_option": option}
        action["placeholder"] = {"type": "plain_text", "text": "Assign"}
    action["action_ts"] = "1700000001.000001"
    body["actions"] = [action]
    return slack.interaction(body)


def click_home(
    slack: SlackRequests,
    action_id: str,
    *,
    user: str,
    metadata: str = "",
    value: str | None = None,
    selected: str | None = None,
    typed: str | None = None,
    view_hash: str | None = None,
) -> Answer:
    """A click on the Home tab, whose view carries `metadata` as private_metadata (and
    `view_hash` as its hash, when given: the hash of the tab the person was looking at)."""
    body = payload("block_actions")
    body["user"] = _user(user)
    body["view"]["private_metadata"] = metadata
    if view_hash is not None:
        body["view"]["hash"] = view_hash
    if typed is not None:
        action = {"type": "plain_text_input", "action_id": action_id, "block_id": "s", "value": typed}
    elif selected is not None:
        option = {"text": {"type": "plain_text", "text": "choice"}, "value": selected}
        action = {"type": "static_select", "action_id": action_id, "block_id": "f", "selected_option": option}
    else:
        action = {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
        action["text"] = {"type": "plain_text", "text": action_id}
    action["action_ts"] = "1700000001.000001"
    body["actions"] = [action]
    return slack.interaction(body)


def submit_view(
    slack: SlackRequests, opened: dict, user: str, values: dict[str, dict[str, Any]], view_id: str = "V0MODAL"
) -> Answer:
    """Submit a modal the app opened (`opened` = the view it sent to views.open), with `values`
    as Slack puts them in view.state.values: {block_id: {action_id: {...}}}."""
    body = payload("view_submission")
    body["user"] = _user(user)
    view = body["view"]
    view.update(
        id=view_id,
        callback_id=opened.get("callback_id", ""),
        private_metadata=opened.get("private_metadata", ""),
        blocks=opened.get("blocks", []),
        title=opened.get("title"),
    )
    view["state"] = {"values": values}
    return slack.interaction(body)


def text_value(block: str, action: str, value: str) -> dict:
    return {block: {action: {"type": "plain_text_input", "value": value}}}


def radio_value(block: str, action: str, value: str) -> dict:
    option = {"text": {"type": "plain_text", "text": value}, "value": value}
    return {block: {action: {"type": "radio_buttons", "selected_option": option}}}


# -- reading back ------------------------------------------------------------------------------


def ticket(db, ticket_id: int = 1) -> Ticket:
    with db.read() as s:
        return s.get(Ticket, ticket_id)


def events(db, ticket_id: int = 1) -> list[TicketEvent]:
    with db.read() as s:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        return list(s.scalars(query))


def card_where(db, audience: str, ticket_id: int = 1, timeout: float = 5.0) -> tuple[str, str]:
    """(channel, ts) of the audience's card once it has been posted."""
    columns = {
        "triage": ("triage_channel", "triage_ts"),
        "reporter": ("reporter_dm_channel", "reporter_dm_ts"),
        "engineer": ("engineer_dm_channel", "engineer_dm_ts"),
    }[audience]

    def stored():
        t = ticket(db, ticket_id)
        where = (getattr(t, columns[0]), getattr(t, columns[1]))
        return where if all(where) else None

    return poll(stored, timeout, f"the {audience} card of ticket {ticket_id}")


def card_showing(fake, where: tuple[str, str], *texts: str, timeout: float = 5.0) -> dict:
    """The card as it stands, once it shows every one of `texts` (chat.update is asynchronous)."""

    def current():
        message = fake.message(*where)
        shown = json.dumps(message, ensure_ascii=False) if message else ""
        return message if message and all(t in shown for t in texts) else None

    return poll(current, timeout, f"card {where} showing {texts}")


def elements(blocks: list[dict]) -> list[dict]:
    found = []
    for block in blocks:
        found += block.get("elements", []) if block.get("type") == "actions" else []
        if block.get("accessory"):
            found.append(block["accessory"])
    return found


def element(blocks: list[dict], action_id: str) -> dict:
    matches = [e for e in elements(blocks) if e.get("action_id") == action_id]
    assert matches, f"no {action_id} in {[e.get('action_id') for e in elements(blocks)]}"
    return matches[0]


def action_ids(blocks: list[dict]) -> list[str]:
    return [e.get("action_id") for e in elements(blocks)]


def option_for(select: dict, engineer_id: str) -> str:
    return next(o["value"] for o in select["options"] if o["value"].endswith(f":{engineer_id}"))


def replies(fake, where: tuple[str, str]) -> list[str]:
    """Texts posted in the card's thread, oldest first (posted to the DM by user id or channel id)."""
    channel, ts = where
    same = {channel, "U" + channel[1:]} if channel.startswith("D") else {channel}
    return [
        c.params.get("text", "")
        for c in fake.calls("chat.postMessage")
        if c.params.get("thread_ts") == ts and c.params.get("channel") in same and not c.failed
    ]


def ephemerals(fake, user: str) -> list[str]:
    return [
        c.params.get("text", "") for c in fake.calls("chat.postEphemeral") if c.params.get("user") == user
    ]


def everything_sent_to(fake, user: str) -> str:
    """Every message text and block any Slack call showed `user` in their DM or ephemerally."""
    dm = {user, "D" + user[1:]}
    shown = []
    for call in fake.calls():
        params = call.params
        if params.get("channel") in dm or (
            params.get("user") == user and call.method == "chat.postEphemeral"
        ):
            shown.append(json.dumps({k: params.get(k) for k in ("text", "blocks")}, ensure_ascii=False))
        if call.method == "views.publish" and params.get("user_id") == user:
            shown.append(json.dumps(params.get("view"), ensure_ascii=False))
    return "\n".join(shown)


def fresh_card(h, where: tuple[str, str], *texts: str, ticket_id: int = 1, timeout: float = 5.0) -> dict:
    """The card once redrawn for the ticket's current version (its buttons would be stale before)."""

    def current():
        message = h.fake.message(*where)
        if not message:
            return None
        shown = json.dumps(message, ensure_ascii=False)
        values = [e["value"] for e in elements(message.get("blocks", [])) if "value" in e]
        values += [o["value"] for e in elements(message.get("blocks", [])) for o in e.get("options", [])]
        version = f"{ticket_id}:{ticket(h.db, ticket_id).version}"
        fresh = all(v == version or v.startswith(version + ":") for v in values)
        return message if fresh and all(t in shown for t in texts) else None

    return poll(current, timeout, f"card {where} redrawn at the current version showing {texts}")


CARLOS, MARIA, JORGE = "U0CARLOS", "U0MARIA", "U0JORGE"


def staff(h) -> None:
    """Carlos (network) and María (hardware) as engineers, as `/ticket engineers add` leaves them."""
    from storage.people import Profile

    people = h.services.people
    people.add_engineer(Profile(CARLOS, "carlos", "Carlos Pérez"), "Redes y Servidores")
    people.add_engineer(Profile(MARIA, "maria", "María López"), "Hardware y Impresoras")


def filed(h, title: str = "VPN drops", category: str = "network", reporter: str = "U0REPORTER") -> int:
    from storage.domain import Actor
    from storage.tickets import NewTicket

    new = NewTicket(title=title, description="Since this morning", category=category, priority="high")
    return h.services.tickets.create(Actor(reporter), new)[0].id


def assigned(h, engineer: str = CARLOS, title: str = "VPN drops") -> int:
    """A filed ticket assigned by the admin, with its engineer card delivered."""
    from storage.domain import Actor

    ticket_id = filed(h, title)
    h.services.tickets.assign(ticket_id, engineer, Actor("U0ADMIN"))
    card_where(h.db, "engineer", ticket_id)
    return ticket_id
