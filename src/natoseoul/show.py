"""Selecting and printing rows of a release table (``natoseoul show``)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

from . import names, tableio
from .errors import DataError
from .export import json_records, table_names, typed_table
from .formats import SHOW_FORMATS

CELL_WIDTH = 40


def parse_where(conditions: Sequence[str]) -> list[tuple[str, str]]:
    """``COLUMN=VALUE`` strings as pairs."""
    pairs = []
    for condition in conditions:
        column, sep, value = condition.partition("=")
        if not sep or not column:
            raise DataError(f"--where {condition!r}: expected COLUMN=VALUE")
        pairs.append((column.strip(), value))
    return pairs


def select_rows(name: str, where: Sequence[tuple[str, str]] = (), limit: int | None = None) -> pa.Table:
    """Rows of a table whose cells equal the given values, compared as their CSV text (so dates are
    YYYY-MM-DD, booleans true/false; an empty value matches a missing cell)."""
    (name,) = table_names([name])
    data = typed_table(name)
    for column, value in where:
        names.check_name(f"{name} column", column, data.column_names)
        text = pc.cast(data.column(column), pa.string())
        mask = pc.is_null(text) if value == "" else pc.equal(text, value)
        data = data.filter(pc.fill_null(mask, False))
    return data if limit is None else data.slice(0, limit)


def _cell(value: object) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def format_rows(data: pa.Table, fmt: str) -> str:
    """The rows as an aligned text table, CSV (as in the release) or a JSON array."""
    if fmt == "csv":
        return tableio.csv_bytes(data).decode("utf-8").rstrip("\n")
    if fmt == "json":
        return "[" + ",\n ".join(json_records(data)) + "]"
    if fmt != "table":
        raise DataError(f"unknown format {fmt!r}; expected one of {', '.join(SHOW_FORMATS)}")
    rows = [data.column_names] + [[_cell(v) for v in row.values()] for row in data.to_pylist()]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
