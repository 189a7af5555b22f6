"""Property-based round trips: any table of valid values survives CSV -> Parquet -> JSON -> SQLite and
back with every value identical, through the library's own writers (and readers where it has them).

Awkward values are drawn on purpose: Hangul, no-break spaces, curly and straight quotes, commas,
newlines and carriage returns inside a value, a leading ``=``/``+``/``-``/``@``, dates at the ends of
their range (0001-01-01, 9999-12-31) and integers of 18 digits.

The empty string: every format here carries it apart from null (CSV as ``""`` against an empty cell,
Parquet, JSON and SQLite natively), and ``test_text_cells_keep_empty_apart_from_null`` shows each writer
and reader keeps them apart. The *schema* then reads "" as a missing value (Table Schema
``missingValues: [""]``, as frictionless does), so the typed CSV reader turns it into null and the
build never publishes an empty string; ``test_empty_string_is_a_missing_value`` pins that rule.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from natoseoul.check._checks import cast_batch
from natoseoul.export._sqlite import sqlite_bytes
from natoseoul.io import _tables as tableio
from natoseoul.io._tables import json_records
from natoseoul.schema import TABLES, Field, Table

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

AWKWARD = [
    "한국 국방부",
    "NATO\u00a0Secretary\u00a0General",
    "“curly” ‘quotes’ and \"straight\" 'ones'",
    "a, b, and c",
    "line one\nline two",
    "windows\r\nline",
    "=1+1",
    "+82 2",
    "-minus",
    "@mention",
    " leading and trailing ",
    '"',
    '""',
    ",",
    "\n",
    "NULL",
    "null",
    "\\N",
]
TEXT = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30),
    st.lists(st.sampled_from(AWKWARD), min_size=1, max_size=3).map("".join),
)
EDGE_DATES = st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2000, 2, 29), dt.date(1970, 1, 1)])
DATES = st.one_of(EDGE_DATES, st.dates())
LIMIT = 10**18 - 1  # the validator reads integers of up to 18 digits
INTEGERS = st.one_of(st.sampled_from([0, -1, LIMIT, -LIMIT]), st.integers(-LIMIT, LIMIT))


def value_strategy(spec: Field) -> st.SearchStrategy[Any]:
    base: st.SearchStrategy[Any] = {"string": TEXT, "integer": INTEGERS, "date": DATES, "boolean": st.booleans()}[
        spec.type
    ]
    return base if spec.required else st.one_of(st.none(), base)


@st.composite
def tables(draw: st.DrawFn, table: Table) -> pa.Table:
    """A typed table of ``table``'s schema: unique keys, self-references to keys that exist."""
    (key,) = table.primary_key
    keys = draw(st.lists(TEXT, max_size=6, unique=True))
    self_refs = {c for fk in table.foreign_keys if fk.table == table.name for c in fk.fields}
    columns: dict[str, list[Any]] = {}
    for spec in table.fields:
        if spec.name == key:
            columns[spec.name] = keys
        elif spec.name in self_refs:
            columns[spec.name] = [draw(st.one_of(st.none(), st.sampled_from(keys))) for _ in keys]
        else:
            columns[spec.name] = [draw(value_strategy(spec)) for _ in keys]
    return pa.table(columns, schema=table.arrow_schema())


# Tables with a one-column key, covering every field type: string, integer, date, boolean.
TYPED = [TABLES[n] for n in ("documents", "events", "quotes", "source_notes")]


def from_csv(data: bytes, table: Table, where: Path) -> pa.Table:
    """The library's CSV reader (text cells, streamed) and its typed cast."""
    where.write_bytes(data)
    header, batches = tableio.csv_batches(where, table)
    assert header == table.field_names
    text = pa.Table.from_batches(list(batches), schema=pa.schema([(n, pa.string()) for n in header]))
    return cast_batch(table, text)


def from_parquet(data: bytes, where: Path) -> pa.Table:
    where.write_bytes(data)
    with pq.ParquetFile(where) as handle:
        return handle.read()


