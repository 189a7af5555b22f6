"""Selecting and printing rows of a release table (``natoseoul show``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import accumulate

import pyarrow as pa

from .._loading import select_tables, typed_table
from ..errors import DataError, check_name
from ..io import _arrow as kernels
from ..io._tables import csv_bytes, json_records
from . import SHOW_FORMATS

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
    (name,) = select_tables([name])
    data = typed_table(name)
    for column, value in where:
        check_name(f"{name} column", column, data.column_names)
        text = kernels.cast(data.column(column), pa.string())
        mask = (
            kernels.invert(kernels.is_valid(text))
            if value == ""
            else kernels.equal(text, pa.scalar(value, pa.string()))
        )
        data = kernels.filter_(data, kernels.fill_null(mask, pa.scalar(False, pa.bool_())))
    return data if limit is None else data.slice(0, limit)


def _char_width(ch: str) -> int:
    """Zero for marks and format characters (accents, zero-width joiners, Hangul's medial and final
    jamo, which join the syllable before), two for wide and fullwidth characters, else one."""
    if unicodedata.category(ch) in ("Mn", "Me", "Cf") or "\u1160" <= ch <= "\u11ff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (``len`` would misalign every row that holds a Korean
    alias or title). Every ASCII character takes one column."""
    return len(text) if text.isascii() else sum(map(_char_width, text))


def _cell(value: object) -> str:
    """The cell on one line, cut to ``CELL_WIDTH`` terminal columns (with an ellipsis) when longer."""
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    text = " ".join(text.split())
    if _width(text) <= CELL_WIDTH:
        return text
    if text.isascii():
        return text[: CELL_WIDTH - 1] + "…"
    cut = next(i for i, used in enumerate(accumulate(map(_char_width, text))) if used > CELL_WIDTH - 1)
    return text[:cut] + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_rows(data: pa.Table, fmt: str) -> str:
    """The rows as an aligned text table, CSV (as in the release) or a JSON array."""
    if fmt == "csv":
        return csv_bytes(data).decode("utf-8").rstrip("\n")
    if fmt == "json":
        return "[" + ",\n ".join(json_records(data)) + "]"
    if fmt != "table":
        raise DataError(f"unknown format {fmt!r}; expected one of {', '.join(SHOW_FORMATS)}")
    rows = [data.column_names] + [[_cell(v) for v in row.values()] for row in data.to_pylist()]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
