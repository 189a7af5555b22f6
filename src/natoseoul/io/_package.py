"""Opening a data package on disk: its descriptor, the files its resources name, resolved safely,
and its tables as streams of typed Arrow batches.

``validate``, ``verify`` and ``export --from`` read packages that users downloaded or edited, so a
resource path is trusted only when it stays inside the package: no absolute paths, no ``..``, no
URLs, and no symlink leading outside the package directory.

A table is read as text and parsed to the schema's types, so a CSV and a Parquet file give the same
result; memory stays bounded by one batch. A cell that cannot take its type stops the stream with a
DataError naming file, row and field: ``natoseoul validate`` is what checks everything else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pyarrow as pa

from .._release import data_dir
from ..check._checks import HEADER_ROW, TableChecker, file_row, typed_batch
from ..errors import DataError
from ..schema import TABLES, Table
from ._tables import TEXT_READERS

DESCRIPTOR = "datapackage.json"
PARQUET_DESCRIPTOR = "datapackage-parquet.json"  # the release's second descriptor: its Parquet copies
FORMATS = {".csv": "csv", ".parquet": "parquet"}
ZIP_SIGNATURE = b"PK"  # how every zip archive starts (and no JSON text does)
ZIP_END_RECORD = b"PK\x05\x06"  # in a zip's last 22 + 65535 bytes (JSON text cannot hold \x05)
ZIP_END_SPAN = 22 + 65535


class ArchiveGiven(DataError):
    """A zip archive (the release zip, or a damaged one) where a descriptor was expected:
    ``natoseoul verify`` checks it as the release archive (``path``); the other commands say so."""

    def __init__(self, path: Path, readable: bool) -> None:
        if readable:
            why = "is a zip archive; check it with `natoseoul verify`, or unzip it and give the folder"
        else:
            why = "not a readable zip archive (it starts like one, but is damaged or truncated)"
        super().__init__(f"{path}: {why}")
        self.path = path


def _zip_readable(data: bytes) -> bool | None:
    """None when ``data`` is not meant as a zip archive, else whether zipfile can read it. It is
    meant as one when it starts with the zip signature (a damaged archive is still one), or when
    zipfile finds a zip's end record in it (a zip with a stub in front, such as a self-extracting
    one). zipfile is imported only for such data: reading a package directory does without it."""
    starts = data.startswith(ZIP_SIGNATURE)
    if not starts and ZIP_END_RECORD not in data[-ZIP_END_SPAN:]:
        return None
    import io
    import zipfile

    readable = zipfile.is_zipfile(io.BytesIO(data))
    return readable if starts or readable else None


@dataclass(frozen=True)
class Package:
    """A descriptor read from disk; ``shown`` is how file names are printed (as the user gave them)."""

    descriptor_path: Path
    descriptor: dict[str, Any]
    shown: Path

    @property
    def base(self) -> Path:
        return self.descriptor_path.parent

    @property
    def resources(self) -> list[dict[str, Any]]:
        resources = self.descriptor.get("resources")
        return [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []

    def show(self, rel: str) -> str:
        return str(self.shown / rel)

    @property
    def shown_descriptor(self) -> str:
        """The descriptor's name as printed (``datapackage.json`` or ``datapackage-parquet.json``)."""
        return self.show(self.descriptor_path.name)

    def resolve(self, rel: str) -> Path:
        """The file a resource path names, refusing anything that leads outside the package."""
        check_relative(rel, f"{self.descriptor_path}: resource path")
        path = self.base / rel
        base = self.base.resolve()
        if not path.resolve().is_relative_to(base):
            raise DataError(f"{self.descriptor_path}: resource path {rel!r} is a symlink leading outside the package")
        return path


def check_relative(rel: str, what: str) -> None:
    """Refuse a path that is absolute, remote or contains ``..`` (``what`` starts the message)."""
    posix = rel.replace("\\", "/")
    if "://" in rel or posix.startswith("/") or re.match(r"[A-Za-z]:", posix) or Path(rel).is_absolute():
        raise DataError(f"{what} {rel!r} is absolute or remote; expected a path in the package")
    if ".." in PurePosixPath(posix).parts:
        raise DataError(f"{what} {rel!r} contains '..'; expected a path inside the package")


def open_package(target: Path | None = None) -> Package:
    """Read the descriptor of ``target`` (a directory or a ``datapackage.json``); by default the
    installed release. A zip archive given instead raises ``ArchiveGiven``."""
    if target is None:
        path = data_dir() / DESCRIPTOR
        shown = data_dir()
    elif target.is_dir():
        path, shown = target / DESCRIPTOR, target
    else:
        path, shown = target, target.parent
    if not path.is_file():
        raise DataError(f"{path}: no such file (expected a data package directory or its {DESCRIPTOR})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc}") from None
    readable = _zip_readable(data)
    if readable is not None:
        raise ArchiveGiven(path, readable)
    try:
        descriptor = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read as JSON: {exc}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(f"{path}: not a data package descriptor (no 'resources' list)")
    return Package(path, descriptor, shown)


def package_folder(target: Path | None) -> Path | None:
    """The folder ``target`` names when it is one (the installed release's by default), else None."""
    if target is None:
        return data_dir()
    return target if target.is_dir() else None


def open_packages(target: Path | None = None) -> list[Package]:
    """The packages ``target`` holds: a folder's ``datapackage.json`` and, where the folder has one
    (the release), ``datapackage-parquet.json``; a descriptor given itself is the only one."""
    packages = [open_package(target)]
    folder = package_folder(target)
    if folder is not None and (folder / PARQUET_DESCRIPTOR).is_file():
        packages.append(open_package(folder / PARQUET_DESCRIPTOR))
    return packages


def open_for_reading(target: Path | None = None) -> Package:
    """The package to read tables from: a release's Parquet descriptor where ``target`` is a folder
    that has one (Parquet reads faster and gives the same rows), else ``open_package(target)``."""
    return open_packages(target)[-1]


def resource_paths(resource: dict[str, Any]) -> list[str]:
    """The path or paths of a resource (a Data Package path may be a list of chunks)."""
    path = resource.get("path")
    paths = path if isinstance(path, list) else [path] if path is not None else []
    return [str(p) for p in paths]


def resource_table(resource: dict[str, Any]) -> tuple[str | None, str | None]:
    """The table (by resource name, ``<table>`` or ``<table>-parquet``) and format of a resource."""
    name = str(resource.get("name", ""))
    table = (
        name if name in TABLES else name.removesuffix("-parquet") if name.removesuffix("-parquet") in TABLES else None
    )
    fmt = resource.get("format")
    if not isinstance(fmt, str):
        paths = resource_paths(resource)
        fmt = FORMATS.get(PurePosixPath(paths[0]).suffix) if paths else None
    return table, fmt


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
            where = package.shown_descriptor
            raise DataError(f"{where}: no CSV or Parquet resource for table {name!r}")
        path = package.resolve(formats[fmt])
        if not path.is_file():
            raise DataError(f"{package.show(formats[fmt])}: file is missing")
        files[name] = TableFile(TABLES[name], path, fmt, package.show(formats[fmt]))
    return files
