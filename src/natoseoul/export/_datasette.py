"""Datasette's metadata file for the SQLite export, generated from the schema.

``datasette FOLDER`` (configuration directory mode) serves ``natoseoul.sqlite`` with the
``metadata.json`` beside it: the title, description, licence and sources on every page; each table's
and column's description; a label column for each table that has a name-like column (so a foreign
key shows ``Stoltenberg`` rather than ``stoltenberg-jens``); facets on the categorical columns;
search on the quotes; and canned queries.

Written for and tested with Datasette 0.65 (``metadata.json`` holds every key below). Datasette 1.0
moves ``facets``, ``label_column``, ``fts_table``, ``sort`` and ``queries`` from the metadata file to
a configuration file (``datasette.yaml``); its alphas still read them from metadata with a warning.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from ..schema import TABLES, Table
from ._sqlite import FIELDS_TABLE, FTS, METADATA_TABLE

DATABASE = "natoseoul"  # Datasette names a database after its file, natoseoul.sqlite
LABEL_COLUMNS = ("name", "title", "label")  # in this order of preference
FACET_ALSO = ("document_id", "speaker_id", "country_code", "language")  # few values, often filtered on
SORT = {"events": "date_start", "documents": "published"}

# Canned queries: the tables each one reads, and what it shows. A query is offered only when every
# table it reads was exported.
QUERIES: dict[str, dict[str, Any]] = {
    "quotes_by_speaker": {
        "tables": ("quotes", "participants", "events"),
        "title": "Quotes by speaker",
        "description": "Every quote of one participant (a participant_id such as stoltenberg-jens), with the event "
        "and the document it comes from.",
        "sql": "SELECT q.quote_id, p.name AS speaker, q.text, q.quote_type, e.title AS event, q.document_id,\n"
        "       q.char_start, q.char_end\n"
        "FROM quotes AS q\n"
        "JOIN participants AS p ON p.participant_id = q.speaker_id\n"
        "LEFT JOIN events AS e ON e.event_id = q.event_id\n"
        "WHERE q.speaker_id = :speaker_id\n"
        "ORDER BY q.document_id, q.char_start",
    },
    "evidence_for_event": {
        "tables": ("event_evidence", "events", "documents"),
        "title": "Evidence for an event",
        "description": "The verbatim words of the documents that support one event (an event_id such as "
        "2023-01-30-yoon-talks).",
        "sql": "SELECT ev.event_id, e.title AS event, d.title AS document, d.publisher, ev.char_start, ev.char_end,\n"
        "       ev.text\n"
        "FROM event_evidence AS ev\n"
        "JOIN events AS e ON e.event_id = ev.event_id\n"
        "JOIN documents AS d ON d.document_id = ev.document_id\n"
        "WHERE ev.event_id = :event_id\n"
        "ORDER BY ev.document_id, ev.char_start",
    },
    "events_of_participant": {
        "tables": ("event_participants", "events"),
        "title": "Events of a participant",
        "description": "Every event one participant (a participant_id such as yoon-suk-yeol) took part in, and "
        "in what role, in date order.",
        "sql": "SELECT e.event_id, e.title, e.event_type, e.status, e.date_start, e.date_end, e.date_precision,\n"
        "       ep.role\n"
        "FROM event_participants AS ep\n"
        "JOIN events AS e ON e.event_id = ep.event_id\n"
        "WHERE ep.participant_id = :participant_id\n"
        "ORDER BY e.date_start IS NULL, e.date_start, e.event_id",
    },
}


def label_column(table: Table) -> str | None:
    """The column Datasette should show for a row of ``table`` in place of its key."""
    return next((name for name in LABEL_COLUMNS if name in table.field_index), None)


def facets(table: Table) -> list[str]:
    """The categorical columns of ``table``: those with a controlled vocabulary, and a few more."""
    return [
        f.name
        for f in table.fields
        if (f.enum is not None or f.name in FACET_ALSO) and f.name not in table.primary_key[:1]
    ]


def _licence(meta: Mapping[str, Any]) -> dict[str, str]:
    licences = [lic for lic in meta.get("licenses") or [] if isinstance(lic, dict)]
    if not licences:
        return {}
    first = licences[0]
    out = {"license": str(first.get("name", ""))}
    if first.get("path"):
        out["license_url"] = str(first["path"])
    return out


def _source(meta: Mapping[str, Any]) -> str:
    """'Documents of NATO, Korea.net and MENAFN': the publishers that start the sources' titles."""
    sources = [s for s in meta.get("sources") or [] if isinstance(s, dict)]
    publishers = list(
        dict.fromkeys(str(s.get("title", "")).partition(": ")[0] for s in sources if ": " in str(s.get("title", "")))
    )
    if not publishers:
        return f"{len(sources)} source document(s), listed in the documents table"
    named = ", ".join(publishers[:-1]) + " and " + publishers[-1] if len(publishers) > 1 else publishers[0]
    return f"Documents of {named} (the documents table lists them)"


