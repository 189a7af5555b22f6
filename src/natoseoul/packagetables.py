"""The tables of a data package on disk as streams of typed Arrow batches: what ``export`` converts.

A package is the installed release or any copy of it (a folder holding ``datapackage.json`` with
CSV or Parquet resources). Batches are read as text and parsed to the schema's types, so a CSV and
a Parquet file give the same result; memory stays bounded by one batch. A cell that cannot take its
type stops the stream with a DataError naming file, row and field: a file that converts is well
typed, and ``natoseoul validate`` is what checks everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .checks import HEADER_ROW, TableChecker, file_row, typed_batch
from .errors import DataError
from .packagefiles import DESCRIPTOR, Package, resource_paths, resource_table
from .schema import TABLES, Table
from .tableio import TEXT_READERS

PREFERRED = ("parquet", "csv")  # a package with both formats is read from Parquet


@dataclass(frozen=True)
class TableFile:
    """One table's file in a package; ``shown`` is its name as printed in messages."""

    table: Table
    path: Path
    fmt: str
    shown: str

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The rows as typed record batches (the schema's Arrow types and field descriptions)."""
        header, text = TEXT_READERS[self.fmt](self.path, self.table)
        wrong = TableChecker(self.table).check_header(header)
        if wrong:
            raise DataError(f"{self.shown}:1: {wrong[0].message}")
        offset = 0
        for batch in text:
            typed, problems = typed_batch(self.table, batch, offset)
            if problems:
                first = problems[0]
                row = file_row(first.row) if first.row is not None else HEADER_ROW
                more = f" (and {len(problems) - 1} more in this batch)" if len(problems) > 1 else ""
                raise DataError(
                    f"{self.shown}:{row}:{first.field}: {first.message}{more}; `natoseoul validate` lists every problem"
                )
            offset += batch.num_rows
            yield typed

    def read_all(self) -> pa.Table:
        return pa.Table.from_batches(list(self.batches()), self.table.arrow_schema())


def table_files(package: Package, names: Iterable[str]) -> dict[str, TableFile]:
    """The file of each table named, in the order given; a table the package lacks is a DataError."""
    found: dict[str, dict[str, str]] = {}
    for resource in package.resources:
        table, fmt = resource_table(resource)
        paths = resource_paths(resource)
        if table is not None and fmt in PREFERRED and len(paths) == 1:
            found.setdefault(table, {}).setdefault(fmt, paths[0])
    files = {}
    for name in names:
        formats = found.get(name, {})
        fmt = next((f for f in PREFERRED if f in formats), None)
        if fmt is None:
            where = package.show(DESCRIPTOR)
            raise DataError(f"{where}: no CSV or Parquet resource for table {name!r}")
        path = package.resolve(formats[fmt])
        if not path.is_file():
            raise DataError(f"{package.show(formats[fmt])}: file is missing")
        files[name] = TableFile(TABLES[name], path, fmt, package.show(formats[fmt]))
    return files
