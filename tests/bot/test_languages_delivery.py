"""The engineer's morning DM speaks their language; the triage channel's digest the workspace's."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.digests import Digests
from storage import outbox
from storage.models import OutboxRow
from tests.conftest import TRIAGE
from tests.digest_data import CARLOS, MARIA, NOW, seed
from tests.waiting import wait_until

pytestmark = pytest.mark.usefixtures("_fresh_runs")


def test_the_engineers_morning_dm_is_in_their_language_the_digest_in_the_workspaces(dh):
    seed(dh)
    for engineer in (CARLOS, MARIA):
        dh.services.people.set_wants_digest(engineer, True)
    dh.slack.command("idioma es", user=CARLOS)
    digests = Digests(dh.runtime.app.client, dh.services, dh.runtime.settings)
    digests.morning(NOW)

    def delivered() -> bool:
        with dh.db.read() as s:
            kinds = (outbox.SLACK_DIGEST, outbox.SLACK_DIGEST_DM)
            states = s.scalars(select(OutboxRow.state).where(OutboxRow.kind.in_(kinds))).all()
        return len(states) == 3 and set(states) == {"done"}

    wait_until(delivered, 10, "the digest and two morning DMs")
    texts = {c.params["channel"]: c.params.get("text", "") for c in dh.fake.calls("chat.postMessage")}
    assert texts[CARLOS].startswith("¡Buenos días! Tu cola de hoy")
    assert texts[MARIA].startswith("Good morning! Your queue today")
    assert texts[TRIAGE].startswith("Daily digest —")
    assert json.dumps(texts, ensure_ascii=False).count("Resumen diario") == 0
