"""One search rule for find_quotes(text=...) and the site: case, accents and kinds of whitespace ignored.

The same queries are folded by the site's JavaScript in tests/test_site_browser.py (QUERIES)."""

from __future__ import annotations

import pytest

import natoseoul
from natoseoul._search import fold, matches

# (query, folded): the rule, step by step. The browser test folds the same strings in JavaScript.
QUERIES = [
    ("opened a mission", "opened a mission"),
    ("OPENED  a\u00a0Mission", "opened a mission"),  # case, a double space, a no-break space
    ("\tWe opened\u2009a\u202fmission\n", "we opened a mission"),  # tab, thin and narrow spaces, newline
    ("Café SÉOUL naïve", "cafe seoul naive"),  # accents, precomposed
    ("Cafe\u0301", "cafe"),  # an accent as a combining mark
    ("Straße ΟΔΟΣ", "strasse οδοσ"),  # full case folding
    ("ﬁne\u3000print", "fine print"),  # a ligature and an ideographic space (NFKD)
    ("윤석열 대통령", "윤석열 대통령"),  # Hangul syllables stay syllables
    ("나토\u00a0사무총장", "나토 사무총장"),
]


@pytest.mark.parametrize(("query", "folded"), QUERIES)
def test_fold(query: str, folded: str) -> None:
    assert fold(query) == folded


def test_fold_keeps_hangul_syllables_whole() -> None:
    assert fold("대") == "대" and len(fold("대통령")) == 3
    assert matches("통령", "윤석열 대통령") and not matches("ᄃ", "대")  # a jamo is not a syllable


def test_find_quotes_matches_across_the_korea_net_no_break_spaces() -> None:
    quotes = natoseoul.load("quotes").to_pylist()
    q02 = next(q for q in quotes if q["quote_id"] == "koreanet-2023-01-30-q02")
    assert "a\u00a0mission" in q02["text"]  # the seed's own no-break space
    for query in ("opened a mission", "Opened A  Mission", "OPENED\u00a0A\u00a0MISSION", "opened a\nmission"):
        assert natoseoul.find_quotes(text=query)["quote_id"].to_pylist() == ["koreanet-2023-01-30-q02"]


def test_find_quotes_text_is_case_and_accent_insensitive() -> None:
    plain = natoseoul.find_quotes(text="rules-based")["quote_id"].to_pylist()
    assert plain
    assert natoseoul.find_quotes(text="RULES-BASÉD")["quote_id"].to_pylist() == plain
    assert natoseoul.find_quotes(text="no such words anywhere").num_rows == 0


def test_find_quotes_text_agrees_with_fold_on_every_quote() -> None:
    quotes = natoseoul.load("quotes").to_pylist()
    for query in ("nato", "north korea", "a\u00a0mission", "Indo-Pacific"):
        expected = [q["quote_id"] for q in quotes if fold(query) in fold(q["text"])]
        assert natoseoul.find_quotes(text=query)["quote_id"].to_pylist() == expected
