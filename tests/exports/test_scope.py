"""Export scopes and the filter a queue row carries."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from exports.scope import ExportScope, filter_from_dict, filter_to_dict
from exports.service import scope_word
from storage.queries import TicketFilter


def test_scopes_parse_and_narrow_the_filter_whatever_it_carried():
    assert ExportScope.parse("all") == ExportScope("all")
    assert str(ExportScope.parse("engineer:U0CARLOS")) == "engineer:U0CARLOS"
    forged = TicketFilter(reporter_id="U0OTHER", engineer_id="U0OTHER")
    mine = ExportScope.parse("reporter:U0ANA").narrow(forged)
    assert (mine.reporter_id, mine.engineer_id) == ("U0ANA", None)
    assert ExportScope("all").narrow(forged).reporter_id is None
    assert not ExportScope("reporter", "U0ANA").include_internal and ExportScope("all").include_internal
    for bad in ("everything", "engineer:", "reporter", "all:U1", ""):
        with pytest.raises(ValueError):
            ExportScope.parse(bad)


def test_a_filter_survives_the_queue_but_its_scope_fields_do_not():
    flt = TicketFilter(
        statuses=("open",),
        priorities=("high",),
        text="vpn",
        since=datetime(2026, 1, 2, tzinfo=timezone.utc),
        reporter_id="U0X",
    )
    back = filter_from_dict(filter_to_dict(flt))
    assert back == flt.but(reporter_id=None)
    assert filter_from_dict({"statuses": ["open", "bogus"]}).statuses == ("open",)


def test_scope_words_in_both_languages():
    assert scope_word("") == ("mine", "")
    assert scope_word("assigned status:open") == ("assigned", "status:open")
    assert scope_word("TODOS alta") == ("all", "alta")
    assert scope_word("asignados") == ("assigned", "")
    assert scope_word("vpn printer") == ("mine", "vpn printer")
