"""What changed in the data between two packages: table by table, row by row, by primary key.

Each package is a folder, a descriptor or a release zip (read into a temporary folder, member names
checked as ``verify`` checks them). Its tables are read as text cells, as ``validate`` reads them, so
a CSV and a Parquet copy of the same rows compare equal, and a release of an earlier schema can be
compared with a later one: a column only one side has is reported as added or removed, and rows are
compared on the columns both have. A row is identified by the table's primary key; a row whose key
is in both packages and whose cells differ is *changed*, with the cells that differ.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import DataError, excerpt, printable
from ..io._package import (
    DESCRIPTOR,
    MAX_DESCRIPTOR_BYTES,
    Package,
    check_relative,
    open_package,
    resource_paths,
    resource_table,
    too_large,
    zip_file_readable,
)
from ..io._tables import TEXT_READERS, CSVRowError, Terminated
from ..schema import TABLES, Table
from ._verify import UNREADABLE, _member_irregular

Cell = str | None
Key = tuple[Cell, ...]


@dataclass(frozen=True)
class RowChange:
    """A row in both packages whose cells differ: its key, and (old, new) of each differing cell."""

    key: dict[str, Cell]
    cells: dict[str, tuple[Cell, Cell]]


@dataclass
class TableDiff:
    """The differences in one table; ``old_rows``/``new_rows`` are None where a package lacks it."""

    name: str
    key: tuple[str, ...]
    old_rows: int | None
    new_rows: int | None
    added: list[dict[str, Cell]] = field(default_factory=list)
    removed: list[dict[str, Cell]] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)

    @property
    def differs(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.changed
            or self.columns_added
            or self.columns_removed
            or (self.old_rows is None) != (self.new_rows is None)
        )

    def key_of(self, row: dict[str, Cell]) -> dict[str, Cell]:
        return {k: row.get(k) for k in self.key}


@dataclass
class PackageDiff:
    """Every table's differences between ``old`` and ``new`` (as the user named them, with versions)."""

    old: str
    new: str
    old_version: str | None
    new_version: str | None
    tables: list[TableDiff]

    @property
    def differs(self) -> bool:
        return any(t.differs for t in self.tables)

    def totals(self) -> dict[str, int]:
        return {
            "tables_changed": sum(t.differs for t in self.tables),
            "added": sum(len(t.added) for t in self.tables),
            "removed": sum(len(t.removed) for t in self.tables),
            "changed": sum(len(t.changed) for t in self.tables),
        }


MAX_ZIP_MEMBER = 256 << 20  # the largest zip member diff unpacks (the release's largest table is < 1 MiB)
MAX_ZIP_TOTAL = 1 << 30  # all the members diff unpacks from one zip, together
TEMP_PREFIX = "natoseoul-diff-"


@contextlib.contextmanager
def opened(target: Path | None) -> Iterator[Package]:
    """The package ``target`` names (its ``datapackage.json``: a release's CSV tables; the installed
    release by default). A zip is unpacked, within ``MAX_ZIP_MEMBER`` and ``MAX_ZIP_TOTAL`` by the
    sizes it records, into a temporary folder that is removed on any exit, SIGTERM included (a
    SIGKILL's leftovers are removed by the next diff); messages name ``<zip>/<member>``, never it."""
    if target is not None and target.is_file():
        try:
            readable = zip_file_readable(target)  # its first and last bytes, not the whole file
        except OSError as exc:
            raise DataError(f"{printable(target)}: cannot read: {exc.strerror or exc}") from None
        if readable is not None:
            _sweep_stale()
            with _temporary_folder() as tmp:
                try:
                    folder = _unpack(target, Path(tmp))
                    package = open_package(folder)
                    yield Package(package.descriptor_path, package.descriptor, target / folder.relative_to(tmp))
                except DataError as exc:  # a file in the temporary folder is named as the zip's member
                    raise DataError(str(exc).replace(tmp, printable(target))) from None
            return
    yield open_package(target)


