"""Exporting the tables of a package (the installed release by default) to the formats users' tools read.

Every file is written under a temporary name beside its target and renamed into place only when all
are complete (``io._tables.Staging``): a failure leaves no file half-written and no existing file
touched. Existing files are replaced only with ``force``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._loading import select_tables
from ..errors import DataError, check_name
from ..io import _descriptor as descriptor
from ..io._package import DESCRIPTOR, TableFile, open_package, table_files
from ..io._tables import Staging, write_csv, write_json, write_parquet
from ..schema import TABLES
from . import FORMATS

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


def check_format(fmt: str) -> str:
    """``fmt`` if it is an export format; otherwise an UnknownNameError suggesting the closest one."""
    return check_name("format", fmt, FORMATS)


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
        stream = write_csv if fmt == "csv" else write_parquet
        stats = {}
        for name, source in inputs.items():
            path = staging.new(output / _table_file(name, fmt))
            stream(path, source.table.arrow_schema(), source.batches())
            stats[name] = descriptor.path_stats(path)
        staging.write(output / DESCRIPTOR, descriptor.dumps(descriptor.export_descriptor(meta, fmt, stats)))
    elif fmt in ("json", "jsonl"):
        for name, source in inputs.items():
            write_json(staging.new(output / _table_file(name, fmt)), source.batches(), lines=fmt == "jsonl")
    elif fmt == "sqlite":
        from ._sqlite import sqlite_bytes  # the writers of whole-table formats are imported when used

        staging.write(output / _package_file(fmt), sqlite_bytes({n: s.read_all() for n, s in inputs.items()}))
    elif fmt == "xlsx":
        from ._xlsx import Sheet, xlsx_bytes

        sheets = []
        for name, source in inputs.items():
            data = source.read_all()
            sheets.append(
                Sheet(name, TABLES[name].field_names, zip(*(c.to_pylist() for c in data.columns), strict=True))
            )
        sheets.append(Sheet(WORKBOOK_FIELDS_SHEET, FIELD_COLUMNS, [r for r in _field_rows() if r[0] in inputs]))
        staging.write(output / _package_file(fmt), xlsx_bytes(sheets))


def export(
    fmt: str,
    output: Path,
    tables: Iterable[str] = (),
    force: bool = False,
    on_written: Callable[[Path], None] | None = None,
    source: Path | None = None,
    from_format: str | None = None,
) -> list[Path]:
    """Write the chosen tables (all by default) of a package to ``output`` in ``fmt``; returns the
    paths written. The package is ``source`` (a folder holding ``datapackage.json``, or the
    descriptor), by default the installed release (read from its Parquet files); a package with
    both a CSV and a Parquet copy of a table is read from the one ``from_format`` names. Refuses to
    replace existing files unless ``force``; writes every file completely or none at all."""
    fmt = check_format(fmt)
    names = select_tables(tables)
    package = open_package(source)
    inputs = table_files(package, names, from_format or ("parquet" if source is None else None))
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