def _description_html(meta: Mapping[str, Any], citation: str) -> str:
    """The description, how to cite, and the sources with their links (escaped HTML)."""
    parts = [f"<p>{html.escape(str(meta.get('description', '')))}</p>"]
    licences = [lic for lic in meta.get("licenses") or [] if isinstance(lic, dict)]
    for lic in licences[:1]:
        if lic.get("title"):
            parts.append(f"<p><strong>Licence:</strong> {html.escape(str(lic['title']))}</p>")
    parts.append(f"<p><strong>How to cite:</strong> {html.escape(citation)}</p>")
    sources = [s for s in meta.get("sources") or [] if isinstance(s, dict)]
    if sources:
        items = []
        for source in sources:
            title = html.escape(str(source.get("title", "")))
            url = source.get("path")
            items.append(f'<li><a href="{html.escape(str(url))}">{title}</a></li>' if url else f"<li>{title}</li>")
        parts.append("<p><strong>Sources:</strong></p><ul>" + "".join(items) + "</ul>")
    return "".join(parts)


def _table_metadata(table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {
        "title": table.title,
        "description": f"One row per {table.row_is}. {table.description}",
        "columns": {f.name: f.description for f in table.fields},
    }
    label = label_column(table)
    if label:
        out["label_column"] = label
    chosen = facets(table)
    if chosen:
        out["facets"] = chosen
    if table.name in SORT:
        out["sort"] = SORT[table.name]
    if table.name in FTS:
        out["fts_table"], out["fts_pk"] = FTS[table.name][0], "rowid"
        out["searchmode"] = "raw"  # FTS5 query syntax: words, "phrases", OR, prefix*
    return out


def datasette_metadata(meta: Mapping[str, Any], names: Sequence[str], citation: str) -> dict[str, Any]:
    """The contents of ``metadata.json`` for a database holding the tables ``names``."""
    title = str(meta.get("title", DATABASE))
    homepage = meta.get("homepage")
    tables: dict[str, Any] = {name: _table_metadata(TABLES[name]) for name in TABLES if name in names}
    tables[METADATA_TABLE] = {
        "title": "About this database",
        "description": "What the package is, its version, licence, sources and how to cite it (key, value).",
    }
    tables[FIELDS_TABLE] = {
        "title": "Fields",
        "description": "Every column of every table with its type, constraints and description.",
        "facets": ["table", "type"],
    }
    for name in names:
        if name in FTS:
            tables[FTS[name][0]] = {"hidden": True}
    queries = {
        key: {k: v for k, v in query.items() if k != "tables"}
        for key, query in QUERIES.items()
        if set(query["tables"]) <= set(names)
    }
    out: dict[str, Any] = {
        "title": title,
        "description_html": _description_html(meta, citation),
        **_licence(meta),
        "source": _source(meta),
    }
    if homepage:
        out.update(source_url=str(homepage), about=f"natoseoul {meta.get('version', '')}".strip(), about_url=homepage)
    out["databases"] = {
        DATABASE: {
            "title": title,
            "description": f"How to cite: {citation}",
            **_licence(meta),
            "tables": tables,
            "queries": queries,
        }
    }
    return out
