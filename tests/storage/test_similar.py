"""Similar tickets (storage.similar): precision and recall on the labelled pairs, through the
database's own full-text index on SQLite and PostgreSQL, and which tickets are candidates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from storage.domain import Actor
from storage.models import Ticket, utcnow
from storage.people import People, Profile
from storage.roles import Roles
from storage.similar import RECENTLY_CLOSED, Candidate, rank, similar_tickets
from storage.similar_text import words
from storage.tickets import NewTicket, TicketService
from tests.data.similar_pairs import Telling, pairs, precision_recall, tellings

ADMIN = Actor("U0ADMIN", "admin")
CATEGORIES = ("hardware", "software", "network", "printers", "access", "other")


@pytest.fixture
def service(db) -> TicketService:
    People(db).remember(Profile("U0REPORTER", "ana", "Ana Gómez"))
    return TicketService(db, roles=Roles(db, {"U0ADMIN"}), categories=CATEGORIES)


def file(service: TicketService, telling: Telling) -> int:
    new = NewTicket(telling.title, telling.description, telling.category)
    return service.create(Actor("U0REPORTER", "ana"), new)[0].id


def test_the_labelled_set_is_large_balanced_and_bilingual():
    labelled = pairs()
    assert len(labelled) >= 200
    assert sum(same for *_, same in labelled) == len(labelled) // 2
    assert {t.lang for t in tellings()} == {"en", "es"}
    assert any(a.lang != b.lang for a, b, same in labelled if same)
    # The different pairs share their topic: a family's word ("printer", "VPN", "password").
    assert all(a.problem.split(".")[0] == b.problem.split(".")[0] for a, b, _ in labelled)


def test_scores_alone_meet_the_target():
    decisions = [
        (bool(rank(a.title, a.description, a.category, [_candidate(b)])), same) for a, b, same in pairs()
    ]
    precision, recall = precision_recall(decisions)
    assert precision >= 0.9 and recall >= 0.7, (precision, recall)


def test_suggestions_through_the_database_meet_the_target(db, service):
    """Every telling filed as an open ticket; for each labelled pair, is the other ticket among
    the first one's (at most 3) suggestions? And is every suggestion made the same problem?"""
    ids = {telling: file(service, telling) for telling in tellings()}
    problem_of = {ticket_id: telling.problem for telling, ticket_id in ids.items()}
    suggested = {}
    for telling, ticket_id in ids.items():
        found = similar_tickets(db, ticket_id, telling.title, telling.description, telling.category)
        assert len(found) <= 3
        suggested[ticket_id] = {s.ticket_id for s in found}
    decisions = [(ids[b] in suggested[ids[a]], same) for a, b, same in pairs()]
    precision, recall = precision_recall(decisions)
    assert precision >= 0.9 and recall >= 0.7, (precision, recall)
    made = [(problem_of[t], problem_of[s]) for t, found in suggested.items() for s in found]
    right = sum(1 for mine, theirs in made if mine == theirs)
    assert right / len(made) >= 0.9, (right, len(made))


def test_candidates_are_open_or_closed_lately(db, service):
    vpn = [t for t in tellings() if t.problem == "vpn.drops"]
    old, recent, still_open = (file(service, t) for t in vpn)
    for ticket_id in (old, recent):
        service.close(ticket_id, ADMIN, "Replaced the VPN profile")
    with db.transaction() as session:
        long_ago = utcnow() - RECENTLY_CLOSED - timedelta(hours=1)
        session.execute(update(Ticket).where(Ticket.id == old).values(closed_at=long_ago))
    probe = NewTicket("VPN se cae cada 5 minutos", "Me desconecta de la VPN todo el rato", "network")
    new_id = service.create(Actor("U0REPORTER", "ana"), probe)[0].id
    found = similar_tickets(db, new_id, probe.title, probe.description, probe.category)
    assert {s.ticket_id for s in found} == {still_open, recent}  # not the one closed long ago
    by_id = {s.ticket_id: s for s in found}
    assert by_id[still_open].number == f"TKT-{still_open:06d}" and by_id[still_open].status == "open"
    assert by_id[recent].status == "closed"
    assert found[0].score >= found[1].score


def test_a_ticket_is_not_similar_to_itself_nor_to_nothing(db, service):
    ticket_id = file(service, tellings()[0])
    telling = tellings()[0]
    assert similar_tickets(db, ticket_id, telling.title, telling.description, telling.category) == []
    assert similar_tickets(db, 0, "", "the and el la", "other") == []  # only stop words


def test_words_fold_accents_and_languages():
    spanish, english = words("Contraseña caducada"), words("Password expired")
    assert spanish.weights == english.weights


def _candidate(telling: Telling) -> Candidate:
    return Candidate(1, telling.title, telling.description, telling.category, "open", utcnow())
