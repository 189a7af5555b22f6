"""Exporting the tables of a package (the installed release by default) to the formats users' tools read.

An export is committed as a whole (``io._tables.Staging``): every file is written into a staging
folder beside the output folder, which then takes the output folder's place in one rename, so a
failure, Ctrl-C or SIGTERM at any point leaves the folder as it was, and a finished export leaves it
complete. Existing files are replaced only with ``force``; two exports into one folder at once are
refused (the second fails at once).

Each format has a writer in ``WRITERS``; a writer puts its files into the staging folder through
``Job.staging`` and nothing else. The formats with a file per table (csv, parquet, json, jsonl)
write a descriptor last that lists exactly the table files the folder will hold: the tables exported
and those of an earlier export of the same format that are already there.
Every export ends with ``SHA256SUMS`` (``io._manifest``), the sha256 of every file the folder
holds, committed with the rest, so ``natoseoul verify`` checks an export like a release.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._loading import select_tables
from .._release import cite
from ..errors import DataError, check_name
from ..io import _descriptor as descriptor
from ..io._manifest import MANIFEST, file_sha256, read_manifest, render
from ..io._package import DESCRIPTOR, Package, open_for_reading, own_file_problem
from ..io._tablefiles import TableFile, table_files
from ..io._tables import Staging, write_csv, write_json, write_parquet
from ..schema import TABLES
from . import DERIVED, FORMATS

JSON_METADATA = "natoseoul-metadata.json"
"""Beside json and jsonl exports: the package's metadata, licences, citation and every table file
with its schema (a Data Package descriptor in shape, named apart so that ``validate``, which reads
CSV and Parquet, does not take the folder for a package it should check)."""
DATASETTE_METADATA = "metadata.json"
"""Beside natoseoul.sqlite: Datasette's metadata file (``datasette FOLDER`` reads it)."""
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
# The formats with a file per table, the file that describes them, and the format whose files
# would share that file (a folder holds one of the two: see ``_kept_tables``).
PER_TABLE = {"csv": DESCRIPTOR, "parquet": DESCRIPTOR, "json": JSON_METADATA, "jsonl": JSON_METADATA}
SIBLING = {"csv": "parquet", "parquet": "csv", "json": "jsonl", "jsonl": "json"}


def check_format(fmt: str) -> str:
    """``fmt`` if it is an export format; otherwise an UnknownNameError suggesting the closest one."""
    return check_name("format", fmt, FORMATS)


def field_rows(names: Iterable[str] | None = None) -> list[list[str | bool | None]]:
    """One row per field of the tables named (all by default), in ``FIELD_COLUMNS`` order."""
    chosen = set(TABLES if names is None else names)
    rows: list[list[str | bool | None]] = []
    for table in TABLES.values():
        if table.name not in chosen:
            continue
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
    if fmt in PER_TABLE:
        return [_table_file(name, fmt) for name in names] + [PER_TABLE[fmt]]
    if fmt == "sqlite":
        return [_package_file(fmt), DATASETTE_METADATA]
    if fmt in DERIVED:
        return [DERIVED_FILES[fmt]]
    return [_package_file(fmt)]


@dataclass
class Job:
    """What a writer needs: the tables to write, the package's metadata, and where to put files."""

    fmt: str
    inputs: Mapping[str, TableFile]
    meta: dict[str, Any]
    output: Path
    staging: Staging
    kept: dict[str, Path] = field(default_factory=dict)  # tables of an earlier export left in place
    package: Package | None = None  # the package read (annotations read its seeds)

    def new(self, rel: str) -> Path:
        """The path to write the output file ``rel`` to (in the staging folder)."""
        return self.staging.new(self.output / rel)

    def write(self, rel: str, data: bytes) -> None:
        self.staging.write(self.output / rel, data)

    @property
    def citation(self) -> str:
        return cite(self.meta)


def _write_per_table(job: Job) -> None:
    """csv, parquet, json, jsonl: one file per table, streamed batch by batch (memory bounded by a
    batch, or a Parquet row group), then the descriptor of every table file the folder will hold."""
    fmt = job.fmt
    stats: dict[str, dict[str, Any]] = {}
    for name, source in job.inputs.items():
        path = job.new(_table_file(name, fmt))
        if fmt in ("json", "jsonl"):
            write_json(path, source.batches(), lines=fmt == "jsonl")
        else:
            stream = write_csv if fmt == "csv" else write_parquet
            stream(path, source.table.arrow_schema(), source.batches())
        stats[name] = descriptor.path_stats(path)
    for name, path in job.kept.items():
        stats[name] = descriptor.path_stats(path)
    ordered = {name: stats[name] for name in TABLES if name in stats}
    job.write(PER_TABLE[fmt], descriptor.dumps(descriptor.export_descriptor(job.meta, fmt, ordered)))


def _write_sqlite(job: Job) -> None:
    from ._datasette import datasette_metadata  # the writers of whole-package formats are imported when used
    from ._sqlite import write_sqlite

    write_sqlite(job.new(_package_file("sqlite")), job.inputs, job.meta, job.citation)
    job.write(DATASETTE_METADATA, descriptor.dumps(datasette_metadata(job.meta, list(job.inputs), job.citation)))


