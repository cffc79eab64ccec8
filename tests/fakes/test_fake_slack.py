"""Quick checks of the fake Slack server itself, driven by a real slack_sdk WebClient."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    # WebClient sends even 127.0.0.1 traffic through HTTPS_PROXY (it ignores NO_PROXY).
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url, timeout=5)


SECTION = {"type": "section", "block_id": "intro", "text": {"type": "mrkdwn", "text": "*Ticket #1*"}}


def test_post_then_update_flow(fake: FakeSlack, client: WebClient) -> None:
    assert client.auth_test()["user_id"] == "UBOT"
    first = client.chat_postMessage(channel="C100", text="hi", blocks=[SECTION])
    second = client.chat_postMessage(channel="U200", text="a DM")
    assert first["channel"] == "C100" and second["channel"] == "D200"
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["blocks"] == [SECTION]

    updated = client.chat_update(channel="C100", ts=first["ts"], text="edited")
    assert (updated["ts"], updated["text"]) == (first["ts"], "edited")
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="U200", ts=second["ts"], text="must use the D id")
    assert err.value.response["error"] == "message_not_found"

    link = client.chat_getPermalink(channel="C100", message_ts=first["ts"])["permalink"]
    assert link == f"https://test.slack.com/archives/C100/p{first['ts'].replace('.', '')}"
    (call,) = fake.calls("chat.update")[:1]
    assert call.headers["authorization"] == "Bearer xoxb-test" and call.params["text"] == "edited"
    assert fake.violations == []


def test_chat_delete_as_slack_documents_it(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C100", text="mine", thread_ts="1.0")
    client.chat_update(channel="C100", ts=posted["ts"], text="edited")
    assert fake.message("C100", posted["ts"])["thread_ts"] == "1.0"  # still in its thread
    fake.add_message("C100", "2.0", "a person's", user="U1")
    with pytest.raises(SlackApiError) as err:
        client.chat_delete(channel="C100", ts="2.0")  # a bot token deletes only the bot's own
    assert err.value.response["error"] == "cant_delete_message"
    deleted = client.chat_delete(channel="C100", ts=posted["ts"])
    assert (deleted["channel"], deleted["ts"]) == ("C100", posted["ts"])
    assert fake.message("C100", posted["ts"]) is None and fake.deleted_messages == [("C100", posted["ts"])]
    with pytest.raises(SlackApiError) as err:
        client.chat_delete(channel="C100", ts=posted["ts"])
    assert err.value.response["error"] == "message_not_found"
    assert fake.message("C100", "2.0") is not None


def test_users_info_and_auth(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "ana", "Ana Pérez", email="ana@example.com", locale="es-ES")
    user = client.users_info(user="U1", include_locale=True)["user"]
    assert (user["tz"], user["tz_offset"], user["locale"]) == ("America/Bogota", -18000, "es-ES")
    assert user["profile"] == {"real_name": "Ana Pérez", "display_name": "ana", "email": "ana@example.com"}
    assert "locale" not in client.users_info(user="U1")["user"]
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U404")
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake.base_url).users_info(user="U1")


def test_injected_429_reaches_client_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", times=1, status=429, retry_after=7)
    with pytest.raises(SlackApiError) as err:
        client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]  # only the next call failed
    assert [c.failed for c in fake.calls("chat.postMessage")] == [True, False]

    fake.fail("conversations.info", error="channel_not_found")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.conversations_info(channel="C1")
    fake.not_member_channels.add("C9")
    assert client.conversations_info(channel="C9")["channel"]["is_member"] is False


def test_rate_limit_answers_429_to_every_method_until_it_ends(fake: FakeSlack, client: WebClient) -> None:
    fake.rate_limit(30)
    for call in (lambda: client.chat_postMessage(channel="C1", text="x"), lambda: client.auth_test()):
        with pytest.raises(SlackApiError, match="ratelimited") as err:
            call()
        assert err.value.response.status_code == 429
        assert err.value.response.headers["Retry-After"] in ("29", "30")  # the seconds left
    assert fake.rate_limited()
    fake.rate_limit(30, retry_after=1)
    with pytest.raises(SlackApiError) as err:
        client.chat_update(channel="C1", ts="1.0", text="x")
    assert err.value.response.headers["Retry-After"] == "1"
    fake.rate_limit(30, methods={"chat.update"})  # one method only, as Slack limits per method
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    with pytest.raises(SlackApiError, match="ratelimited"):
        client.chat_update(channel="C1", ts="1.0", text="x")
    fake.rate_limit(0)  # over
    assert not fake.rate_limited() and client.chat_postMessage(channel="C1", text="x")["ok"]


def test_files_upload_v2_round_trip(fake: FakeSlack, client: WebClient) -> None:
    data = bytes(range(256)) * 10
    result = client.files_upload_v2(
        file=data, filename="report.xlsx", title="Report", channel="C5", initial_comment="here"
    )
    assert result["file"]["title"] == "Report"
    (uploaded,) = fake.uploaded_files()
    assert uploaded["bytes"] == data and uploaded["filename"] == "report.xlsx"
    assert (uploaded["channel_id"], uploaded["initial_comment"], uploaded["completed"]) == (
        "C5",
        "here",
        True,
    )
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]
    with pytest.raises(SlackApiError, match="file_not_found"):
        client.files_completeUploadExternal(files=[{"id": "F404", "title": "nope"}], channel_id="C5")


def test_invalid_blocks_are_reported_not_crashing(fake: FakeSlack, client: WebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="C1", text="t", blocks=[header])
    option = {"text": {"type": "plain_text", "text": "o" * 80}, "value": "v"}
    select = {"type": "static_select", "action_id": "pick", "options": [option]}
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "A title that is far too long"},
        "blocks": [{"type": "input", "label": {"type": "plain_text", "text": "L"}, "element": select}],
    }
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.views_open(trigger_id="123.abc", view=modal)
    assert len(fake.violations) == 3, fake.violations
    assert "header text is 151 chars" in fake.violations[0]
    assert any("option text is 80 chars" in v for v in fake.violations)

    fake.reset()
    modal["title"]["text"], option["text"]["text"] = "New ticket", "Hardware"
    view = client.views_open(trigger_id="123.abc", view=modal)["view"]
    assert view["id"].startswith("V") and view["hash"]
    WebhookClient(fake.response_url("r1")).send(text="done", replace_original=True)
    assert fake.calls("response_url")[0].params == {"text": "done", "replace_original": True}
    assert fake.violations == []


def test_wait_for_wakes_on_calls_and_times_out_readably(fake: FakeSlack, client: WebClient) -> None:
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C7", text="later")).start()
    (call,) = fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C7", timeout=5)
    assert call.params["text"] == "later"

    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"(?s)saw 0.*chat\.postMessage.*C7"):
        fake.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C8", timeout=0.2)
    assert time.monotonic() - started < 2


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Hello"}}
MODAL = {"type": "modal", "title": {"type": "plain_text", "text": "New ticket"}, "blocks": [SECTION]}
HOME = {"type": "home", "blocks": [SECTION]}


def test_a_trigger_older_than_its_lifetime_opens_nothing(fake: FakeSlack, client: WebClient) -> None:
    fake.issue_trigger("1.2.fresh")
    assert client.views_open(trigger_id="1.2.fresh", view=MODAL)["ok"]  # well within 3 s
    assert client.views_open(trigger_id="never.issued", view=MODAL)["ok"]  # a test's own call
    fake.trigger_lifetime = 0.0  # every issued trigger is now too old (no waiting in a test)
    fake.issue_trigger("1.2.stale")
    for method in (client.views_open, client.views_push):
        with pytest.raises(SlackApiError, match="expired_trigger_id"):
            method(trigger_id="1.2.stale", view=MODAL)
    fake.trigger_lifetime = None
    assert client.views_push(trigger_id="1.2.stale", view=MODAL)["ok"]


def test_a_home_tab_published_over_a_stale_hash_is_a_conflict(fake: FakeSlack, client: WebClient) -> None:
    first = client.views_publish(user_id="U1", view=HOME)["view"]
    second = client.views_publish(user_id="U1", view=HOME, hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_publish(user_id="U1", view={**HOME, "private_metadata": "late"}, hash=first["hash"])
    assert fake.home("U1")["hash"] == second["hash"]  # the newer tab stays
    assert client.views_publish(user_id="U1", view=HOME, hash="1700000000.made-up")["ok"]
    assert fake.home("U2") is None


def test_apps_connections_open_takes_only_the_app_level_token(fake_slack):
    client = WebClient(base_url=fake_slack.base_url)
    assert client.apps_connections_open(app_token="xapp-1")["url"].startswith("wss://")
    for token, error in (("xoxb-bot", "not_allowed_token_type"), ("nonsense", "not_authed")):
        try:
            client.apps_connections_open(app_token=token)
        except SlackApiError as refused:
            assert refused.response["error"] == error
        else:
            raise AssertionError(f"{token} was accepted")
    try:
        WebClient(token="xapp-1", base_url=fake_slack.base_url).auth_test()
    except SlackApiError as refused:
        assert refused.response["error"] == "not_allowed_token_type"
    else:
        raise AssertionError("an app-level token was accepted for auth.test")


def test_message_metadata_is_checked_against_slacks_shape(fake: FakeSlack, client: WebClient) -> None:
    good = {"event_type": "ticket_created", "event_payload": {"number": "TKT-000001", "open": True, "n": 1}}
    posted = client.chat_postMessage(channel="C1", text="t", metadata=good)
    assert fake.message("C1", posted["ts"])["metadata"] == good
    bad = [
        {"event_type": "ticket created", "event_payload": {}},  # not alphanumeric
        {"event_type": "ticket_created", "event_payload": {"engineer": None}},  # null
        {"event_type": "ticket_created", "event_payload": {"deep": {"er": {"x": 1}}}},  # too deep
        {"event_type": "ticket_created"},  # no payload
    ]
    for metadata in bad:
        with pytest.raises(SlackApiError, match="invalid_blocks"):
            client.chat_update(channel="C1", ts=posted["ts"], text="t", metadata=metadata)
    assert len(fake.violations) == 4 and all("metadata" in v for v in fake.violations), fake.violations


def test_users_lookup_by_email(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "ana", "Ana Pérez", email="ana@example.com")
    user = client.users_lookupByEmail(email="ANA@example.com")["user"]
    assert user["id"] == "U1" and user["profile"]["email"] == "ana@example.com"
    with pytest.raises(SlackApiError, match="users_not_found"):
        client.users_lookupByEmail(email="nobody@example.com")
    fake.scopes.remove("users:read.email")
    with pytest.raises(SlackApiError, match="missing_scope"):
        client.users_lookupByEmail(email="ana@example.com")
