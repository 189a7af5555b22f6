"""The joins users reach for, done in Arrow: quotes in context, events with their participants and
topics, a chronological timeline, and quote search.

Each returns a ``pyarrow.Table`` by default and honours ``engine="pandas" | "polars"`` like
:func:`natoseoul.load`. Lookups are left joins on a table's key done with ``pc.index_in`` and
``take``, so every row of the left table is kept once, in its order; one-to-many links (an event's
participants, a quote's topics) become list columns rather than repeated rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, overload

import pyarrow as pa
import pyarrow.compute as pc

from ._frames import Frame, convert
from ._loading import load
from .errors import check_name

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

Column = tuple[str, str, str]  # (new name, column of the looked-up table, description)


# --- building blocks ------------------------------------------------------------------------------


def _field(name: str, type_: pa.DataType, description: str) -> pa.Field:
    return pa.field(name, type_, metadata={"description": description})


def _lookup(left: pa.Table, on: str, right: pa.Table, key: str, columns: Iterable[Column]) -> pa.Table:
    """Left join on ``right``'s unique ``key``: add ``columns`` of the matching ``right`` row right
    after column ``on`` (null where ``left[on]`` is null or has no match)."""
    index = pc.index_in(left[on], value_set=right[key].combine_chunks())
    position = left.schema.get_field_index(on) + 1
    for offset, (new, old, description) in enumerate(columns):
        values = right[old].take(index)
        left = left.add_column(position + offset, _field(new, values.type, description), values)
    return left


def _nest(keys: pa.ChunkedArray, link: pa.Table, key: str, values: pa.Array) -> pa.ListArray:
    """For each of ``keys``, the list of ``values`` (aligned with ``link``'s rows) whose ``link[key]``
    equals it, in ``link``'s order; an empty list where there is none."""
    rows = pa.table({"key": link[key], "row": pa.array(range(link.num_rows), pa.int64())})
    grouped = rows.group_by("key", use_threads=False).aggregate([("row", "list")])  # keeps the rows' order
    lists = grouped["row_list"].combine_chunks()
    offsets = pc.subtract(lists.offsets, lists.offsets[0])
    per_key = pa.ListArray.from_arrays(offsets, values.take(lists.flatten()))
    found = per_key.take(pc.index_in(keys, value_set=grouped["key"].combine_chunks()))
    return pc.fill_null(found, pa.scalar([], found.type))


def _struct(table: pa.Table, columns: list[str]) -> pa.StructArray:
    """The rows of ``table``, restricted to ``columns``, as one struct array."""
    return pa.StructArray.from_arrays([table[c].combine_chunks() for c in columns], names=columns)


HIERARCHIES = {"events": ("event", "event_id", "parent_event_id"), "topics": ("topic", "topic_id", "parent_topic_id")}


def _with_parts(name: str, root: str) -> pa.Array:
    """``root`` and every id below it in table ``name`` (a visit's parts, a topic's narrower topics),
    following the parent column; an unknown ``root`` is an :class:`~natoseoul.UnknownNameError`."""
    kind, key, parent = HIERARCHIES[name]
    table = load(name)
    check_name(kind, root, table[key].to_pylist())
    found, frontier = {root}, {root}
    while frontier:
        children = table.filter(pc.is_in(table[parent], value_set=pa.array(sorted(frontier), pa.string())))
        frontier = set(children[key].to_pylist()) - found
        found |= frontier
    return pa.array(sorted(found), pa.string())


def date_label(start: pa.ChunkedArray, end: pa.ChunkedArray, precision: pa.ChunkedArray) -> pa.ChunkedArray:
    """A date shown as precisely as it is known, in ISO 8601 / EDTF notation.

    ``2023-01-30`` (day), ``2022-06`` (month), ``2017`` (year); two values joined by ``/`` when the
    event spans several days, months or years (an interval); ``[2023-01-29..2023-01-31]`` when it is
    only known to fall somewhere in a ``range`` (the set notation of ISO 8601-2 / EDTF, an open end
    left empty, as in ``[..2017-11-02]``); null when the date is unknown.

    >>> import datetime as dt, pyarrow as pa
    >>> d = lambda *v: pa.chunked_array([pa.array(v, pa.date32())])
    >>> date_label(d(dt.date(2022, 6, 1), dt.date(2023, 1, 29), None),
    ...            d(dt.date(2022, 6, 30), dt.date(2023, 1, 30), None),
    ...            pa.chunked_array([["month", "day", "unknown"]])).to_pylist()
    ['2022-06', '2023-01-29/2023-01-30', None]
    """
    start_text, end_text = pc.cast(start, pa.string()), pc.cast(end, pa.string())

    def span(width: int) -> pa.ChunkedArray:
        first, last = pc.utf8_slice_codeunits(start_text, 0, width), pc.utf8_slice_codeunits(end_text, 0, width)
        same = pc.or_kleene(pc.is_null(last), pc.equal(first, last))
        return pc.if_else(same, first, pc.binary_join_element_wise(first, last, "/"))

    undated = pc.and_(pc.is_null(start), pc.is_null(end))
    ranged = pc.binary_join_element_wise("[", pc.fill_null(start_text, ""), "..", pc.fill_null(end_text, ""), "]", "")
    ranged = pc.if_else(undated, pa.scalar(None, pa.string()), ranged)
    kinds = ("day", "month", "year", "range")
    conditions = pc.make_struct(*(pc.equal(precision, k) for k in kinds), field_names=list(kinds))
    return pc.case_when(conditions, span(10), span(7), span(4), ranged)


def _preorder(ids: list[str], parents: list[str | None], order: list[int]) -> tuple[list[int], list[int]]:
    """Rows in ``order``, but each followed by its children (depth first), with each row's depth."""
    known = set(ids)
    children: dict[str | None, list[int]] = {}
    for row in order:
        children.setdefault(parents[row] if parents[row] in known else None, []).append(row)
    rows: list[int] = []
    levels: list[int] = []
    stack = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, level = stack.pop()
        rows.append(row)
        levels.append(level)
        stack.extend((child, level + 1) for child in reversed(children.get(ids[row], [])))
    reached = set(rows)
    unreached = [row for row in order if row not in reached]  # only a cycle of parents leaves rows out
    return rows + unreached, levels + [0] * len(unreached)


# --- the joins --------------------------------------------------------------------------------------


# Columns a quote takes from the rows it points at: (its column, the table, that table's key, columns).
QUOTE_LOOKUPS: list[tuple[str, str, str, list[Column]]] = [
    ("speaker_id", "participants", "participant_id",
     [("speaker_name", "name", "Canonical English name of the speaker (from participants).")]),
    ("event_id", "events", "event_id",
     [("event_title", "title", "Title of the event the quote was said at (from events)."),
      ("event_date_start", "date_start", "First day of that event (from events).")]),
    ("document_id", "documents", "document_id",
     [("document_title", "title", "Title of the document the quote is in (from documents)."),
      ("published", "published", "Publication date of that document (from documents).")]),
    ("reported_by_id", "participants", "participant_id",
     [("reported_by_name", "name", "Name of who relays the quote, if anyone (from participants).")]),
]  # fmt: skip


def _quotes_in_context() -> pa.Table:
    quotes = load("quotes")
    tables = {table: load(table) for table in dict.fromkeys(t for _, t, _, _ in QUOTE_LOOKUPS)}  # each once
    for on, table, key, columns in QUOTE_LOOKUPS:
        quotes = _lookup(quotes, on, tables[table], key, columns)
    links = load("quote_topics")
    topics = _nest(quotes["quote_id"], links, "quote_id", links["topic_id"].combine_chunks())
    return quotes.append_column(_field("topic_ids", topics.type, "Topics of the quote (from quote_topics)."), topics)


@overload
def quotes_with_context(engine: Literal["pyarrow"] = "pyarrow") -> pa.Table: ...
@overload
def quotes_with_context(engine: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def quotes_with_context(engine: Literal["polars"]) -> pl.DataFrame: ...
def quotes_with_context(engine: str = "pyarrow") -> Frame:
    """Every quote with its speaker's name, the event it was said at, its document and its topics.

    One row per quote, in the quotes table's order: the quote's columns plus ``speaker_name``,
    ``event_title``, ``event_date_start``, ``document_title``, ``published``, ``reported_by_name``
    and ``topic_ids`` (a list).

    >>> import natoseoul
    >>> q = natoseoul.quotes_with_context()
    >>> q.num_rows == natoseoul.load("quotes").num_rows
    True
    >>> q.select(["speaker_name", "event_title", "text"]).column_names
    ['speaker_name', 'event_title', 'text']
    """
    return convert(_quotes_in_context(), engine)


@overload
def event_details(engine: Literal["pyarrow"] = "pyarrow") -> pa.Table: ...
@overload
def event_details(engine: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def event_details(engine: Literal["polars"]) -> pl.DataFrame: ...
def event_details(engine: str = "pyarrow") -> Frame:
    """Every event with its participants and topics as list columns, one row per event.

    ``participants`` lists ``{participant_id, name, kind, role}`` (a participant with two roles
    appears twice) and ``topics`` lists ``{topic_id, label}``; both are empty lists where none are
    recorded. Flatten them with ``pyarrow.compute.list_flatten``, pandas' ``explode`` or polars'
    ``explode``.

    >>> import natoseoul
    >>> events = natoseoul.event_details()
    >>> events.num_rows == natoseoul.load("events").num_rows
    True
    >>> events.schema.field("participants").type.value_type.names
    ['participant_id', 'name', 'kind', 'role']
    """
    events = load("events")
    roles = _lookup(
        load("event_participants"),
        "participant_id",
        load("participants"),
        "participant_id",
        [("name", "name", ""), ("kind", "kind", "")],
    )
    people = _nest(events["event_id"], roles, "event_id", _struct(roles, ["participant_id", "name", "kind", "role"]))
    links = _lookup(load("event_topics"), "topic_id", load("topics"), "topic_id", [("label", "label", "")])
    topics = _nest(events["event_id"], links, "event_id", _struct(links, ["topic_id", "label"]))
    events = events.append_column(
        _field("participants", people.type, "Who took part, and in what role (from event_participants)."), people
    )
    return convert(events.append_column(_field("topics", topics.type, "Topics (from event_topics)."), topics), engine)


@overload
def timeline(engine: Literal["pyarrow"] = "pyarrow") -> pa.Table: ...
@overload
def timeline(engine: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def timeline(engine: Literal["polars"]) -> pl.DataFrame: ...
def timeline(engine: str = "pyarrow") -> Frame:
    """The events in chronological order, each visit followed by its parts (through ``parent_event_id``).

    Top-level events are sorted by ``date_start`` then ``date_end`` and ``event_id``, undated ones
    last; the parts of an event follow it, sorted the same way. Two columns come first: ``when``,
    the date as precisely as it is known (``2023-01-30``, ``2022-06`` for a month,
    ``2023-01-29/2023-01-30`` for a span, null when unknown; see :func:`date_label`), and ``level``
    (0 for a top-level event, 1 for a part of it, …).

    >>> import natoseoul
    >>> t = natoseoul.timeline()
    >>> t.column_names[:3]
    ['when', 'level', 'event_id']
    """
    events = load("events")
    order = pc.sort_indices(
        events,
        sort_keys=[("date_start", "ascending"), ("date_end", "ascending"), ("event_id", "ascending")],
    ).to_pylist()  # nulls sort last by default
    rows, levels = _preorder(events["event_id"].to_pylist(), events["parent_event_id"].to_pylist(), order)
    out = events.take(pa.array(rows, pa.int64()))
    when = date_label(out["date_start"], out["date_end"], out["date_precision"])
    out = out.add_column(
        0, _field("level", pa.int64(), "0 for a top-level event, 1 for a part of one, …"), pa.array(levels, pa.int64())
    )
    description = "The date as precisely as it is known (ISO 8601; '/' joins a span or range, '..' an open end)."
    return convert(out.add_column(0, _field("when", pa.string(), description), when), engine)


@overload
def find_quotes(
    speaker: str | None = None,
    topic: str | None = None,
    event: str | None = None,
    text: str | None = None,
    *,
    engine: Literal["pyarrow"] = "pyarrow",
) -> pa.Table: ...
@overload
def find_quotes(
    speaker: str | None = None,
    topic: str | None = None,
    event: str | None = None,
    text: str | None = None,
    *,
    engine: Literal["pandas"],
) -> pd.DataFrame: ...
@overload
def find_quotes(
    speaker: str | None = None,
    topic: str | None = None,
    event: str | None = None,
    text: str | None = None,
    *,
    engine: Literal["polars"],
) -> pl.DataFrame: ...
def find_quotes(
    speaker: str | None = None,
    topic: str | None = None,
    event: str | None = None,
    text: str | None = None,
    *,
    engine: str = "pyarrow",
) -> Frame:
    """The quotes (with context, as :func:`quotes_with_context`) matching every filter given.

    - ``speaker``: a ``participant_id`` (``"stoltenberg-jens"``);
    - ``topic``: a ``topic_id``; quotes on its narrower topics match too;
    - ``event``: an ``event_id``; quotes said at its parts match too (a visit's include its meetings');
    - ``text``: words in the quote, case-insensitive.

    An unknown identifier raises :class:`~natoseoul.UnknownNameError` suggesting the closest one.

    >>> import natoseoul
    >>> hits = natoseoul.find_quotes(speaker="stoltenberg-jens", text="asia")
    >>> set(hits["speaker_id"].to_pylist()) <= {"stoltenberg-jens"}
    True
    """
    quotes = _quotes_in_context()
    keep = pc.is_valid(quotes["quote_id"])
    if speaker is not None:
        check_name("participant", speaker, load("participants")["participant_id"].to_pylist())
        keep = pc.and_(keep, pc.equal(quotes["speaker_id"], speaker))
    if topic is not None:
        links = load("quote_topics")
        on_topic = links.filter(pc.is_in(links["topic_id"], value_set=_with_parts("topics", topic)))
        keep = pc.and_(keep, pc.is_in(quotes["quote_id"], value_set=on_topic["quote_id"].combine_chunks()))
    if event is not None:
        keep = pc.and_(keep, pc.is_in(quotes["event_id"], value_set=_with_parts("events", event)))
    if text is not None:
        keep = pc.and_(keep, pc.match_substring(quotes["text"], text, ignore_case=True))
    return convert(quotes.filter(pc.fill_null(keep, False)), engine)