def typed_rows(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows whose dates are ISO text and booleans 0/1 or bool (JSON, SQLite) as a typed table."""
    kinds = {f.name: f.type for f in table.fields}

    def typed(name: str, value: Any) -> Any:
        if value is None:
            return None
        if kinds[name] == "date":
            return dt.date.fromisoformat(value)
        if kinds[name] == "boolean":
            assert value in (0, 1, True, False)
            return bool(value)
        return value

    return pa.Table.from_pylist([{k: typed(k, v) for k, v in row.items()} for row in rows], schema=table.arrow_schema())


def from_json(lines: list[str], table: Table) -> pa.Table:
    return typed_rows(table, [json.loads(line) for line in lines])


def from_sqlite(data: bytes, table: Table) -> pa.Table:
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        conn.row_factory = sqlite3.Row
        rows = conn.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid').fetchall()
        return typed_rows(table, [dict(row) for row in rows])
    finally:
        conn.close()


@pytest.mark.parametrize("table", TYPED, ids=lambda t: t.name)
@SETTINGS
@given(data=st.data())
def test_values_survive_csv_parquet_json_sqlite_and_back(table: Table, data: st.DataObject, tmp_path: Path) -> None:
    original = data.draw(tables(table))
    expected = original.to_pylist()

    via_csv = from_csv(tableio.csv_bytes(original), table, tmp_path / "t.csv")
    assert via_csv.to_pylist() == expected
    via_parquet = from_parquet(tableio.parquet_bytes(via_csv), tmp_path / "t.parquet")
    assert via_parquet.schema.equals(table.arrow_schema(), check_metadata=False)
    assert via_parquet.to_pylist() == expected
    via_json = from_json(json_records(via_parquet), table)
    assert via_json.to_pylist() == expected
    via_sqlite = from_sqlite(sqlite_bytes({table.name: via_json}), table)
    assert via_sqlite.to_pylist() == expected


PARTICIPANTS = TABLES["participants"]  # every column text, so cells can be compared before any cast


@st.composite
def text_tables(draw: st.DrawFn) -> pa.Table:
    keys = draw(st.lists(TEXT, max_size=6, unique=True))
    cells = st.one_of(st.none(), st.just(""), TEXT)
    columns = {
        f.name: keys if f.name == "participant_id" else [draw(TEXT if f.required else cells) for _ in keys]
        for f in PARTICIPANTS.fields
    }
    return pa.table(columns, schema=pa.schema([(f.name, pa.string()) for f in PARTICIPANTS.fields]))


@SETTINGS
@given(original=text_tables())
def test_text_cells_keep_empty_apart_from_null(original: pa.Table, tmp_path: Path) -> None:
    expected = original.to_pylist()
    csv = tmp_path / "t.csv"
    csv.write_bytes(tableio.csv_bytes(original))
    header, batches = tableio.csv_batches(csv, PARTICIPANTS)
    assert header == PARTICIPANTS.field_names
    assert pa.Table.from_batches(list(batches), schema=original.schema).to_pylist() == expected
    assert from_parquet(tableio.parquet_bytes(original), tmp_path / "t.parquet").to_pylist() == expected
    assert [json.loads(line) for line in json_records(original)] == expected
    typed = pa.Table.from_arrays(list(original.columns), schema=PARTICIPANTS.arrow_schema())
    assert from_sqlite(sqlite_bytes({"participants": typed}), PARTICIPANTS).to_pylist() == expected


def test_empty_string_is_a_missing_value(tmp_path: Path) -> None:
    """The CSV file keeps "" apart from null, but the schema reads both as missing (missingValues [""])."""
    cells = {"country_code": "", "wikidata_id": None}
    text = pa.table({f.name: pa.array([cells.get(f.name, "x")], pa.string()) for f in PARTICIPANTS.fields})
    assert PARTICIPANTS.field_names[-2:] == ["country_code", "wikidata_id"]
    data = tableio.csv_bytes(text)
    assert data.splitlines()[1].endswith(b',"",')  # quoted empty string, then an empty (null) cell
    assert PARTICIPANTS.table_schema()["missingValues"] == [""]
    typed = from_csv(data, PARTICIPANTS, tmp_path / "t.csv")
    assert typed.column("country_code").to_pylist() == [None]
    assert typed.column("wikidata_id").to_pylist() == [None]
