"""Exporting the installed release tables to the formats users' tools read.

Every output is rendered in memory first, then all files are written with
``tableio.write_all_atomic``: a failure leaves no file half-written and no existing file touched.
Existing files are replaced only with ``force``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pyarrow as pa

from . import descriptor, names, tableio
from .errors import DataError
from .formats import EXPORT_FORMATS
from .loading import check_name, load
from .release import metadata
from .schema import TABLES
from .sqlite import sqlite_bytes
from .xlsx import Sheet, xlsx_bytes

FORMATS = EXPORT_FORMATS
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
    return names.check_name("format", fmt, FORMATS)


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


def render(fmt: str, names: Sequence[str]) -> dict[str, bytes]:
    """The files of an export, keyed by their names inside the output directory."""
    check_format(fmt)
    tables = {name: typed_table(name) for name in names}
    files: dict[str, bytes] = {}
    if fmt in ("csv", "parquet"):
        write = tableio.csv_bytes if fmt == "csv" else tableio.parquet_bytes
        files = {f"{name}.{fmt}": write(data) for name, data in tables.items()}
        stats = {name: descriptor.file_stats(files[f"{name}.{fmt}"]) for name in tables}
        files["datapackage.json"] = descriptor.dumps(descriptor.export_descriptor(metadata(), fmt, stats))
    elif fmt == "json":
        files = {f"{n}.json": _json_array(json_records(d)) for n, d in tables.items()}
    elif fmt == "jsonl":
        files = {f"{n}.jsonl": "".join(r + "\n" for r in json_records(d)).encode("utf-8") for n, d in tables.items()}
    elif fmt == "sqlite":
        files = {"natoseoul.sqlite": sqlite_bytes(tables)}
    elif fmt == "xlsx":
        sheets = [Sheet(n, TABLES[n].field_names, zip(*(c.to_pylist() for c in d.columns), strict=True))
                  for n, d in tables.items()]  # fmt: skip
        sheets.append(Sheet(WORKBOOK_FIELDS_SHEET, FIELD_COLUMNS, [r for r in _field_rows() if r[0] in tables]))
        files = {"natoseoul.xlsx": xlsx_bytes(sheets)}
    return files


def _json_array(records: list[str]) -> bytes:
    body = ",\n".join("  " + r for r in records)
    return (f"[\n{body}\n]\n" if records else "[]\n").encode("utf-8")


def export(
    fmt: str,
    output: Path,
    tables: Iterable[str] = (),
    force: bool = False,
    on_written: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write the chosen tables (all by default) of the installed release to ``output`` in ``fmt``;
    returns the paths written. Refuses to replace existing files unless ``force``."""
    fmt = check_format(fmt)
    names = table_names(tables)
    if output.exists() and not output.is_dir():
        raise DataError(f"{output}: exists and is not a directory")
    files = {output / rel: data for rel, data in render(fmt, names).items()}
    existing = [p for p in files if p.exists() or p.is_symlink()]
    if existing and not force:
        more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
        raise DataError(f"{existing[0]}: already exists{more}; use --force to overwrite")
    try:
        tableio.write_all_atomic(files, on_written)
    except OSError as exc:
        where = exc.filename or output
        raise DataError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return list(files)
