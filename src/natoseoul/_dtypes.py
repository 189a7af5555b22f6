"""The type of every column, as the CSV readers people use spell it.

A CSV file carries no types: pandas turns the CAMEO code ``042`` into ``42.0``, polars into ``42``,
and both leave dates as text. Handing the reader the schema's types keeps every value as it is::

    pd.read_csv(path, dtype=natoseoul.csv_dtypes("events"), keep_default_na=False, na_values=[""])
    pl.read_csv(path, schema=natoseoul.csv_dtypes("events", engine="polars"))
    duckdb.read_csv(path, dtype=natoseoul.csv_dtypes("events", engine="duckdb"))
"""

from __future__ import annotations

from typing import Any

from .errors import check_name
from .schema import TABLES

ENGINES = ("pandas", "polars", "duckdb", "pyarrow", "readr")
_NAMES: dict[str, dict[str, str]] = {
    # pandas: the nullable dtypes natoseoul.load(engine="pandas") gives (dates stay dates)
    "pandas": {"string": "string", "integer": "Int64", "boolean": "boolean", "date": "date32[pyarrow]"},
    # DuckDB's SQL type names, for read_csv(columns=...) in SQL or dtype= in Python
    "duckdb": {"string": "VARCHAR", "integer": "BIGINT", "boolean": "BOOLEAN", "date": "DATE"},
    # readr's compact column types: character, double-free integer, logical, Date
    "readr": {"string": "c", "integer": "i", "boolean": "l", "date": "D"},
}


def csv_dtypes(name: str, engine: str = "pandas") -> Any:
    """The type of each column of table ``name``, for reading its CSV file with ``engine``.

    - ``"pandas"``: a dict for ``pd.read_csv(dtype=...)`` (``string``, ``Int64``, ``boolean``,
      ``date32[pyarrow]``); pass ``keep_default_na=False, na_values=[""]`` too, so that only an
      empty cell is missing (a text such as ``NA`` stays text).
    - ``"polars"``: a dict of polars types for ``pl.read_csv(schema=...)``.
    - ``"duckdb"``: a dict of SQL type names for ``duckdb.read_csv(dtype=...)`` or, in SQL,
      ``read_csv(..., columns = {...})``.
    - ``"pyarrow"``: a dict of Arrow types for ``pyarrow.csv.ConvertOptions(column_types=...)``.
    - ``"readr"``: the compact ``col_types`` string of R's ``readr::read_csv`` (one letter a column).

    >>> csv_dtypes("event_topics")
    {'event_id': 'string', 'topic_id': 'string'}
    >>> csv_dtypes("events", engine="readr")
    'cccccDDcccccccc'
    """
    table = TABLES[check_name("table", name, TABLES)]
    engine = check_name("engine", engine, ENGINES)
    if engine == "readr":
        return "".join(_NAMES["readr"][f.type] for f in table.fields)
    if engine == "pyarrow":
        return {f.name: f.arrow_type for f in table.fields}
    if engine == "polars":
        from ._frames import require

        pl = require("polars")
        types = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}
        return {f.name: types[f.type] for f in table.fields}
    return {f.name: _NAMES[engine][f.type] for f in table.fields}
