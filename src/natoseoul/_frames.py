"""Handing an Arrow table over in the frame library a user asked for: ``engine="pyarrow" | "pandas" | "polars"``.

pandas and polars are optional extras (``natoseoul[pandas]``, ``natoseoul[polars]``): they are imported
only when asked for, so ``import natoseoul`` stays cheap, and a missing one raises an ImportError that
names the extra to install (as scikit-learn's ``check_pandas_support`` does).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, cast, overload

import pyarrow as pa

from .errors import check_name

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

Engine: TypeAlias = Literal["pyarrow", "pandas", "polars"]
ENGINES: tuple[Engine, ...] = ("pyarrow", "pandas", "polars")
Frame: TypeAlias = "pa.Table | pd.DataFrame | pl.DataFrame"


def require(module: str) -> ModuleType:
    """Import an optional dependency, or raise an ImportError naming the extra that installs it.

    >>> require("pyarrow").__name__
    'pyarrow'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"engine={module!r} needs the optional dependency {module!r}, which cannot be imported ({exc}). "
            f"Install it with: pip install 'natoseoul[{module}]'"
        ) from exc


@overload
def convert(table: pa.Table, engine: Literal["pyarrow"]) -> pa.Table: ...
@overload
def convert(table: pa.Table, engine: Literal["pandas"]) -> pd.DataFrame: ...
@overload
def convert(table: pa.Table, engine: Literal["polars"]) -> pl.DataFrame: ...
@overload
def convert(table: pa.Table, engine: str) -> Frame: ...
def convert(table: pa.Table, engine: str) -> Frame:
    """``table`` as the frame type of ``engine``; an unknown engine is an :class:`~natoseoul.UnknownNameError`."""
    check_name("engine", engine, ENGINES)
    if engine == "pandas":
        return to_pandas(table)
    if engine == "polars":
        return to_polars(table)
    return table


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """A pandas DataFrame with nullable dtypes that keep the Table Schema's types.

    Strings become ``string``, integers ``Int64``, booleans ``boolean`` (all with ``pd.NA`` for
    null), dates stay dates as ``date32[pyarrow]``, and lists and structs (the joins' nested columns)
    become ``pd.ArrowDtype``. pandas' defaults would give ``object`` columns and floats for integers
    with nulls.
    """
    pandas = require("pandas")

    def dtype(arrow_type: pa.DataType) -> Any:
        if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
            return pandas.StringDtype()
        if pa.types.is_int64(arrow_type):
            return pandas.Int64Dtype()
        if pa.types.is_boolean(arrow_type):
            return pandas.BooleanDtype()
        return pandas.ArrowDtype(arrow_type)

    return table.to_pandas(types_mapper=dtype)


def to_polars(table: pa.Table) -> pl.DataFrame:
    """A polars DataFrame (zero-copy where Arrow allows; dates become ``pl.Date``)."""
    polars = require("polars")
    return cast("pl.DataFrame", polars.from_arrow(table))
