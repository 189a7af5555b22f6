"""Every span of the data: evidence, quotations, name forms and source notes, with what each supports.

The annotations export and the static site both walk the spans through :func:`spans`, so they
agree on what a span is, which row it belongs to and which row it supports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pyarrow as pa

from .errors import DataError, excerpt

KINDS = ("evidence", "quote", "alias", "note")
TABLE_OF = {
    "evidence": "event_evidence",
    "quote": "quotes",
    "alias": "participant_aliases",
    "note": "source_notes",
}
SPAN_TABLES = ("documents", "participants", "events", "event_evidence", "quotes", "participant_aliases", "source_notes")


@dataclass(frozen=True)
class Span:
    """One span: ``text == seed[start:end]`` of document ``document_id``.

    ``row`` is the span's row in its own table (``table``, 0-based); ``target_table`` and
    ``target_key`` name the row it supports (an event, the quote itself, a participant, the note),
    ``target_row`` that row's position (0-based). ``anchor`` is its HTML id on the document's page.
    """

    kind: str
    table: str
    row: int
    key: tuple[str | int, ...]
    document_id: str
    start: int
    end: int
    text: str
    target_table: str
    target_key: str
    target_row: int
    anchor: str
    language: str | None = None


def _positions(table: pa.Table, key: str) -> dict[str, int]:
    return {value: i for i, value in enumerate(table[key].to_pylist())}


def spans(tables: Mapping[str, pa.Table]) -> list[Span]:
    """Every span of ``tables`` (which must hold ``SPAN_TABLES``), in document order: by document
    (as the documents table orders them), start, longest first, then kind and key."""
    events = _positions(tables["events"], "event_id")
    people = _positions(tables["participants"], "participant_id")
    notes = _positions(tables["source_notes"], "note_id")
    quotes = _positions(tables["quotes"], "quote_id")
    found: list[Span] = []
    for i, r in enumerate(tables["event_evidence"].to_pylist()):
        found.append(
            Span("evidence", "event_evidence", i, (r["event_id"], r["document_id"], r["char_start"]), r["document_id"],
                 r["char_start"], r["char_end"], r["text"], "events", r["event_id"], events.get(r["event_id"], -1),
                 f"ev-{r['event_id']}-{r['char_start']}")
        )  # fmt: skip
    for i, r in enumerate(tables["quotes"].to_pylist()):
        found.append(
            Span("quote", "quotes", i, (r["quote_id"],), r["document_id"], r["char_start"], r["char_end"], r["text"],
                 "quotes", r["quote_id"], quotes[r["quote_id"]], f"q-{r['quote_id']}")
        )  # fmt: skip
    for i, r in enumerate(tables["participant_aliases"].to_pylist()):
        found.append(
            Span("alias", "participant_aliases", i, (r["participant_id"], r["alias"], r["document_id"]),
                 r["document_id"], r["char_start"], r["char_end"], r["alias"], "participants", r["participant_id"],
                 people.get(r["participant_id"], -1), f"al-{r['participant_id']}-{r['char_start']}-{r['char_end']}",
                 r["language"])
        )  # fmt: skip
    for i, r in enumerate(tables["source_notes"].to_pylist()):
        found.append(
            Span("note", "source_notes", i, (r["note_id"],), r["document_id"], r["char_start"], r["char_end"],
                 r["text"], "source_notes", r["note_id"], notes[r["note_id"]], f"n-{r['note_id']}")
        )  # fmt: skip
    order = {d: i for i, d in enumerate(tables["documents"]["document_id"].to_pylist())}
    found.sort(key=lambda s: (order.get(s.document_id, len(order)), s.start, -s.end, KINDS.index(s.kind), s.key))
    return found


def check_spans(found: list[Span], seeds: Mapping[str, str]) -> None:
    """A DataError naming the first span whose text is not its seed's words at its offsets."""
    anchors: set[tuple[str, str]] = set()
    for span in found:
        where = f"{span.table} row {span.row + 2} ({span.document_id}, {span.start}-{span.end})"
        if span.document_id not in seeds:
            raise DataError(f"{where}: no seed text for document {span.document_id!r}")
        words = seeds[span.document_id][span.start : span.end]
        if words != span.text:
            raise DataError(f"{where}: the seed reads {excerpt(words)!r}, not {excerpt(span.text)!r}")
        if (span.document_id, span.anchor) in anchors:
            raise DataError(f"{where}: two spans would share the id {span.anchor!r}")
        anchors.add((span.document_id, span.anchor))