@contextlib.contextmanager
def _temporary_folder() -> Iterator[str]:
    """A temporary folder that is removed on any exit, SIGTERM included, as an export's staging
    folder is. In the main thread SIGTERM is held while the folder is made and removed (a signal
    then would leave it behind) and raises ``Terminated`` in between."""
    import shutil
    import signal
    import threading

    main = threading.current_thread() is threading.main_thread()
    state = {"armed": False, "pending": False}

    def handler(signum: int, frame: object) -> None:
        if state["armed"]:
            state["armed"] = False
            raise Terminated()
        state["pending"] = True

    previous = signal.signal(signal.SIGTERM, handler) if main else None
    try:
        tmp = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-")
        try:
            state["armed"] = True
            if state["pending"]:
                raise Terminated()
            yield tmp
        finally:
            state["armed"] = False
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    if state["pending"]:  # arrived while the folder was removed: act on it now
        raise Terminated()


def _sweep_stale() -> None:
    """Remove the temporary folders of diffs that were killed (SIGKILL): this user's
    ``natoseoul-diff-<pid>-*`` whose process is gone."""
    import shutil

    for entry in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*-*"):
        pid = entry.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        try:
            if not pid.isdigit() or entry.is_symlink() or entry.lstat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue  # alive (or not ours to signal): left alone


def _unpack(path: Path, into: Path) -> Path:
    """Unpack the regular files of a zip into ``into`` (names checked first, then the sizes the zip
    records, before a byte is written); returns the folder that holds its ``datapackage.json`` (the
    zip's top, or its one top folder)."""
    shown = printable(path)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            for info in infos:
                check_relative(info.filename, f"{shown}: member")
            names = [i.filename for i in infos if not i.is_dir()]
            found = sorted(
                (n for n in names if PurePosixPath(n).name == DESCRIPTOR and len(PurePosixPath(n).parts) <= 2),
                key=lambda n: len(PurePosixPath(n).parts),
            )
            if not found:
                raise DataError(f"{shown}: no {DESCRIPTOR} at the top of the archive or in its top folder")
            base = PurePosixPath(found[0]).parent
            chosen = [
                info
                for info in infos
                if not info.is_dir()
                and not _member_irregular(info)
                and (base == PurePosixPath(".") or PurePosixPath(info.filename).is_relative_to(base))
            ]
            total = 0
            for info in chosen:
                limit, what = (
                    (MAX_DESCRIPTOR_BYTES, "a descriptor")
                    if info.filename.endswith(".json")
                    else (MAX_ZIP_MEMBER, "one zip member")
                )
                total += info.file_size
                if info.file_size > limit:
                    raise DataError(f"{printable(f'{path}/{info.filename}')}: {too_large(limit, what)}")
                if total > MAX_ZIP_TOTAL:
                    raise DataError(
                        f"{shown}: its members add up to more than {MAX_ZIP_TOTAL >> 30} GiB, "
                        "the most natoseoul unpacks from a zip"
                    )
            for info in chosen:
                target = into / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                written = 0
                with archive.open(info) as source, target.open("wb") as sink:
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > info.file_size:  # zipfile stops at the recorded size; never past it
                            raise DataError(f"{printable(f'{path}/{info.filename}')}: larger than the zip records")
                        sink.write(chunk)
    except UNREADABLE as exc:
        raise DataError(f"{shown}: not a readable zip archive: {printable(exc)}") from None
    return into / base


def _tables(package: Package) -> dict[str, tuple[Path, str, str]]:
    """The tables of a package: name → (file, format, name as shown), Parquet preferred."""
    found: dict[str, tuple[Path, str, str]] = {}
    for prefer in ("parquet", "csv"):
        for resource in package.resources:
            table, fmt = resource_table(resource)
            paths = resource_paths(resource)
            if table is None or fmt != prefer or len(paths) != 1 or table in found:
                continue
            path = package.resolve(paths[0])
            if not path.is_file():
                raise DataError(f"{package.show(paths[0])}: file is missing")
            found[table] = (path, fmt, package.show(paths[0]))
    return found