DERIVED_FILES = {"annotations": "annotations.jsonld", "plover": "plover.jsonl"}


def _write_derived(job: Job) -> None:
    """annotations (W3C Web Annotations of every span) and plover (PLOVER records of the coded
    events): built from every table they need, and (annotations) the seed texts of the spans, the
    installed release's or those in or beside the package folder."""
    tables = {name: source.read_all() for name, source in job.inputs.items()}
    if job.fmt == "annotations":
        from ..io._seeds import read_seeds, seeds_root
        from ._annotations import annotations_bytes

        seeds = read_seeds(tables["documents"], seeds_root(job.package))
        blob = annotations_bytes(tables, seeds, job.meta)
    else:
        from ._plover import plover_bytes

        blob = plover_bytes(tables, job.meta)
    job.write(DERIVED_FILES[job.fmt], blob)


def _write_xlsx(job: Job) -> None:
    from ._xlsx import write_workbook

    write_workbook(job.new(_package_file("xlsx")), job.inputs, job.meta, job.citation, field_rows(job.inputs))


WRITERS: dict[str, Callable[[Job], None]] = {
    "csv": _write_per_table,
    "parquet": _write_per_table,
    "json": _write_per_table,
    "jsonl": _write_per_table,
    "sqlite": _write_sqlite,
    "xlsx": _write_xlsx,
    "annotations": _write_derived,
    "plover": _write_derived,
}


def _kept_tables(fmt: str, output: Path, names: Sequence[str], present: Sequence[str]) -> dict[str, Path]:
    """The table files of this format already in ``output`` that this export does not replace: the
    new descriptor lists them too, so it describes exactly the table files the folder holds. A
    folder holding the files of the format that shares the descriptor's name is refused."""
    if fmt not in PER_TABLE:
        return {}
    other = [n for n in present if n.removesuffix(f".{SIBLING[fmt]}") in TABLES and n.endswith(f".{SIBLING[fmt]}")]
    if other:
        more = f" and {len(other) - 1} more" if len(other) > 1 else ""
        raise DataError(
            f"{output}: holds a {SIBLING[fmt]} export ({other[0]}{more}) that its {PER_TABLE[fmt]} describes; "
            f"export {fmt} to another folder"
        )
    return {
        name: output / _table_file(name, fmt)
        for name in TABLES
        if name not in names
        and _table_file(name, fmt) in present
        and own_file_problem(output / _table_file(name, fmt)) is None
    }


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
    replace existing files unless ``force``; commits the folder as a whole, or leaves it as it was."""
    fmt = check_format(fmt)
    if fmt in DERIVED and tables:
        raise DataError(f"--table does not apply to {fmt}: it is built from every table it needs")
    names = select_tables(tables) if fmt not in DERIVED else list(TABLES)
    package = open_for_reading(source, from_format)
    inputs = table_files(package, names, from_format or ("parquet" if source is None else None))
    if output.exists() and not output.is_dir():
        raise DataError(f"{output}: exists and is not a directory")
    rels = output_names(fmt, names)
    try:
        with Staging(output, on_written) as staging:
            present = staging.existing()  # read under the lock: no other export changes it now
            existing = [rel for rel in rels if rel in present]
            if existing and not force:
                more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
                raise DataError(f"{output / existing[0]}: already exists{more}; use --force to overwrite")
            earlier = _kept_manifest(output, force) if MANIFEST in present else {}
            kept = _kept_tables(fmt, output, names, present)
            read = None if source is None else package
            job = Job(fmt, inputs, package.descriptor, output, staging, kept, read)
            WRITERS[fmt](job)
            _stage_manifest(job, earlier, present)
    except OSError as exc:
        where = exc.filename or output
        raise DataError(f"{where}: cannot write: {exc.strerror or exc}") from None
    return [output / rel for rel in [*rels, MANIFEST]]


def _stage_manifest(job: Job, earlier: dict[str, str], present: Sequence[str]) -> None:
    """``SHA256SUMS`` of the folder as it will be: the files written now, the entries of an earlier
    export's manifest for the files it keeps, and any other file the folder keeps, as it is now."""
    assert job.staging.stage is not None
    digests = dict(earlier)
    for name in present:
        path = job.output / name
        if name not in digests and own_file_problem(path) is None:
            digests[name] = file_sha256(path)
    for rel in job.staging.staged:
        digests[rel.as_posix()] = file_sha256(job.staging.stage / rel)
    digests.pop(MANIFEST, None)
    job.write(MANIFEST, render(digests))


def _kept_manifest(output: Path, force: bool) -> dict[str, str]:
    """The entries of a ``SHA256SUMS`` already in ``output`` (from an earlier export into the same
    folder): the new manifest keeps them for the files this export does not write. An unreadable one
    stops the export before anything is written, unless ``force`` (then it is replaced)."""
    if not output.is_dir():
        return {}
    try:
        return read_manifest(output) or {}
    except DataError as exc:
        if force:
            return {}
        raise DataError(f"{exc}; cannot add to it (use --force to replace it)") from None
