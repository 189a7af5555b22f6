"""Loading the release tables as Arrow (and, on request, pandas, polars or pydantic records)."""

from __future__ import annotations

import difflib

import pyarrow as pa
import pyarrow.parquet as pq

from .resources import data_dir
from .schema import TABLES


def table_names() -> list[str]:
    """The names of the package's tables, in the package's order.

    >>> "quotes" in table_names()
    True
    """
    return list(TABLES)


def check_name(name: str) -> str:
    """Return ``name`` if it is a table; otherwise raise a KeyError listing the valid names."""
    if name in TABLES:
        return name
    close = difflib.get_close_matches(name, TABLES, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise KeyError(f"unknown table {name!r}.{hint} Valid names: {', '.join(TABLES)}")


def load(name: str) -> pa.Table:
    """One table as a ``pyarrow.Table`` typed as its Table Schema."""
    return pq.read_table(data_dir() / "parquet" / f"{check_name(name)}.parquet")
