"""A package's tables as streams of typed Arrow batches: what ``export --from`` and ``site`` read.

A table is read as text and parsed to the schema's types, so a CSV and a Parquet file give the same
result; memory stays bounded by one batch. A cell that cannot take its type stops the stream with a
DataError naming file, row and field: ``natoseoul validate`` is what checks everything else. (Apart
from ``_package``, which opens a package without pyarrow, so that ``verify`` needs none.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..check._checks import HEADER_ROW, TableChecker, file_row, typed_batch
from ..errors import DataError, printable
from ..schema import TABLES, Table
from ._package import Package, file_problem, resource_paths, resource_table
from ._tables import TEXT_READERS

PREFERRED = ("parquet", "csv")  # the formats a table is read from


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


def table_files(package: Package, names: Iterable[str], choose: str | None = None) -> dict[str, TableFile]:
    """The file of each table named, in the order given. A table the package lacks, a table with
    both a CSV and a Parquet copy when ``choose`` (``csv`` or ``parquet``) does not say which to read,
    or a descriptor problem of a table read (``check._descriptor``) is a DataError."""
    names = list(names)
    from ..check._descriptor import descriptor_problems  # the check module imports this one

    problems = descriptor_problems(package, names)
    where = package.shown_descriptor
    if problems:
        more = f" (and {len(problems) - 1} more; `natoseoul validate` lists them)" if len(problems) > 1 else ""
        raise DataError(f"{where}: {problems[0]}{more}")
    found: dict[str, dict[str, list[str]]] = {}
    for resource in package.resources:
        table, fmt = resource_table(resource)
        paths = resource_paths(resource)
        if table is not None and fmt in PREFERRED and len(paths) == 1:
            found.setdefault(table, {}).setdefault(fmt, []).append(paths[0])
    files = {}
    for name in names:
        formats = {f: found.get(name, {}).get(f, []) for f in (choose,) if f} if choose else found.get(name, {})
        if not any(formats.values()):
            kind = "CSV or Parquet" if choose is None else "CSV" if choose == "csv" else "Parquet"
            raise DataError(f"{where}: no {kind} resource for table {name!r}")
        copies = [p for paths in formats.values() for p in paths]
        if len(copies) > 1:
            shown = ", ".join(printable(p) for p in copies)
            if sum(1 for paths in formats.values() if paths) > 1:
                how = "both a CSV and a Parquet copy", "choose one with --from-format csv or --from-format parquet"
            else:
                how = f"{len(copies)} resources", "refusing an ambiguous package"
            raise DataError(f"{where}: table {name!r} has {how[0]} ({shown}); {how[1]}")
        fmt, (rel,) = next((f, paths) for f, paths in formats.items() if paths)
        path = package.resolve(rel)
        problem = file_problem(path)
        if problem is not None:
            raise DataError(f"{package.show(rel)}: {problem}")
        files[name] = TableFile(TABLES[name], path, fmt, package.show(rel))
    return files
