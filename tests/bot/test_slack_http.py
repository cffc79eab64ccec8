"""The keep-alive Web API client against the fake Slack: connections reused, a connection the
server closed is replaced without losing or repeating the call, errors look as slack_sdk's."""

from __future__ import annotations

import contextlib
import os
import shutil
import ssl
import threading
from collections.abc import Iterator

import pytest
from slack_sdk.errors import SlackApiError

from bot import slack_errors
from bot.dispatcher import Permanent, Retry
from bot.slack_http import KeepAliveWebClient
from tests.fakes.certificates import self_signed
from tests.fakes.slack_api import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> KeepAliveWebClient:
    # As the app builds its delivery client: no retry handlers (slack_sdk's default one would
    # re-send a call after a connection error itself).
    return KeepAliveWebClient(token="xoxb-test", base_url=fake.base_url, timeout=5, retry_handlers=[])


def posted(fake: FakeSlack) -> list[str]:
    return [call.params["text"] for call in fake.calls("chat.postMessage")]


def test_calls_share_one_connection_per_thread(fake: FakeSlack, client: KeepAliveWebClient) -> None:
    for number in range(20):
        response = client.chat_postMessage(channel="C100", text=f"message {number}")
        assert response["ok"] and response["message"]["text"] == f"message {number}"
    assert fake.connections_opened == 1
    assert posted(fake) == [f"message {n}" for n in range(20)]

    def post_from_another_thread() -> None:
        client.chat_postMessage(channel="C100", text="from a thread")
        client.chat_postMessage(channel="C100", text="again from it")

    thread = threading.Thread(target=post_from_another_thread)
    thread.start()
    thread.join(5)
    assert fake.connections_opened == 2  # one per thread: a connection is never shared
    assert posted(fake)[-2:] == ["from a thread", "again from it"]


def test_a_connection_the_server_closed_while_idle_is_replaced(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    client.chat_postMessage(channel="C100", text="before")
    fake.drop_connections()
    client.chat_postMessage(channel="C100", text="after")
    assert posted(fake) == ["before", "after"]
    assert fake.connections_opened == 2


def test_a_request_the_server_hung_up_on_is_sent_again_once(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    client.chat_postMessage(channel="C100", text="first")
    fake.hang_up()  # reads the next request, closes the connection without an answer
    assert client.chat_postMessage(channel="C100", text="second")["ok"]
    assert posted(fake) == ["first", "second"]  # recorded once: the hung-up copy was never handled


def test_an_answer_cut_short_is_an_error_and_the_request_is_not_sent_again(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    client.chat_postMessage(channel="C100", text="first")
    fake.cut_answers()  # handled, but the answer breaks off halfway: the server did act on it
    with pytest.raises(Retry, match="cannot reach Slack"):
        slack_errors.call(client.chat_postMessage, channel="C100", text="second")
    assert posted(fake) == ["first", "second"]  # once: never re-sent on a new connection
    assert client.chat_postMessage(channel="C100", text="third")["ok"]


def test_connections_are_kept_in_a_process_with_many_open_files(fake: FakeSlack, client) -> None:
    """A descriptor past 1024 (a busy web worker) must not make every connection look dropped."""
    with contextlib.ExitStack() as stack:
        for _ in range(1100):
            stack.enter_context(open(os.devnull, "rb"))
        for number in range(5):
            client.chat_postMessage(channel="C100", text=f"busy {number}")
        assert fake.connections_opened == 1


def test_a_fresh_connection_hung_up_on_is_an_error_not_a_loop(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    fake.hang_up(1)
    with pytest.raises(ConnectionError):
        client.chat_postMessage(channel="C100", text="lost")
    assert posted(fake) == []
    assert client.chat_postMessage(channel="C100", text="next")["ok"]  # the client is still usable


def test_rate_limit_is_a_slack_api_error_with_retry_after(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    fake.rate_limit(seconds=30, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C100", text="limited")
    assert raised.value.response.status_code == 429
    with pytest.raises(Retry) as retry:
        slack_errors.call(client.chat_postMessage, channel="C100", text="limited")
    assert retry.value.retry_after == 7.0


def test_slack_errors_and_an_unreachable_slack_are_classified_as_before(
    fake: FakeSlack, client: KeepAliveWebClient
) -> None:
    with pytest.raises(Permanent, match="message_not_found"):
        slack_errors.call(client.chat_update, channel="C100", ts="1.000001", text="gone")
    fake.stop()
    with pytest.raises(Retry, match="cannot reach Slack"):
        slack_errors.call(client.chat_postMessage, channel="C100", text="down")


def test_listeners_call_slack_on_the_apps_kept_connections(harness):
    """Bolt makes a plain WebClient per request (a new connection per call); the app's listeners
    get its keep-alive client instead, including the lazy ones that open modals."""
    before = harness.fake.connections_opened
    for count in range(1, 13):
        assert harness.slack.command("").status == 200
        harness.fake.wait_for("views.open", count=count)
    # At most one per thread of the after-ack pool (10, usually one is reused); was one per modal: 12.
    assert harness.fake.connections_opened - before <= 10


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (openssl, as on this kind of machine)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_https_calls_share_one_connection(certificate) -> None:
    """As against slack.com: TLS 1.3, whose session tickets arrive after the handshake, must not
    make a kept connection look closed by the server."""
    cert, key = certificate
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(cert, key)
    with FakeSlack(tls=server_side) as fake:
        trusting = ssl.create_default_context(cafile=cert)
        client = KeepAliveWebClient(
            token="xoxb-test", base_url=fake.base_url, ssl=trusting, retry_handlers=[]
        )
        for number in range(10):
            assert client.chat_postMessage(channel="C100", text=f"secure {number}")["ok"]
        assert fake.connections_opened == 1
        assert posted(fake) == [f"secure {n}" for n in range(10)]
        fake.drop_connections()
        assert client.chat_postMessage(channel="C100", text="after a close")["ok"]
        assert fake.connections_opened == 2


def test_a_modal_still_opens_when_its_connection_drops(harness):
    """A listener's views.open on a connection that breaks before any answer is tried again."""
    assert harness.slack.command("").status == 200  # Bolt's first request also asks auth.test
    harness.fake.wait_for("views.open")
    harness.fake.drop_connections()  # whichever thread opens it, on a new connection: no resend
    harness.fake.hang_up()  # that connection breaks before any answer
    assert harness.slack.command("").status == 200
    harness.fake.wait_for("views.open", count=2, timeout=10)