def _read(table: Table, path: Path, fmt: str, shown: str) -> tuple[list[str], dict[Key, tuple[Cell, ...]]]:
    """The header and the rows of a table file as text cells, by primary key."""
    try:
        header, batches = TEXT_READERS[fmt](path, table)
        missing = [k for k in table.primary_key if k not in header]
        if missing:
            raise DataError(f"{shown}: no key column {missing[0]!r}; cannot compare its rows")
        at = [header.index(k) for k in table.primary_key]
        rows: dict[Key, tuple[Cell, ...]] = {}
        for batch in batches:
            columns = [c.to_pylist() for c in batch.columns]
            for row in zip(*columns, strict=True):
                key = tuple(row[i] for i in at)
                if key in rows:
                    shown_key = ", ".join(f"{k}={v}" for k, v in zip(table.primary_key, key, strict=True))
                    raise DataError(f"{shown}: duplicate primary key ({shown_key}); `natoseoul validate` says more")
                rows[key] = row
    except CSVRowError as exc:
        raise DataError(f"{shown}:{exc.row}: {exc.reason}") from None
    return header, rows


def diff_tables(name: str, old: tuple[Path, str, str] | None, new: tuple[Path, str, str] | None) -> TableDiff:
    table = TABLES[name]
    before = _read(table, *old) if old else None
    after = _read(table, *new) if new else None
    result = TableDiff(
        name,
        table.primary_key,
        len(before[1]) if before else None,
        len(after[1]) if after else None,
    )
    old_header, old_rows = before or ([], {})
    new_header, new_rows = after or ([], {})
    if before and after:
        result.columns_added = [c for c in new_header if c not in old_header]
        result.columns_removed = [c for c in old_header if c not in new_header]
    common = [c for c in new_header if c in old_header]
    old_at = [old_header.index(c) for c in common]
    new_at = [new_header.index(c) for c in common]
    for key, row in new_rows.items():
        if key not in old_rows:
            result.added.append(dict(zip(new_header, row, strict=True)))
            continue
        previous = old_rows[key]
        cells = {
            c: (previous[i], row[j]) for c, i, j in zip(common, old_at, new_at, strict=True) if previous[i] != row[j]
        }
        if cells:
            result.changed.append(RowChange(dict(zip(table.primary_key, key, strict=True)), cells))
    result.removed = [dict(zip(old_header, row, strict=True)) for key, row in old_rows.items() if key not in new_rows]
    return result


def diff_packages(old: Path, new: Path | None = None) -> PackageDiff:
    """Compare the tables of ``old`` and ``new`` (the installed release by default)."""
    with opened(old) as before, opened(new) as after:
        old_tables, new_tables = _tables(before), _tables(after)
        names = [n for n in TABLES if n in old_tables or n in new_tables]
        if not names:
            raise DataError(f"{before.shown_descriptor}, {after.shown_descriptor}: no table of this package in either")
        tables = [diff_tables(n, old_tables.get(n), new_tables.get(n)) for n in names]
        return PackageDiff(
            str(old),
            str(new) if new is not None else "the installed release",
            _version(before),
            _version(after),
            tables,
        )


def _version(package: Package) -> str | None:
    version = package.descriptor.get("version")
    return version if isinstance(version, str) else None


# --- output -----------------------------------------------------------------------------------


def _shown_key(key: dict[str, Cell]) -> str:
    if len(key) == 1:
        return printable(next(iter(key.values())))
    return printable(", ".join(f"{k}={v}" for k, v in key.items()))


def _value(value: Cell) -> str:
    """A cell as JSON, escaped for a terminal (bidirectional overrides and DEL too, which JSON keeps)."""
    return printable(json.dumps(value, ensure_ascii=False))


def _json_safe(text: str) -> str:
    """JSON text with every character a terminal would act on (U+007F to U+009F, bidirectional
    overrides and other format characters, line separators) written as a ``\\uXXXX`` escape."""
    if text.isprintable():
        return text

    def escape(c: str) -> str:
        if c == "\n" or c.isprintable():
            return c
        code = ord(c)
        if code <= 0xFFFF:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    return "".join(escape(c) for c in text)


