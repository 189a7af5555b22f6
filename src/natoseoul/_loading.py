"""Loading one release table as Arrow, pandas, polars or validated pydantic records.

Tables are read from the Parquet files whole (``io._parquet``): unlike ``pq.read_table`` this
does not go through ``pyarrow.dataset``, whose import pulls in pandas, so loading a table costs
little more than reading the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import pyarrow as pa

from ._frames import Frame, convert
from ._release import parquet_path
from .errors import DataError, check_name
from .schema import TABLES

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

    from .models import Row

R = TypeVar("R", bound="Row")


def table_names() -> list[str]:
    """The names of the package's tables, in the package's order.

    >>> "quotes" in table_names()
    True
    """
    return list(TABLES)


def check_table(name: str) -> str:
    """Return ``name`` if it is a table; otherwise raise :class:`~natoseoul.UnknownNameError`, which
    suggests the closest name and lists the valid ones."""
    return check_name("table", name, TABLES)


def select_tables(names: Iterable[str] = ()) -> list[str]:
    """The tables asked for, in the package's order (all when none are named); an unknown name is an
    :class:`~natoseoul.UnknownNameError` suggesting the closest one."""
    chosen = {check_table(name) for name in names}
    return [n for n in TABLES if n in chosen] if chosen else list(TABLES)


@overload
def load(name: str, engine: Literal["pyarrow"] = "pyarrow") -> pa.Table: ...
@overload
def load(name: str, engine: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def load(name: str, engine: Literal["polars"]) -> pl.DataFrame: ...
@overload
def load(name: str, engine: str) -> Frame: ...
def load(name: str, engine: str = "pyarrow") -> Frame:
    """One table, typed as its Table Schema, as a ``pyarrow.Table`` (default), pandas or polars frame.

    pandas frames use nullable dtypes (``string``, ``Int64``, ``boolean``, ``date32[pyarrow]``);
    pandas and polars are optional extras, imported only when asked for.

    >>> import natoseoul
    >>> natoseoul.load("participants").schema.field("participant_id").type
    DataType(string)
    >>> natoseoul.load("topics", engine="pandas")["topic_id"].dtype
    <StringDtype(na_value=<NA>)>
    """
    table = TABLES[check_table(name)]
    path = parquet_path(name)
    from .io._parquet import ParquetSource  # here, not on import: the CSV-only commands do without it

    try:
        with ParquetSource(path) as handle:
            data = handle.read()
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path}: cannot read table {name!r}: {exc}") from None
    if not data.schema.equals(table.arrow_schema(), check_metadata=False):
        raise DataError(
            f"{path} does not match the schema of table {name!r}: stale data? (rebuild with `python tools/build.py`)"
        )
    return convert(data, engine)


def typed_table(name: str) -> pa.Table:
    """A release table with the schema's exact Arrow types and field descriptions."""
    data = load(name)
    return pa.Table.from_arrays(list(data.columns), schema=TABLES[name].arrow_schema())


@overload
def records(name: type[R]) -> list[R]: ...
@overload
def records(name: str) -> list[Row]: ...
def records(name: str | type[Row]) -> list[Any]:
    """Every row of a table as a validated, immutable pydantic model from :mod:`natoseoul.models`.

    Pass the table name, or the model class to get precisely typed records.

    >>> import natoseoul
    >>> from natoseoul.models import Participant
    >>> people = natoseoul.records(Participant)
    >>> all(isinstance(p, Participant) for p in people)
    True
    """
    from pydantic import ValidationError

    from .models import MODELS

    if isinstance(name, str):
        table = check_table(name)
    else:
        by_model = {model.__name__: n for n, model in MODELS.items()}
        table = by_model[check_name("model", name.__name__, by_model)]
    model = MODELS[table]
    out = []
    for i, row in enumerate(load(table).to_pylist()):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            raise DataError(f"{table} row {i + 1}: {exc}") from None
    return out
