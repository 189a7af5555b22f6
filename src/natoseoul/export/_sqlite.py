"""The tables as one SQLite database: typed columns, primary and foreign keys, full-text search on quotes.

The database is written straight into the export's staging folder, batch by batch. It carries its
own metadata (``_metadata``: title, version, licence, citation, sources) and field descriptions
(``_fields``); Datasette's metadata file is written beside it (``_datasette.py``). The quotes'
full-text index is an external-content FTS5 table named ``quotes_fts``, declared the way
sqlite-utils does it, so datasette offers search on ``quotes`` as is.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from ..errors import DataError
from ..schema import TABLES, Table

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "date": "TEXT", "boolean": "INTEGER"}
FTS = {"quotes": ("quotes_fts", ("text",))}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_table_sql(table: Table, present: set[str]) -> str:
    """CREATE TABLE for one table; foreign keys only to tables that are in the same database."""
    lines = []
    for spec in table.fields:
        line = f"  {_quote(spec.name)} {SQL_TYPES[spec.type]}"
        if spec.required:
            line += " NOT NULL"
        if spec.type == "boolean":
            line += f" CHECK ({_quote(spec.name)} IN (0, 1))"
        elif spec.type == "date":
            line += f" CHECK ({_quote(spec.name)} IS date({_quote(spec.name)}))"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(map(_quote, table.primary_key))})")
    for fk in table.foreign_keys:
        if fk.table in present:
            lines.append(f"  FOREIGN KEY ({', '.join(map(_quote, fk.fields))}) "
                         f"REFERENCES {_quote(fk.table)} ({', '.join(map(_quote, fk.reference))})")  # fmt: skip
    return f"CREATE TABLE {_quote(table.name)} (\n" + ",\n".join(lines) + "\n)"


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


METADATA_TABLE = "_metadata"
"""A key/value table of what the package is and how to use it: title, version, licence, citation,
sources, so that the database file alone says how it may be used and cited."""
FIELDS_TABLE = "_fields"
"""Every column of every table with its type and description (the workbook's "fields" sheet)."""


def metadata_rows(meta: Mapping[str, Any], citation: str) -> list[tuple[str, str]]:
    """(key, value) rows of the ``_metadata`` table; lists are JSON text."""
    from .._version import __version__

    rows = [(key, str(meta[key])) for key in ("name", "title", "description", "homepage") if meta.get(key)]
    rows.insert(2, ("version", str(meta.get("version") or __version__)))
    licences = [lic for lic in meta.get("licenses") or [] if isinstance(lic, dict)]
    if licences:
        rows.append(("license", ", ".join(str(lic.get("name", "")) for lic in licences)))
        rows += [("license_url", str(lic["path"])) for lic in licences[:1] if lic.get("path")]
        rows += [("license_title", str(lic["title"])) for lic in licences[:1] if lic.get("title")]
    rows.append(("citation", citation))
    for key in ("sources", "contributors"):
        if meta.get(key):
            rows.append((key, json.dumps(meta[key], ensure_ascii=False)))
    return rows


class Batches(Protocol):
    """A table read batch by batch (``io._tablefiles.TableFile``)."""

    def batches(self) -> Iterator[pa.RecordBatch]: ...


def write_sqlite(path: Path, inputs: Mapping[str, Batches], meta: Mapping[str, Any], citation: str) -> None:
    """Write a SQLite database holding the tables of ``inputs`` to ``path`` (a new file), batch by
    batch (memory bounded by a batch), with ``_metadata`` and ``_fields``, then VACUUM it so the
    same rows give the same bytes."""
    from ._export import FIELD_COLUMNS, field_rows

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")  # a new file in a staging folder: nothing to roll back to
        conn.execute("PRAGMA synchronous = OFF")  # the staging folder is fsynced before it is committed
        conn.execute("BEGIN")
        present = set(inputs)
        for name, source in inputs.items():
            table = TABLES[name]
            conn.execute(create_table_sql(table, present))
            columns = ", ".join(map(_quote, table.field_names))
            marks = ", ".join("?" * len(table.fields))
            insert = f"INSERT INTO {_quote(name)} ({columns}) VALUES ({marks})"
            for batch in source.batches():
                rows = zip(*(batch.column(n).to_pylist() for n in table.field_names), strict=True)
                conn.executemany(insert, ([_cell(v) for v in row] for row in rows))
            if name in FTS:
                fts, indexed = FTS[name]
                conn.execute(f"CREATE VIRTUAL TABLE {_quote(fts)} USING fts5({', '.join(map(_quote, indexed))}, "
                             f"content=[{name}])")  # fmt: skip
                conn.execute(f"INSERT INTO {_quote(fts)} ({_quote(fts)}) VALUES ('rebuild')")
        conn.execute(f"CREATE TABLE {METADATA_TABLE} (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
        conn.executemany(f"INSERT INTO {METADATA_TABLE} VALUES (?, ?)", metadata_rows(meta, citation))
        spec = ", ".join(f"{_quote(c)} {'INTEGER' if c in BOOLEAN_FIELD_COLUMNS else 'TEXT'}" for c in FIELD_COLUMNS)
        conn.execute(f'CREATE TABLE {FIELDS_TABLE} ({spec}, PRIMARY KEY ("table", field))')
        conn.executemany(
            f"INSERT INTO {FIELDS_TABLE} VALUES ({', '.join('?' * len(FIELD_COLUMNS))})",
            ([_cell(v) for v in row] for row in field_rows(inputs)),
        )
        conn.execute("COMMIT")
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise DataError(f"sqlite export: {len(broken)} foreign key violation(s), first in table {broken[0][0]}")
        conn.execute("VACUUM")
    finally:
        conn.close()


BOOLEAN_FIELD_COLUMNS = ("required", "unique", "primary_key")


class _Whole:
    """A table already in memory, handed over as its batches."""

    def __init__(self, data: pa.Table) -> None:
        self.data = data

    def batches(self) -> Iterator[pa.RecordBatch]:
        return iter(self.data.to_batches())


def sqlite_bytes(tables: Mapping[str, pa.Table], meta: Mapping[str, Any] | None = None) -> bytes:
    """The bytes of the database ``write_sqlite`` writes for ``tables`` (name -> typed Arrow table)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "natoseoul.sqlite"
        write_sqlite(path, {name: _Whole(data) for name, data in tables.items()}, meta or {}, "")
        return path.read_bytes()
