"""The joins: each checked against a separate computation on the loaded tables (pyarrow's
Table.join or plain Python), and the timeline's order and date rendering on events made up here."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import natoseoul
from natoseoul import _joins as joins
from natoseoul.schema import TABLES


def _by_key(table: pa.Table, key: str, value: str) -> dict[Any, Any]:
    return dict(zip(table[key].to_pylist(), table[value].to_pylist(), strict=True))


def _joined(left: str, on: str, right: str, key: str, column: str) -> dict[str, Any]:
    """quote/event id -> ``right.column`` of the matching row, with pyarrow's own hash join."""
    ids = "quote_id" if left == "quotes" else "event_id"
    other = natoseoul.load(right).select([key, column]).rename_columns([on, "_value"])
    joined = natoseoul.load(left).select([ids, on]).join(other, keys=on, join_type="left outer")
    return _by_key(joined, ids, "_value")


def _below(table: str, key: str, parent: str, root: str) -> set[str]:
    """``root`` and everything under it, walking the parent column in Python."""
    parents = _by_key(natoseoul.load(table), key, parent)
    found = {root}
    while True:
        more = {k for k, p in parents.items() if p in found} - found
        if not more:
            return found
        found |= more


# --- quotes with context ---------------------------------------------------------------------------


def test_quotes_with_context_keeps_every_quote_in_order_and_adds_names() -> None:
    quotes = natoseoul.load("quotes")
    result = natoseoul.quotes_with_context()
    assert result["quote_id"].to_pylist() == quotes["quote_id"].to_pylist()
    assert result.select(quotes.column_names).equals(quotes)
    assert _by_key(result, "quote_id", "speaker_name") == _joined("quotes", "speaker_id", "participants",
                                                                  "participant_id", "name")  # fmt: skip
    assert _by_key(result, "quote_id", "event_title") == _joined("quotes", "event_id", "events", "event_id", "title")
    assert _by_key(result, "quote_id", "document_title") == _joined("quotes", "document_id", "documents",
                                                                    "document_id", "title")  # fmt: skip
    topics: dict[str, list[str]] = {}
    for link in natoseoul.load("quote_topics").to_pylist():
        topics.setdefault(link["quote_id"], []).append(link["topic_id"])
    assert _by_key(result, "quote_id", "topic_ids") == {q: topics.get(q, []) for q in quotes["quote_id"].to_pylist()}


def test_quotes_with_context_in_other_engines() -> None:
    arrow = natoseoul.quotes_with_context()
    frame = natoseoul.quotes_with_context(engine="pandas")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == arrow.column_names
    assert frame["speaker_name"].dtype == pd.StringDtype()
    assert isinstance(frame["topic_ids"].dtype, pd.ArrowDtype)
    polars_frame = natoseoul.quotes_with_context(engine="polars")
    assert isinstance(polars_frame, pl.DataFrame)
    assert polars_frame.to_dicts() == arrow.to_pylist()


# --- events with participants and topics -----------------------------------------------------------


def test_event_details_lists_each_events_participants_and_topics() -> None:
    events = natoseoul.load("events")
    result = natoseoul.event_details()
    assert result.select(events.column_names).equals(events)
    people = _by_key(natoseoul.load("participants"), "participant_id", "name")
    expected: dict[str, Counter[tuple[str, str, str]]] = {e: Counter() for e in events["event_id"].to_pylist()}
    for link in natoseoul.load("event_participants").to_pylist():
        expected[link["event_id"]][(link["participant_id"], people[link["participant_id"]], link["role"])] += 1
    got = {
        row["event_id"]: Counter((p["participant_id"], p["name"], p["role"]) for p in row["participants"])
        for row in result.select(["event_id", "participants"]).to_pylist()
    }
    assert got == expected
    labels = _by_key(natoseoul.load("topics"), "topic_id", "label")
    topics: dict[str, set[tuple[str, str]]] = {e: set() for e in events["event_id"].to_pylist()}
    for link in natoseoul.load("event_topics").to_pylist():
        topics[link["event_id"]].add((link["topic_id"], labels[link["topic_id"]]))
    assert {r["event_id"]: {(t["topic_id"], t["label"]) for t in r["topics"]} for r in result.to_pylist()} == topics


def test_event_details_in_polars_explodes_to_one_row_per_role() -> None:
    frame = natoseoul.event_details(engine="polars")
    assert frame.height == natoseoul.load("events").num_rows
    exploded = frame.select("event_id", "participants").explode("participants").drop_nulls("participants")
    assert exploded.height == natoseoul.load("event_participants").num_rows


# --- timeline -------------------------------------------------------------------------------------


