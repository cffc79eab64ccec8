"""Reading real-world mail (tests/data/mail/*.eml): the new text only, who sent it, what it
answers, its files, and whether a robot sent it. Pure functions: no database, no Slack."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.mail_in.auth import dmarc_fails
from bot.mail_in.auth import parse as parse_auth
from bot.mail_in.loops import automatic
from bot.mail_in.match import ticket_number
from bot.mail_in.parse import NotAnEmail, parse

MAIL = Path(__file__).resolve().parents[2] / "data" / "mail"
OURS = ["helpdesk@example.com", "it@example.com"]


def fixture(name: str) -> bytes:
    return (MAIL / name).read_bytes()


def mail(headers: str, body: str = "Hello", **extra: str) -> bytes:
    lines = [headers.strip(), *(f"{k.replace('_', '-')}: {v}" for k, v in extra.items()), "", body]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("name", "sender", "text"),
    [
        (
            "outlook_reply_en.eml",
            "ana@example.com",
            "Hi Carlos,\n\nThe asset tag is LAP-4411. It’s the grey Dell on my desk.",
        ),
        (
            "outlook_reply_es.eml",
            "ana@example.com",
            "Sí, la etiqueta es LAP-4411. Está en el escritorio de contabilidad.",
        ),
        (
            "gmail_reply_en.eml",
            "carlos@example.com",
            "Thanks Ana. I pushed a new VPN profile to LAP-4411: please restart and try\nagain.",
        ),
        ("gmail_reply_es.eml", "ana@example.com", "Ya reinicié y la VPN funciona. ¡Gracias!"),
        (
            "apple_mail_reply.eml",
            "ana@example.com",
            "Still dropping every 20 minutes, even after the restart.",
        ),
    ],
)
def test_replies_keep_only_the_new_text_in_english_and_spanish(name, sender, text):
    parsed = parse(fixture(name))
    assert parsed.sender == sender  # Outlook's "Ana@Example.com": lower case
    assert parsed.text == text  # no "From:/De:" block, no "On … wrote:/El … escribió:", no signature
    assert ticket_number(parsed, "example.com") == 1
    assert automatic(parsed, OURS) is None


def test_the_sender_name_and_subject_are_decoded():
    parsed = parse(fixture("outlook_reply_es.eml"))
    assert parsed.sender_name == "Ana Gómez"
    assert parsed.subject == "RE: [TKT-000001] Novedades de tu ticket: La VPN se cae"
    assert parsed.references[0] == "<tkt-000001.4.u0reporter@example.com>"  # In-Reply-To first


def test_html_only_mail_becomes_plain_text_without_its_scripts():
    parsed = parse(fixture("html_only_script.eml"))
    assert parsed.text.startswith('The printer HP-3F shows "offline" since this morning.')
    assert "I tried turning it off & on." in parsed.text
    for never in ("<", "script", "alert", "document.cookie", "evil.test", "font-family"):
        assert never not in parsed.text
    assert ticket_number(parsed, "example.com") is None


def test_attachments_are_decoded_with_safe_names():
    parsed = parse(fixture("with_attachment.eml"))
    assert parsed.text == "Here is the error on screen and the client log."
    files = [(a.filename, a.mimetype) for a in parsed.attachments]
    assert files == [("vpn error.png", "image/png"), ("vpnclient.log", "text/plain")]  # no "../"
    assert parsed.attachments[0].data.startswith(b"\x89PNG\r\n")
    assert parsed.attachments[1].data.startswith(b"2026-12-04 09:12:01 vpn: tunnel down")
    assert ticket_number(parsed, "example.com") == 1  # from the subject: no In-Reply-To


def test_header_injection_in_the_subject_is_one_harmless_line():
    parsed = parse(fixture("header_injection.eml"))
    assert "\r" not in parsed.subject and "\n" not in parsed.subject
    assert parsed.subject == "Monitor broken Bcc: victim@evil.test <b>x</b> and more X-Injected: yes"
    raw = mail("From: a@example.com\nSubject: one\r\n two\u2028three\x07four\x1bfive")
    assert parse(raw).subject == "one two three four five"


@pytest.mark.parametrize(
    "raw",
    [
        (MAIL / "garbage.eml").read_bytes(),
        b"",
        b"   \n\n",
        b"just some words\nwith no header block at all\n",
        b"Subject: no sender\n\nhello",
        b"From: nobody-without-an-address\n\nhello",
    ],
)
def test_what_is_not_an_email_says_so(raw):
    with pytest.raises(NotAnEmail):
        parse(raw)


def test_malformed_mime_and_lying_charsets_still_read():
    no_boundary = mail("From: a@example.com\nContent-Type: multipart/mixed", "Broken but here")
    assert parse(no_boundary).sender == "a@example.com"
    unknown = mail(
        "From: a@example.com\nContent-Type: text/plain; charset=x-klingon",
        "Qapla\xe9".encode("latin-1").decode("latin-1"),
    )
    assert parse(unknown).text.startswith("Qapla")
    lying = b"From: a@example.com\nContent-Type: text/plain; charset=utf-8\n\nCaf\xe9 con leche\n"
    assert parse(lying).text.startswith("Caf") and "con leche" in parse(lying).text
    bad_header = mail("From: =?utf-8?q?broken?=<a@example.com>\nSubject: =?utf-8?b?!!!notbase64?=")
    assert parse(bad_header).sender == "a@example.com"
    nested = mail(
        "From: a@example.com\nContent-Type: multipart/alternative; boundary=x",
        "--x\nContent-Type: text/html\n\n<p>Hi <b>there</b></p>\n--x--\n",
    )
    assert parse(nested).text == "Hi there"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply_ooo.eml", "Auto-Submitted: auto-replied"),
        ("bounce_mailer_daemon.eml", "Auto-Submitted: auto-replied"),
    ],
)
def test_auto_replies_and_bounces_are_robots(name, reason):
    assert automatic(parse(fixture(name)), OURS) == reason


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("From: news@example.com\nPrecedence: bulk", "Precedence: bulk"),
        ("From: list@example.com\nPrecedence: List", "Precedence: list"),
        ("From: a@example.com\nX-Autorespond: yes", "x-autorespond header"),
        ("From: a@example.com\nX-Autoreply: yes", "x-autoreply header"),
        ("From: MAILER-DAEMON@mx.example.com", "sent by mailer-daemon"),
        ("From: postmaster@example.com", "sent by postmaster"),
        ("From: IT Helpdesk <Helpdesk@example.com>", "sent by ticketbot itself"),
        ("From: a@example.com\nContent-Type: multipart/report; boundary=b", "a delivery or read report"),
        (
            "From: a@example.com\nAuto-Submitted: auto-generated; owner-email=x@y",
            "Auto-Submitted: auto-generated",
        ),
    ],
)
def test_robots_and_lists_are_recognised(headers, reason):
    assert automatic(parse(mail(headers)), OURS) == reason


def test_auto_submitted_no_is_a_person():
    assert automatic(parse(mail("From: a@example.com\nAuto-Submitted: no")), OURS) is None


def test_only_our_domains_message_ids_name_a_ticket():
    def number(headers: str, domain: str = "example.com"):
        return ticket_number(parse(mail("From: a@example.com\n" + headers)), domain)

    assert number("In-Reply-To: <tkt-000042@example.com>") == 42
    assert number("References: <x@y> <tkt-000042.17.u0reporter@EXAMPLE.com>") == 42
    assert number("In-Reply-To: <tkt-000042@elsewhere.test>") is None
    assert number("In-Reply-To: <tkt-000042@example.com.evil.test>") is None
    assert number("In-Reply-To: <tkt-000042@elsewhere.test>\nSubject: Re: [TKT-000007] x") == 7
    assert number("Subject: Re: [tkt-000009] lower case") == 9
    assert number("Subject: TKT-000009 without brackets") is None
    assert number("In-Reply-To: <tkt-000000@example.com>") is None


def test_dmarc_fail_counts_only_from_a_trusted_server_and_for_the_from_domain():
    forged = parse(fixture("forged_dmarc_fail.eml"))
    results = forged.header("authentication-results")
    assert len(results) == 2
    assert dmarc_fails(results, ["mx.example.com"], "example.com")  # the fail counts, whatever else says pass
    assert not dmarc_fails(results, ["mx.other.test"], "example.com")  # nobody we trust said it
    # A trusted verdict on another From domain than ours: that server saw another From: than
    # the one read here ("a@example.com <b@other.test>"), so the message is not believed either.
    for verdict in ("fail", "pass"):
        header = f"mx.example.com; dmarc={verdict} header.from=other.test"
        assert dmarc_fails([header], ["mx.example.com"], "example.com")
    assert not dmarc_fails(
        ["mx.example.com; dmarc=pass header.from=example.com"], ["mx.example.com"], "example.com"
    )
    assert not dmarc_fails(
        parse(fixture("outlook_reply_en.eml")).header("authentication-results"),
        ["mx.example.com"],
        "example.com",
    )
    m365 = (
        "spf=fail (sender IP 1.2.3.4) smtp.mailfrom=evil.test; dmarc=fail action=none header.from=example.com"
    )
    assert parse_auth(m365) is None  # no authserv-id: nobody to trust


def test_authentication_results_comments_quotes_and_spaces():
    header = (
        "MX.Example.com 1 (a (nested; comment) here); dmarc = fail (p=reject; an \\) escaped) "
        'header.from="example.com"; none'
    )
    parsed = parse_auth(header)
    assert parsed.authserv_id == "mx.example.com"
    assert [(r.method, r.result, r.properties) for r in parsed.results] == [
        ("dmarc", "fail", {"header.from": "example.com"})
    ]
    assert parse_auth("mx.example.com; none").results == ()
    assert parse_auth("") is None
