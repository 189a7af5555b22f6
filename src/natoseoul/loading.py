"""Loading one release table as Arrow, pandas, polars or validated pydantic records.

Tables are read from the Parquet files with ``pq.ParquetFile(...).read()``: unlike
``pq.read_table`` it does not go through ``pyarrow.dataset``, whose import pulls in pandas (about
a third of a second), so loading a table costs little more than reading the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import pyarrow as pa

from . import names
from .errors import DataError
from .frames import Frame, convert
from .resources import parquet_path
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


def check_name(name: str) -> str:
    """Return ``name`` if it is a table; otherwise raise :class:`~natoseoul.UnknownNameError`, which
    suggests the closest name and lists the valid ones."""
    return names.check_name("table", name, TABLES)


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
    table = TABLES[check_name(name)]
    path = parquet_path(name)
    import pyarrow.parquet as pq  # here, not on import: the CSV-only commands do without it

    try:
        with pq.ParquetFile(path) as handle:
            data = handle.read()
    except (OSError, pa.ArrowException) as exc:
        raise DataError(f"{path}: cannot read table {name!r}: {exc}") from None
    if not data.schema.equals(table.arrow_schema(), check_metadata=False):
        raise DataError(f"{path} does not match the schema of table {name!r}: stale data? (run `natoseoul build`)")
    return convert(data, engine)


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
        table = check_name(name)
    else:
        by_model = {model.__name__: n for n, model in MODELS.items()}
        table = by_model[names.check_name("model", name.__name__, by_model)]
    model = MODELS[table]
    out = []
    for i, row in enumerate(load(table).to_pylist()):
        try:
            out.append(model.model_validate(row))
        except ValidationError as exc:
            raise DataError(f"{table} row {i + 1}: {exc}") from None
    return out