def _d(*values: dt.date | None) -> pa.ChunkedArray:
    return pa.chunked_array([pa.array(values, pa.date32())])


@pytest.mark.parametrize(
    ("start", "end", "precision", "shown"),
    [
        (dt.date(2023, 1, 30), dt.date(2023, 1, 30), "day", "2023-01-30"),
        (dt.date(2023, 1, 30), None, "day", "2023-01-30"),
        (dt.date(2023, 1, 29), dt.date(2023, 1, 30), "day", "2023-01-29/2023-01-30"),
        (dt.date(2022, 6, 1), dt.date(2022, 6, 30), "month", "2022-06"),
        (dt.date(2022, 11, 1), dt.date(2022, 12, 31), "month", "2022-11/2022-12"),
        (dt.date(2017, 1, 1), dt.date(2017, 12, 31), "year", "2017"),
        (dt.date(2023, 1, 29), dt.date(2023, 1, 31), "range", "[2023-01-29..2023-01-31]"),
        (dt.date(1950, 1, 1), None, "range", "[1950-01-01..]"),
        (None, dt.date(2017, 11, 2), "range", "[..2017-11-02]"),
        (None, None, "range", None),
        (None, None, "unknown", None),
    ],
)
def test_date_label_shows_the_precision_honestly(start: Any, end: Any, precision: str, shown: str | None) -> None:
    assert joins.date_label(_d(start), _d(end), pa.chunked_array([[precision]])).to_pylist() == [shown]


def _event(
    event_id: str, start: dt.date | None, end: dt.date | None, precision: str, parent: str | None = None
) -> dict[str, Any]:
    return {"event_id": event_id, "parent_event_id": parent, "title": event_id, "event_type": "meeting",
            "status": "occurred", "date_start": start, "date_end": end, "date_precision": precision,
            "date_basis": "seed" if start else "none", "description": "made up"}  # fmt: skip


MADE_UP_EVENTS = [  # deliberately out of order
    _event("undated-statement", None, None, "unknown"),
    _event("visit-part-2", dt.date(2023, 1, 30), dt.date(2023, 1, 30), "day", "visit"),
    _event("visit-part-undated", None, None, "unknown", "visit"),
    _event("visit", dt.date(2023, 1, 29), dt.date(2023, 1, 30), "day"),
    _event("visit-part-1", dt.date(2023, 1, 29), dt.date(2023, 1, 29), "day", "visit"),
    _event("summit-2022", dt.date(2022, 6, 1), dt.date(2022, 6, 30), "month"),
    _event("talk-in-part-1", dt.date(2023, 1, 29), dt.date(2023, 1, 29), "day", "visit-part-1"),
    _event("founding", dt.date(1949, 1, 1), dt.date(1949, 12, 31), "year"),
]


def test_timeline_is_chronological_with_parts_under_their_visit(monkeypatch: pytest.MonkeyPatch) -> None:
    made_up = pa.Table.from_pylist(MADE_UP_EVENTS, schema=TABLES["events"].arrow_schema())
    monkeypatch.setattr(joins, "load", lambda name: made_up if name == "events" else natoseoul.load(name))
    result = natoseoul.timeline()
    assert result.select(["event_id", "level", "when"]).to_pylist() == [
        {"event_id": "founding", "level": 0, "when": "1949"},
        {"event_id": "summit-2022", "level": 0, "when": "2022-06"},
        {"event_id": "visit", "level": 0, "when": "2023-01-29/2023-01-30"},
        {"event_id": "visit-part-1", "level": 1, "when": "2023-01-29"},
        {"event_id": "talk-in-part-1", "level": 2, "when": "2023-01-29"},
        {"event_id": "visit-part-2", "level": 1, "when": "2023-01-30"},
        {"event_id": "visit-part-undated", "level": 1, "when": None},
        {"event_id": "undated-statement", "level": 0, "when": None},
    ]
    assert result.select(made_up.column_names).sort_by("event_id").equals(made_up.sort_by("event_id"))


def test_timeline_of_the_release_holds_its_promises() -> None:
    events = natoseoul.load("events")
    result = natoseoul.timeline()
    rows = result.to_pylist()
    assert sorted(r["event_id"] for r in rows) == sorted(events["event_id"].to_pylist())
    place = {r["event_id"]: i for i, r in enumerate(rows)}
    for i, row in enumerate(rows):
        if row["parent_event_id"] is not None:  # a part comes after its event, one level deeper, in its block
            parent = place[row["parent_event_id"]]
            assert parent < i and row["level"] == rows[parent]["level"] + 1
            assert all(r["level"] > rows[parent]["level"] for r in rows[parent + 1 : i + 1])
        else:
            assert row["level"] == 0
        width = {"day": 10, "month": 7, "year": 4}.get(row["date_precision"])
        if width and row["date_start"] is not None:  # 2023-01-30, 2022-06 or 2017, then maybe "/" and an end
            start = re.escape(row["date_start"].isoformat()[:width])
            assert re.fullmatch(rf"{start}(/[0-9-]{{{width}}})?", row["when"]), row
        if row["date_precision"] == "unknown":
            assert row["when"] is None
    tops = [r for r in rows if r["level"] == 0]
    dated = [r["date_start"] for r in tops if r["date_start"] is not None]
    assert dated == sorted(dated)
    assert all(r["date_start"] is None for r in tops[len(dated) :])  # undated events last