def _rows(t: TableDiff) -> str:
    old = "-" if t.old_rows is None else str(t.old_rows)
    new = "-" if t.new_rows is None else str(t.new_rows)
    return f"{old} → {new}"


def as_text(d: PackageDiff, cells: bool = True) -> str:
    """Per table: its row counts and what changed, then each added (+), removed (-) and changed (~)
    row by key, with each changed cell as ``column: old → new`` (values as JSON)."""
    lines = [
        printable(f"old: {d.old} ({d.old_version or 'no version'})"),
        printable(f"new: {d.new} ({d.new_version or 'no version'})"),
    ]
    width = max(len(t.name) for t in d.tables)
    for t in d.tables:
        if t.old_rows is None:
            what = "table added"
        elif t.new_rows is None:
            what = "table removed"
        elif not t.differs:
            what = "no change"
        else:
            what = f"{len(t.added)} added, {len(t.removed)} removed, {len(t.changed)} changed"
        lines.append(f"{t.name:<{width}}  {_rows(t)} rows: {what}")
        if t.columns_added:
            lines.append(f"  columns added: {printable(', '.join(t.columns_added))}")
        if t.columns_removed:
            lines.append(f"  columns removed: {printable(', '.join(t.columns_removed))}")
        if not cells:
            continue
        lines += [f"  + {_shown_key(t.key_of(row))}" for row in t.added]
        lines += [f"  - {_shown_key(t.key_of(row))}" for row in t.removed]
        for change in t.changed:
            lines.append(f"  ~ {_shown_key(change.key)}")
            lines += [f"      {printable(c)}: {_value(o)} → {_value(n)}" for c, (o, n) in change.cells.items()]
    totals = d.totals()
    lines.append(
        f"{totals['tables_changed']} of {len(d.tables)} table(s) differ: {totals['added']} row(s) added, "
        f"{totals['removed']} removed, {totals['changed']} changed"
    )
    return "\n".join(lines)


def as_markdown(d: PackageDiff) -> str:
    """The counts as a Markdown table, to paste into a CHANGELOG entry."""
    old, new = printable(d.old_version or excerpt(d.old, 40)), printable(d.new_version or excerpt(d.new, 40))
    lines = [
        f"Rows by table, {old} → {new} (`natoseoul diff`):",
        "",
        "| table | rows | added | removed | changed |",
        "|---|---:|---:|---:|---:|",
    ]
    for t in d.tables:
        columns = ""
        if t.columns_added or t.columns_removed:
            columns = (
                " (columns "
                + ", ".join([*(f"+{c}" for c in t.columns_added), *(f"-{c}" for c in t.columns_removed)])
                + ")"
            )
        lines.append(
            f"| `{t.name}`{printable(columns)} | {_rows(t)} | {len(t.added)} | {len(t.removed)} | {len(t.changed)} |"
        )
    totals = d.totals()
    old_total = sum(t.old_rows or 0 for t in d.tables)
    new_total = sum(t.new_rows or 0 for t in d.tables)
    lines.append(f"| all | {old_total} → {new_total} | {totals['added']} | {totals['removed']} | {totals['changed']} |")
    return "\n".join(lines)


def as_json(d: PackageDiff) -> str:
    """Everything ``as_text`` says, as one JSON object (added and removed rows whole)."""
    out: dict[str, Any] = {
        "old": {"path": d.old, "version": d.old_version},
        "new": {"path": d.new, "version": d.new_version},
        "differs": d.differs,
        "totals": d.totals(),
        "tables": [
            {
                "name": t.name,
                "key": list(t.key),
                "rows": {"old": t.old_rows, "new": t.new_rows},
                "columns": {"added": t.columns_added, "removed": t.columns_removed},
                "added": t.added,
                "removed": t.removed,
                "changed": [
                    {"key": c.key, "cells": {k: {"old": o, "new": n} for k, (o, n) in c.cells.items()}}
                    for c in t.changed
                ],
            }
            for t in d.tables
        ],
    }
    return _json_safe(json.dumps(out, ensure_ascii=False, indent=2))
