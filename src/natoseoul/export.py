"""Exporting the tables of a package (the installed release by default) to the formats users' tools read.

Every file is written under a temporary name beside its target and renamed into place only when all
are complete (``tableio.Staging``): a failure leaves no file half-written and no existing file
touched. Existing files are replaced only with ``force``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from . import descriptor, names, tableio
from .errors import DataError
from .formats import EXPORT_FORMATS
from .loading import check_name, load
from .packagefiles import DESCRIPTOR, open_package
from .packagetables import TableFile, table_files
from .schema import TABLES
from .tableio import Staging

WORKBOOK_FIELDS_SHEET = "fields"
FIELD_COLUMNS = (
    "table",
    "field",
    "type",
    "required",
    "unique",
    "primary_key",
    "references",
    "constraints",
    "description",
)


def table_names(names: Iterable[str] = ()) -> list[str]:
    """The tables asked for, in the package's order (all when none are named); an unknown name is a
    DataError suggesting the closest one."""
    chosen = {check_name(name) for name in names}  # an unknown name raises UnknownNameError, a DataError
    return [n for n in TABLES if n in chosen] if chosen else list(TABLES)


def check_format(fmt: str) -> str:
    """``fmt`` if it is an export format; otherwise an UnknownNameError suggesting the closest one."""
    return names.check_name("format", fmt, EXPORT_FORMATS)


def typed_table(name: str) -> pa.Table:
    """A release table with the schema's exact Arrow types and field descriptions."""
    data = load(name)
    return pa.Table.from_arrays(list(data.columns), schema=TABLES[name].arrow_schema())


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_records(data: pa.Table) -> list[str]:
    """Each row as one JSON object: nulls stay null, dates ISO 8601, Unicode as is."""
    return [json.dumps(row, ensure_ascii=False, default=_json_value) for row in data.to_pylist()]


def _field_rows() -> list[list[str | bool | None]]:
    rows: list[list[str | bool | None]] = []
    for table in TABLES.values():
        references = {
            c: f"{fk.table}.{r}" for fk in table.foreign_keys for c, r in zip(fk.fields, fk.reference, strict=True)
        }
        for spec in table.fields:
            constraints = {
                k: v for k, v in spec.descriptor().get("constraints", {}).items() if k not in ("required", "unique")
            }
            shown = json.dumps(constraints, ensure_ascii=False) if constraints else None
            key = spec.name in table.primary_key
            row: list[str | bool | None] = [
                table.name,
                spec.name,
                spec.type,
                spec.required,
                spec.unique,
                key,
                references.get(spec.name),
            ]
            rows.append([*row, shown, spec.description])
    return rows


def _table_file(name: str, fmt: str) -> str:
    """The file of one table in the formats that write a file per table (csv, parquet, json, jsonl)."""
    return f"{name}.{fmt}"


def _package_file(fmt: str) -> str:
    """The one file of the formats that hold every table (sqlite, xlsx)."""
    return f"natoseoul.{fmt}"


def output_names(fmt: str, names: Sequence[str]) -> list[str]:
    """The files an export of these tables writes, relative to the output directory."""
    if fmt in ("csv", "parquet"):
        return [_table_file(name, fmt) for name in names] + [DESCRIPTOR]
    if fmt in ("json", "jsonl"):
        return [_table_file(name, fmt) for name in names]
    return [_package_file(fmt)]


def _write(fmt: str, inputs: Mapping[str, TableFile], meta: dict[str, Any], output: Path, staging: Staging) -> None:
    """Write every file of the export into ``staging``: csv, parquet, json and jsonl stream batch by
    batch (memory bounded by a batch, or a Parquet row group); sqlite and xlsx hold the tables whole."""
    if fmt in ("csv", "parquet"):
        stream = tableio.write_csv if fmt == "csv" else tableio.write_parquet
        stats = {}
        for name, source in inputs.items():
            path = staging.new(output / _table_file(name, fmt))
            stream(path, source.table.arrow_schema(), source.batches())
            stats[name] = descriptor.path_stats(path)
        staging.write(output / DESCRIPTOR, descriptor.dumps(descriptor.export_descriptor(meta, fmt, stats)))
    elif fmt in ("json", "jsonl"):
        for name, source in inputs.items():
            _write_json(staging.new(output / _table_file(name, fmt)), source.batches(), lines=fmt == "jsonl")
    elif fmt == "sqlite":
        from .sqlite import sqlite_bytes  # the writers of whole-table formats are imported when used

        staging.write(output / _package_file(fmt), sqlite_bytes({n: s.read_all() for n, s in inputs.items()}))
    elif fmt == "xlsx":
        from .xlsx import Sheet, xlsx_bytes

        sheets = []
        for name, source in inputs.items():
            data = source.read_all()
            sheets.append(
                Sheet(name, TABLES[name].field_names, zip(*(c.to_pylist() for c in data.columns), strict=True))
            )
        sheets.append(Sheet(WORKBOOK_FIELDS_SHEET, FIELD_COLUMNS, [r for r in _field_rows() if r[0] in inputs]))
        staging.write(output / _package_file(fmt), xlsx_bytes(sheets))


def _write_json(path: Path, batches: Iterable[pa.RecordBatch], lines: bool) -> None:
    """One JSON object per row: a line each (JSON Lines), or the items of one indented array."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("" if lines else "[")
        for batch in batches:
            for record in json_records(batch):
                out.write(record + "\n" if lines else ("\n  " if count == 0 else ",\n  ") + record)
                count += 1
        out.write("" if lines else "]\n" if count == 0 else "\n]\n")


def export(
    fmt: str,
    output: Path,
    tables: Iterable[str] = (),
    force: bool = False,
    on_written: Callable[[Path], None] | None = None,
    source: Path | None = None,
) -> list[Path]:
    """Write the chosen tables (all by default) of a package to ``output`` in ``fmt``; returns the
    paths written. The package is ``source`` (a folder holding ``datapackage.json``, or the
    descriptor), by default the installed release. Refuses to replace existing files unless ``force``;
    writes every file completely or none at all."""
    fmt = check_format(fmt)
    names = table_names(tables)
    package = open_package(source)
    inputs = table_files(package, names)
    if output.exists() and not output.is_dir():
        raise DataError(f"{output}: exists and is not a directory")
    paths = [output / rel for rel in output_names(fmt, names)]
    existing = [p for p in paths if p.exists() or p.is_symlink()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise DataError(f"{existing[0]}: already exists{more}; use --force to overwrite")
    try:
        with Staging(on_written) as staging:
            _write(fmt, inputs, package.descriptor, output, staging)
    except OSError as exc:
        where = exc.filename or output
        raise DataError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return paths
