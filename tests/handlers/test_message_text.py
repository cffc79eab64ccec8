"""Slack message markup → the plain words a ticket keeps."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.message_text import clip_words, first_line, mentioned_users, plain_text
from handlers.text import escape


@pytest.mark.parametrize(
    ("markup", "plain"),
    [
        ("<@U0CARLOS> can you look?", "@Carlos Pérez can you look?"),
        ("<@U0NOBODY> too", "@U0NOBODY too"),
        ("<@U0X|legacy> said", "@legacy said"),
        ("see <#C0HELP|it-help> and <#C0OTHER>", "see #it-help and #C0OTHER"),
        ("<!channel> <!here> <!everyone>", "@channel @here @everyone"),
        ("<!subteam^S0IT|@it-team> please", "@it-team please"),
        ("<!date^1700000000^{date}|Nov 14> meeting", "Nov 14 meeting"),
        (
            "<https://evil.example|click> or <https://x.example/a?b=1&amp;c=2>",
            "click or https://x.example/a?b=1&c=2",
        ),
        ("mail <mailto:ana@example.com|ana@example.com>", "mail ana@example.com"),
        ("&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;", "<script>alert(1)</script> &lt;"),
        ("*bold* _italic_ ~gone~ `code`", "bold italic gone code"),
        ("```\nprint(1)\n```", "print(1)"),
        ("snake_case_name and 2*3*4 stay", "snake_case_name and 2*3*4 stay"),
        ("&gt; quoted line\nanswer", "quoted line\nanswer"),
    ],
)
def test_plain_text(markup, plain):
    names = {"U0CARLOS": "Carlos Pérez"}
    assert plain_text(markup, names.get) == plain


def test_first_line_and_word_clipping():
    assert first_line("\n\n  Printer   jammed  \nsecond") == "Printer jammed"
    words = "word " * 60
    clipped = clip_words(words.strip(), 150)
    assert len(clipped) <= 150 and clipped.endswith("word…")
    assert clip_words("x" * 200, 150) == "x" * 149 + "…"  # one long word: cut inside it
    assert clip_words("short", 150) == "short"


def test_mentioned_users_once_each_in_order():
    assert mentioned_users("<@U2> <@U1> <@U2> <@U3|named>") == ["U2", "U1"]


@settings(max_examples=200, deadline=None)
@given(markup=st.text(alphabet=st.sampled_from("<>@#!|*_~`&;lgtamp \nUC12:/.^"), max_size=400) | st.text())
def test_any_markup_becomes_a_title_and_description_that_fit(markup):
    plain = plain_text(markup)
    title, description = clip_words(first_line(plain), 150), clip_words(plain, 3000)
    assert len(title) <= 150 and "\n" not in title and len(description) <= 3000
    assert "<!channel>" not in escape(title) and "<@" not in escape(description)
