"""The column checks on text cells, the core shared by the build and `natoseoul validate`."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from natoseoul.check._checks import TableChecker, check_spans, check_tables, parse_column
from natoseoul.schema import TABLES, Field


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "2023-1-01", "30/01/2023", "2023-02-29", " 2023-01-30"])
def test_impossible_or_malformed_dates_are_refused(bad: str) -> None:
    values, bad_mask = parse_column(Field("d", "date", "a date"), pa.array(["2024-02-29", bad, None]))
    assert bad_mask.to_pylist() == [False, True, False]
    assert values.to_pylist()[0].isoformat() == "2024-02-29"
    assert values.to_pylist()[1:] == [None, None]


@pytest.mark.parametrize(("cell", "bad"), [("12", False), ("-3", False), ("1.0", True), ("1e3", True), ("", False)])
def test_integers(cell: str, bad: bool) -> None:
    assert parse_column(Field("n", "integer", "a number"), pa.array([cell])).__getitem__(1).to_pylist() == [bad]


def test_a_batch_reports_row_and_field() -> None:
    topics = TABLES["topics"]
    batch = pa.table(
        {
            "topic_id": ["ok", "ok", "Bad Id"],
            "label": ["A", "B", None],
            "description": ["a", "b", "c"],
            "parent_topic_id": [None, "missing", None],
            "plover_context": ["cyber", "nope", None],
        }
    )
    checker = TableChecker(topics)
    problems = checker.feed(batch) + checker.finish()
    found = {(p.row, p.field) for p in problems}
    assert {(2, "topic_id"), (2, "label"), (1, "plover_context"), (1, "topic_id")} <= found


INTEGER = Field("n", "integer", "a number")
DATE = Field("d", "date", "a date")


@pytest.mark.parametrize(
    ("cells", "values", "bad"),
    [
        (["12", "-3", "007", "123456789012345678"], [12, -3, 7, 123456789012345678], [False] * 4),
        (["12", "1234567890123456789"], [12, None], [False, True]),  # more than 18 digits
        # a leading "+" is a valid sign (Table Schema integers are written as XML Schema's); a space,
        # hexadecimal (which Arrow's cast takes), a sign alone or two signs are not
        (["12", "+5", " 5", "0x1F", "+", "+-1"], [12, 5, None, None, None, None], [False, False] + [True] * 4),
        (["0x10", "5"], [None, 5], [True, False]),  # a column Arrow's cast would take whole
    ],
)
def test_integer_columns(cells: list[str], values: list[int | None], bad: list[bool]) -> None:
    parsed, mask = parse_column(INTEGER, pa.array(cells))
    assert parsed.to_pylist() == values and mask.to_pylist() == bad


ODD_CELLS = st.text(alphabet="0123456789+-_ .eE\t٣x", max_size=21)
LONG_NUMBERS = st.from_regex(r"\A[-+]?[0-9]{15,21}\Z")  # around the 18 digits the fast path takes
DATES = st.dates().map(lambda d: d.isoformat())
MONTH_ENDS = st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(1900, 2100), st.integers(0, 13),
                       st.integers(27, 32))  # real and impossible days at the end of a month  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(ODD_CELLS, LONG_NUMBERS, DATES, MONTH_ENDS), st.sampled_from([INTEGER, DATE]))
@example("0000-01-01", DATE)  # a year Arrow holds and Python's dates do not (refused on both paths)
def test_fast_and_slow_paths_agree_on_every_cell(cell: str, spec: Field) -> None:
    """A column that Arrow's cast takes whole is parsed by the cast (fast); one bad cell sends the
    whole column to the regular expressions (slow). Both must say the same of every cell: the cell
    alone, and the same cell beside one that cannot parse, get the same value and verdict."""
    alone, bad_alone = parse_column(spec, pa.array([cell]))
    beside, bad_beside = parse_column(spec, pa.array([cell, "x"]))
    assert bad_beside.to_pylist()[1] is True  # "x": the slow path was taken
    # compared as Arrow values: a date Arrow holds may lie outside Python's (year 0000)
    assert alone.slice(0, 1).equals(beside.slice(0, 1)) and bad_alone[0] == bad_beside[0]


def test_the_first_date_is_0001_01_01_for_the_cast_and_strptime() -> None:
    """Arrow's cast and strptime take the year 0000, which Python's dates cannot hold."""
    for cells in (["0000-12-31", "0001-01-01"], ["0000-12-31", "0001-01-01", "x"]):
        values, bad = parse_column(DATE, pa.array(cells))
        assert values.to_pylist()[:2] == [None, dt.date(1, 1, 1)] and bad.to_pylist()[:2] == [True, False]


@pytest.mark.parametrize("cell", ["42", "-0", "9" * 18, "2024-02-29", "1999-12-31"])
def test_a_valid_cell_parses_alike_on_both_paths(cell: str) -> None:
    spec = DATE if "-" in cell[1:] else INTEGER
    fast, _ = parse_column(spec, pa.array([cell]))
    slow, bad = parse_column(spec, pa.array([cell, "x"]))
    assert fast.to_pylist()[0] is not None and fast.to_pylist()[0] == slow.to_pylist()[0]
    assert bad.to_pylist() == [False, True]


def test_spans_are_checked_per_document_after_all_batches() -> None:
    """Spans arrive in batches, in any document order; each is compared once its seed is given."""
    seeds = {"doc-a": "Hello Seoul. 안녕하세요 NATO.", "doc-b": "Jens Stoltenberg visited."}
    notes = TABLES["source_notes"]
    note_ids = (f"n{i}" for i in range(100))

    def batch(rows: list[tuple[str | None, str | None, str | None, str | None]]) -> pa.Table:
        columns: dict[str, list[str | None]] = {f: [] for f in notes.field_names}
        for doc, start, end, text in rows:
            row = {"note_id": next(note_ids), "document_id": doc, "char_start": start, "char_end": end,
                   "text": text, "kind": "error", "note": "x"}  # fmt: skip
            for name in notes.field_names:
                columns[name].append(row.get(name))
        return pa.table({n: pa.array(v, pa.string()) for n, v in columns.items()})

    checker = TableChecker(notes, collect_spans=True)
    problems = checker.feed(batch([("doc-b", "0", "4", "Jens"), ("doc-a", "13", "18", "안녕하세요")]))
    problems += checker.feed(
        batch([("doc-a", "6", "11", "Seoul"), ("doc-a", "0", "5", "Hallo"), ("doc-b", "5", "99", "x")])
    )
    problems += checker.feed(batch([("doc-b", None, "4", "Jens"), ("doc-a", "19", "23", "NATO")]))
    problems += checker.finish()
    problems += check_spans({"source_notes": checker}, seeds.items())
    assert sorted((p.row, p.field, p.message) for p in problems) == [
        (3, "text", "does not match doc-a[0:5], which is 'Hello'"),
        (4, "char_end", "99 is past the end of doc-b (25 characters)"),
        (5, "char_start", "required value is missing"),  # so its span is not compared
    ]


def topics_table(ids: list[str]) -> pa.Table:
    n = len(ids)
    nulls = pa.nulls(n, pa.string())
    columns = {"topic_id": pa.array(ids), "label": pa.array(["A"] * n), "description": pa.array(["a"] * n)}
    return pa.table({**columns, "parent_topic_id": nulls, "plover_context": nulls})


def pattern_and_reference_problems(
    topic_ids: list[str], links: dict[str, list[str]]
) -> set[tuple[str, int | None, str | None, str]]:
    tables = {"topics": [topics_table(topic_ids)], "event_topics": [pa.table(links)]}
    return {(p.place, p.row, p.field, p.message.split("' ", 1)[1]) for p in check_tables(tables, None)}


PATTERN = "does not match the pattern [a-z0-9]+(-[a-z0-9]+)*"


def test_a_reference_that_does_not_fit_its_pattern_is_reported_whatever_its_target() -> None:
    """The pattern check of a foreign-key column waits for the reference check; every misfit is
    still reported: one missing from the target, one whose target table is absent (events here),
    and one found in a target whose own key does not fit either."""
    found = pattern_and_reference_problems(
        ["ok", "Bad Id"], {"event_id": ["ev-1", "Ev 2", "ev-3"], "topic_id": ["ok", "Bad Id", "Not Ok"]}
    )
    assert found == {
        ("topics", 1, "topic_id", PATTERN),
        ("event_topics", 1, "event_id", PATTERN),
        ("event_topics", 1, "topic_id", PATTERN),
        ("event_topics", 2, "topic_id", PATTERN),
        ("event_topics", 2, "topic_id", "is not a topic_id in topics"),
    }
    clean = pattern_and_reference_problems(
        ["ok", "fine"], {"event_id": ["ev-1", "ev-2"], "topic_id": ["fine", "Not Ok"]}
    )
    assert clean == {
        ("event_topics", 1, "topic_id", PATTERN),
        ("event_topics", 1, "topic_id", "is not a topic_id in topics"),
    }


def test_a_table_abandoned_midway_still_gets_its_pattern_checks() -> None:
    checker = TableChecker(TABLES["event_topics"])
    assert checker.feed(pa.table({"event_id": ["ev-1", "Ev 2"], "topic_id": ["ok", "ok"]})) == []  # waiting
    assert [(p.row, p.field) for p in checker.abandon()] == [(1, "event_id")]


SEED_ALPHABET = st.sampled_from([*"ab .,\n", "é", "안", "녕", "\u200d", "😀"])


@st.composite
def seeds_and_spans(draw: st.DrawFn) -> tuple[dict[str, str], list[tuple[str, int, int, str]]]:
    """Seed texts in mixed scripts and spans over them: most exact, some with one character
    changed, cut short or longer, past the end, empty, overlapping or in another document's seed."""
    seeds = {f"doc-{i}": draw(st.text(SEED_ALPHABET, max_size=40)) for i in range(draw(st.integers(1, 3)))}
    spans = []
    for _ in range(draw(st.integers(0, 25))):
        doc = draw(st.sampled_from(sorted(seeds)))
        seed = seeds[doc]
        start = draw(st.integers(0, len(seed) + 2))
        end = draw(st.integers(start, len(seed) + 3))
        text = seed[start:end]
        change = draw(st.sampled_from(["none", "none", "none", "char", "shorter", "longer", "other"]))
        if change == "char" and text:
            i = draw(st.integers(0, len(text) - 1))
            text = text[:i] + ("b" if text[i] != "b" else "a") + text[i + 1 :]
        elif change == "shorter" and text:
            text = text[:-1]
        elif change == "longer":
            text += "x"
        elif change == "other":
            text = draw(st.text(SEED_ALPHABET, max_size=8))
        spans.append((doc, start, end, text))
    return seeds, spans