def test_timeline_in_pandas_has_a_string_when_column() -> None:
    frame = natoseoul.timeline(engine="pandas")
    assert frame.columns[:2].tolist() == ["when", "level"]
    assert frame["when"].dtype == pd.StringDtype()
    assert frame["level"].dtype == pd.Int64Dtype()


# --- quote search ---------------------------------------------------------------------------------


def _quote_ids(**filters: str) -> list[str]:
    return natoseoul.find_quotes(**filters)["quote_id"].to_pylist()


def test_find_quotes_by_speaker_topic_event_and_text() -> None:
    quotes = natoseoul.load("quotes").to_pylist()
    if not quotes:
        pytest.skip("the quotes table is still empty")
    speaker = quotes[0]["speaker_id"]
    assert _quote_ids(speaker=speaker) == [q["quote_id"] for q in quotes if q["speaker_id"] == speaker]
    word = quotes[0]["text"].split()[0].upper()
    assert _quote_ids(text=word) == [q["quote_id"] for q in quotes if word.lower() in q["text"].lower()]
    links = natoseoul.load("quote_topics").to_pylist()
    if links:
        topic = next(t for t in natoseoul.load("topics").to_pylist() if t["parent_topic_id"] is None)["topic_id"]
        wanted = _below("topics", "topic_id", "parent_topic_id", topic)
        on_topic = {link["quote_id"] for link in links if link["topic_id"] in wanted}
        assert _quote_ids(topic=topic) == [q["quote_id"] for q in quotes if q["quote_id"] in on_topic]
    event = next((q["event_id"] for q in quotes if q["event_id"]), None)
    if event:
        parents = _by_key(natoseoul.load("events"), "event_id", "parent_event_id")
        top = event
        while parents[top] is not None:
            top = parents[top]
        wanted = _below("events", "event_id", "parent_event_id", top)
        assert _quote_ids(event=top) == [q["quote_id"] for q in quotes if q["event_id"] in wanted]
        assert _quote_ids(event=top, speaker=speaker) == [
            q["quote_id"] for q in quotes if q["event_id"] in wanted and q["speaker_id"] == speaker
        ]


def test_a_known_quote_is_found_with_its_speaker() -> None:
    if natoseoul.load("quotes").num_rows == 0:
        pytest.skip("the quotes table is still empty")
    hits = natoseoul.find_quotes(text="What happens in Asia matters to NATO")
    assert hits.num_rows >= 1
    assert set(hits["speaker_id"].to_pylist()) == {"stoltenberg-jens"}
    assert set(hits["speaker_name"].to_pylist()) == {"Jens Stoltenberg"}


@pytest.mark.parametrize(
    ("argument", "kind", "table", "key"),
    [
        ("speaker", "participant", "participants", "participant_id"),
        ("topic", "topic", "topics", "topic_id"),
        ("event", "event", "events", "event_id"),
    ],
)
def test_find_quotes_with_a_mistyped_id_suggests_the_right_one(argument: str, kind: str, table: str, key: str) -> None:
    ids = natoseoul.load(table)[key].to_pylist()
    if not ids:
        pytest.skip(f"the {table} table is still empty")
    with pytest.raises(natoseoul.UnknownNameError, match=f"unknown {kind} .* Did you mean '{re.escape(ids[-1])}'"):
        natoseoul.find_quotes(**{argument: ids[-1].upper()})


def test_find_quotes_engines_give_the_same_rows() -> None:
    arrow = natoseoul.find_quotes(text="NATO")
    assert isinstance(arrow, pa.Table) and arrow.num_rows > 0
    polars = natoseoul.find_quotes(text="NATO", engine="polars")
    pandas = natoseoul.find_quotes(text="NATO", engine="pandas")
    assert polars.columns == list(pandas.columns) == arrow.column_names
    for column in ("quote_id", "speaker_id", "text"):
        values = arrow.column(column).to_pylist()
        assert polars[column].to_list() == pandas[column].tolist() == values, column
