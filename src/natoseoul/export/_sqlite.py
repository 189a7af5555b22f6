"""The tables as one SQLite database: typed columns, primary and foreign keys, full-text search on quotes.

The database is built in memory and serialised, so it can be written atomically like every other
output. The quotes' full-text index is an external-content FTS5 table named ``quotes_fts``, declared
the way sqlite-utils does it, so datasette offers search on ``quotes`` as is.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping

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


def sqlite_bytes(tables: Mapping[str, pa.Table]) -> bytes:
    """The bytes of a SQLite database holding ``tables`` (name -> typed Arrow table)."""
    conn = sqlite3.connect(":memory:")
    try:
        present = set(tables)
        for name, data in tables.items():
            table = TABLES[name]
            conn.execute(create_table_sql(table, present))
            columns = ", ".join(map(_quote, table.field_names))
            marks = ", ".join("?" * len(table.fields))
            rows = zip(*(data.column(n).to_pylist() for n in table.field_names), strict=True)
            conn.executemany(f"INSERT INTO {_quote(name)} ({columns}) VALUES ({marks})",
                             ([_cell(v) for v in row] for row in rows))  # fmt: skip
            if name in FTS:
                fts, indexed = FTS[name]
                conn.execute(f"CREATE VIRTUAL TABLE {_quote(fts)} USING fts5({', '.join(map(_quote, indexed))}, "
                             f"content=[{name}])")  # fmt: skip
                conn.execute(f"INSERT INTO {_quote(fts)} ({_quote(fts)}) VALUES ('rebuild')")
        conn.commit()
        broken = conn.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise DataError(f"sqlite export: {len(broken)} foreign key violation(s), first in table {broken[0][0]}")
        conn.execute("VACUUM")
        return conn.serialize()
    finally:
        conn.close()