@settings(max_examples=300, deadline=None)
@given(seeds_and_spans())
@example(({"doc-0": "abc"}, [("doc-0", 0, 2, "a"), ("doc-0", 2, 3, "bc")]))  # wrong words, right words in all
@example(({"doc-0": "안녕"}, [("doc-0", 1, 2, "녕"), ("doc-0", 0, 1, "안")]))
def test_spans_are_found_wrong_exactly_where_the_seed_reads_otherwise(
    case: tuple[dict[str, str], list[tuple[str, int, int, str]]],
) -> None:
    """Whatever the script and however the spans lie, a span is reported exactly when its text is not
    the seed's characters from char_start to char_end, or when it ends past the seed."""
    seeds, spans = case
    notes = TABLES["source_notes"]
    columns: dict[str, list[str | None]] = {name: [] for name in notes.field_names}
    for i, (doc, start, end, text) in enumerate(spans):
        row = {"note_id": f"n{i}", "document_id": doc, "char_start": str(start), "char_end": str(end),
               "text": text, "kind": "error", "note": "x"}  # fmt: skip
        for name in notes.field_names:
            columns[name].append(row.get(name))
    table = pa.table({n: pa.array(v, pa.string()) for n, v in columns.items()})
    checker = TableChecker(notes, collect_spans=True)
    for batch in table.to_batches(max_chunksize=7):  # spans of one document arrive in several batches
        checker.feed(batch)
    checker.finish()
    found = check_spans({"source_notes": checker}, seeds.items())
    expected = set()
    for i, (doc, start, end, text) in enumerate(spans):
        if end > len(seeds[doc]):
            expected.add((i, "char_end"))
        elif seeds[doc][start:end] != text:
            expected.add((i, "text"))
    assert {(p.row, p.field) for p in found} == expected
