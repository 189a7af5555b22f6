"""Reading and writing table files: CSV and Parquet read as text batches, written from the explicit
Arrow schema, whole or streamed batch by batch.

Writers produce bytes deterministically (same rows, same bytes). An export folder is committed as a
whole (``Staging``); the build's files appear atomically one by one (``FileStaging``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from ..errors import DataError, excerpt, printable
from ..schema import Table
from . import _arrow as kernels

CSV_BLOCK_SIZE = 1 << 22  # 4 MiB of CSV per batch: bounded memory on large files

PARQUET_OPTIONS: dict[str, object] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "store_schema": True,
}
ROW_GROUP_ROWS = 1 << 17
PARQUET_BATCH_ROWS = 1 << 16  # rows per batch when a Parquet file is read back as text
PARQUET_BATCH_BYTES = 64 << 20  # at most about this much data per batch (as the metadata sizes it)
MAX_CSV_RECORD = 64 << 20  # the longest CSV record read: blocks grow from CSV_BLOCK_SIZE up to this


def _csv_options() -> pacsv.WriteOptions:
    """RFC 4180 CSV, UTF-8, LF line ends, header first; strings quoted, nulls as empty cells, so an
    empty string ("") stays distinct from a null."""
    return pacsv.WriteOptions(include_header=True, quoting_style="needed", eol="\n")


def csv_bytes(data: pa.Table) -> bytes:
    """A whole table as CSV (see ``_csv_options``)."""
    sink = io.BytesIO()
    pacsv.write_csv(data, sink, _csv_options())
    return sink.getvalue()


def parquet_bytes(data: pa.Table) -> bytes:
    """Parquet written straight from the Arrow table (its schema carries the field descriptions)."""
    sink = io.BytesIO()
    import pyarrow.parquet as pq  # here, not on import: the CSV-only commands do without it

    pq.write_table(data, sink, row_group_size=ROW_GROUP_ROWS, **PARQUET_OPTIONS)
    return sink.getvalue()


def write_csv(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
    """Stream batches into a CSV file, byte for byte what ``csv_bytes`` gives for the whole table."""
    with pacsv.CSVWriter(path, schema, write_options=_csv_options()) as writer:
        for batch in batches:
            writer.write_batch(batch)


def write_parquet(path: Path, schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> None:
    """Stream batches into a Parquet file, gathering them into row groups of ``ROW_GROUP_ROWS`` rows
    (the same row groups, so the same bytes, as ``parquet_bytes`` of the whole table); at most one
    row group is held in memory."""
    import pyarrow.parquet as pq

    pending = pa.Table.from_batches([], schema)
    groups = 0
    with pq.ParquetWriter(path, schema, **PARQUET_OPTIONS) as writer:
        for batch in batches:
            pending = pa.concat_tables([pending, pa.Table.from_batches([batch], schema)])
            while pending.num_rows >= ROW_GROUP_ROWS:
                writer.write_table(pending.slice(0, ROW_GROUP_ROWS), row_group_size=ROW_GROUP_ROWS)
                pending, groups = pending.slice(ROW_GROUP_ROWS), groups + 1
        if pending.num_rows or not groups:  # write_table writes one (empty) row group for an empty table
            writer.write_table(pending, row_group_size=ROW_GROUP_ROWS)


def _json_value(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_records(data: pa.Table | pa.RecordBatch) -> list[str]:
    """Each row as one JSON object: nulls stay null, dates ISO 8601, Unicode as is."""
    return [json.dumps(row, ensure_ascii=False, default=_json_value) for row in data.to_pylist()]


def write_json(path: Path, batches: Iterable[pa.RecordBatch], lines: bool) -> None:
    """One JSON object per row: a line each (JSON Lines), or the items of one indented array."""
    count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("" if lines else "[")
        for batch in batches:
            for record in json_records(batch):
                out.write(record + "\n" if lines else ("\n  " if count == 0 else ",\n  ") + record)
                count += 1
        out.write("" if lines else "]\n" if count == 0 else "\n]\n")


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes so that the file is either complete or absent: temp file, fsync, rename."""
    write_all_atomic({path: data})


def write_all_atomic(files: Mapping[Path, bytes], on_written: Callable[[Path], None] | None = None) -> None:
    """Write several files so that a failure leaves none of them touched."""
    with FileStaging(on_written) as staging:
        for path, data in files.items():
            staging.write(path, data)


class FileStaging:
    """Files written under temporary names beside their targets, then renamed into place together
    (the maintainers' build writes into a checkout this way).

    Used as ``with FileStaging() as staging:``; ``staging.new(target)`` gives a temporary path to
    write (or stream) into. Only when the block ends without error is every file fsynced and renamed
    to its target; on an error every staged file is removed, and every directory made for them, and
    no target has been touched. (A kill between two renames can leave some targets new and some
    old: an export, which users' tools read, uses ``Staging``.)
    """

    def __init__(self, on_written: Callable[[Path], None] | None = None) -> None:
        self.on_written = on_written
        self.staged: list[tuple[Path, Path]] = []
        self.made: list[Path] = []  # directories created here, outermost first

    def new(self, target: Path) -> Path:
        self.made += _make_parents(target.parent)
        import tempfile  # only writers need it (4 ms of every validate otherwise)

        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        self.staged.append((Path(tmp), target))
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; published files are readable
        os.close(fd)
        return Path(tmp)

    def write(self, target: Path, data: bytes) -> None:
        self.new(target).write_bytes(data)

    def __enter__(self) -> FileStaging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        done = False
        try:
            if kind is None:
                for tmp, _ in self.staged:
                    _fsync(tmp)
                while self.staged:
                    tmp, target = self.staged[0]
                    os.replace(tmp, target)
                    self.staged.pop(0)
                    if self.on_written is not None:
                        self.on_written(target)
                done = True
        finally:
            for tmp, _ in self.staged:
                tmp.unlink(missing_ok=True)
            if not done:
                _remove_empty(self.made)


class Terminated(BaseException):
    """SIGTERM arrived while an export was being written (raised by ``Staging``'s handler, so that
    the staged files are removed and the output folder is left as it was)."""


class Staging:
    """An export folder committed as a whole: every file is written into a hidden staging folder
    beside ``folder``, and the staging folder then takes the place of ``folder`` in one rename.

    Used as ``with Staging(folder) as staging:``; ``staging.new(folder / rel)`` gives the path to
    write (or stream) ``rel`` into, ``staging.write(folder / rel, data)`` writes bytes. When the
    block ends without error:

    1. every entry of ``folder`` that the export does not replace is carried into the staging folder
       as a hard link (files) or a copy of the link (symlinks) or, for a subfolder, a tree of hard
       links, so nothing already there is lost;
    2. every file is fsynced, and the staging folder;
    3. the staging folder is exchanged with ``folder`` in one atomic rename (Linux ``renameat2``
       with ``RENAME_EXCHANGE``; a new folder is renamed into place with ``RENAME_NOREPLACE``), and
       the old folder, now under the staging name, is removed.

    So at every instant ``folder`` is either as it was or complete. Elsewhere (no ``renameat2``),
    the old folder is renamed aside and the new one into place: a kill between those two renames
    leaves the old folder, whole, under a hidden name beside it.

    On any error, KeyboardInterrupt or SIGTERM (a handler turns it into ``Terminated`` while the
    block runs in the main thread), the staging folder is removed and ``folder`` is untouched.

    Two exports cannot write one folder at once: ``Staging`` holds an exclusive lock (``flock``) on
    ``.<folder>.natoseoul-lock`` beside it while it works, and a second one refuses with a DataError
    at once instead of waiting to overwrite the first. The lock file is removed when done; the lock
    itself dies with its process, so a killed export never blocks the next one, which also removes
    the staging folders a killed export left.
    """

    PREFIX = ".natoseoul-"

    def __init__(self, folder: Path, on_written: Callable[[Path], None] | None = None) -> None:
        self.folder = folder  # as the user named it: targets are given under it
        self.real = folder.resolve() if folder.is_symlink() else folder.absolute()
        self.on_written = on_written
        self.staged: list[Path] = []  # relative paths, in the order they were staged
        self.made: list[Path] = []
        self.stage: Path | None = None
        self.existed: bool | None = None
        self.lock: _Lock | None = None
        self.committing = False
        self.pending_signal = False
        self.previous_handler: object = None

    # --- writing ---------------------------------------------------------------------------------

    def rel(self, target: Path) -> Path:
        """``target`` relative to the folder (a DataError if it is not inside it)."""
        try:
            rel = target.relative_to(self.folder)
        except ValueError:
            raise DataError(f"{target}: not inside the export folder {self.folder}") from None
        if not rel.parts or ".." in rel.parts:
            raise DataError(f"{target}: not a file inside the export folder {self.folder}")
        return rel

    def new(self, target: Path) -> Path:
        """The path to write ``target`` (a path under the folder) to."""
        assert self.stage is not None, "Staging is used as a context manager"
        rel = self.rel(target)
        path = self.stage / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel not in self.staged:
            self.staged.append(rel)
        return path

    def write(self, target: Path, data: bytes) -> None:
        self.new(target).write_bytes(data)

    def existing(self) -> list[str]:
        """Names of the entries of the folder as it is now (empty when it does not exist)."""
        try:
            return sorted(os.listdir(self.real))
        except FileNotFoundError:
            return []

    # --- the commit ------------------------------------------------------------------------------

    def __enter__(self) -> Staging:
        import tempfile

        if self.real.exists() and not self.real.is_dir():
            raise DataError(f"{self.folder}: exists and is not a directory")
        parent = self.real.parent
        self.made = _make_parents(parent)
        try:
            self.lock = _Lock(parent / f".{self.real.name}{self.PREFIX}lock", self.folder)
            self._sweep()
            self.existed = self.real.exists()  # under the lock, as the export sees it
            self.committing = True  # a SIGTERM waits until the staging folder is recorded (see _catch_sigterm)
            self._catch_sigterm()
            self.stage = Path(tempfile.mkdtemp(dir=parent, prefix=f".{self.real.name}{self.PREFIX}stage-"))
            self.committing = False
            if self.pending_signal:
                self.pending_signal = False
                raise Terminated()
            os.chmod(self.stage, _folder_mode(self.real))
        except BaseException:
            self._cleanup(committed=False)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        committed = False
        try:
            if kind is None:
                self._commit()
                committed = True
        finally:
            self._cleanup(committed)
        if committed and self.on_written is not None:
            for rel in self.staged:
                self.on_written(self.folder / rel)
        if committed and self.pending_signal:
            raise Terminated()

    def _commit(self) -> None:
        assert self.stage is not None
        stage = self.stage
        if self.real.exists() != self.existed:
            what = "appeared" if self.existed is False else "disappeared"
            raise DataError(f"{self.folder}: {what} while the export was written; nothing was changed")
        top = {rel.parts[0] for rel in self.staged}
        for name in self.existing():
            if name not in top:
                _link_into(self.real / name, stage / name)
        for rel in self.staged:
            if (stage / rel).is_file():
                _fsync(stage / rel)
        _fsync_dir(stage)
        self.committing = True  # SIGTERM waits for the swap (see _catch_sigterm)
        try:
            if self.real.exists():
                _exchange(stage, self.real)  # stage now holds the old folder
            else:
                _rename_noreplace(stage, self.real, self.folder)
                self.stage = None
            _fsync_dir(self.real.parent)
        finally:
            self.committing = False

    def _cleanup(self, committed: bool) -> None:
        import shutil

        try:
            self._restore_sigterm()
            if self.stage is not None:
                shutil.rmtree(self.stage, ignore_errors=True)
                self.stage = None
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None
            if not committed:
                _remove_empty(self.made)  # after the lock file is gone

    def _sweep(self) -> None:
        """Remove what a killed export into this folder left beside it (we hold the lock, so no
        live export owns them)."""
        import shutil

        for entry in self.real.parent.glob(f".{self.real.name}{self.PREFIX}stage-*"):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)

    def _catch_sigterm(self) -> None:
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum: int, frame: object) -> None:
            if self.committing:
                self.pending_signal = True  # finish the swap, then stop
                return
            raise Terminated()

        self.previous_handler = signal.signal(signal.SIGTERM, handler)

    def _restore_sigterm(self) -> None:
        import signal

        if self.previous_handler is not None:
            signal.signal(signal.SIGTERM, self.previous_handler)  # type: ignore[arg-type]
            self.previous_handler = None


class _Lock:
    """An exclusive, non-blocking ``flock`` on a lock file, or a DataError naming ``folder``."""

    def __init__(self, path: Path, folder: Path) -> None:
        self.path = path
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666 & ~_umask())
            try:
                _flock(fd)
            except BlockingIOError:
                os.close(fd)
                raise DataError(
                    f"{folder}: another export is writing to this folder; try again when it has finished"
                ) from None
            except BaseException:
                os.close(fd)
                raise
            try:  # the file we locked may have been removed by the export that held it before us
                same = os.path.samestat(os.fstat(fd), os.stat(path))
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return
            os.close(fd)

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()  # while still locked: a waiter then sees a new file, not this one
        os.close(self.fd)


def _flock(fd: int) -> None:
    """An exclusive lock on ``fd``, or BlockingIOError at once (``flock``; ``msvcrt.locking`` of the
    file's first byte on Windows). Either lock dies with its process."""
    try:
        import fcntl
    except ImportError:
        import msvcrt

        try:
            getattr(msvcrt, "locking")(fd, getattr(msvcrt, "LK_NBLCK"), 1)  # noqa: B009 (Windows-only names)
        except OSError:
            raise BlockingIOError() from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _make_parents(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; returns those made, outermost first."""
    missing = [d for d in (directory, *directory.parents) if not d.exists()]
    directory.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _remove_empty(made: list[Path]) -> None:
    for directory in reversed(made):  # innermost first; only empty ones go
        with contextlib.suppress(OSError):
            directory.rmdir()


def _folder_mode(folder: Path) -> int:
    try:
        return folder.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o777 & ~_umask()


def _link_into(source: Path, target: Path) -> None:
    """Carry an entry of the old folder into the new one without copying its bytes."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        import shutil

        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
        shutil.copystat(source, target)
    else:
        os.link(source, target)


_RENAME_NOREPLACE, _RENAME_EXCHANGE = 1, 2


def _renameat2(source: Path, target: Path, flags: int) -> bool:
    """``renameat2(2)`` with ``flags``; False where the system or the file system lacks it."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import errno

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    if call(at_fdcwd, os.fsencode(source), at_fdcwd, os.fsencode(target), ctypes.c_uint(flags)) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(target))


def _exchange(stage: Path, folder: Path) -> None:
    """Swap two folders in one step where the system can; else rename the old one aside first."""
    if _renameat2(stage, folder, _RENAME_EXCHANGE):
        return
    aside = stage.with_name(stage.name + "-old")
    os.rename(folder, aside)
    try:
        os.rename(stage, folder)
    except BaseException:
        os.rename(aside, folder)
        raise
    os.rename(aside, stage)  # removed with the staging folder


def _rename_noreplace(stage: Path, folder: Path, shown: Path) -> None:
    """Rename the new folder into place, failing if something appeared there meanwhile."""
    try:
        if _renameat2(stage, folder, _RENAME_NOREPLACE):
            return
    except FileExistsError:
        raise DataError(f"{shown}: appeared while the export was written; nothing was changed") from None
    if folder.exists():
        raise DataError(f"{shown}: appeared while the export was written; nothing was changed")
    os.rename(stage, folder)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every system can open a directory
        _fsync(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def csv_batches(
    path: Path, table: Table, block_size: int = CSV_BLOCK_SIZE
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """Open a CSV file as text cells: returns its header and an iterator of record batches.

    Every column is read as a string (types are checked afterwards, cell by cell). An unquoted empty
    cell is null; a quoted empty cell is the empty string. A record with the wrong number of cells
    is a ``CSVRowError`` naming its row (the parser knows row numbers when it reads on one thread).
    The file is memory-mapped, so the parser reads the page cache in place instead of a copy in fresh
    memory (at 100k rows a fifth fewer page faults and about 10 ms less per validate).

    A record longer than a block cannot be parsed; the file is then read again with blocks four
    times as large (the rows already given are skipped), up to ``MAX_CSV_RECORD``: a longer
    record is a DataError saying so.
    """
    shown = printable(path)
    bad_rows: list[CSVRowError] = []

    def refuse(row: pacsv.InvalidRow) -> str:
        if row.number is not None:
            got = f"expected {row.expected_columns} cells, got {row.actual_columns}: {excerpt(row.text)}"
            bad_rows.append(CSVRowError(path, row.number, f"cannot read as CSV: {printable(got)}"))
        return "error"

    def failure(exc: BaseException, rows: int) -> DataError:
        if bad_rows:
            return bad_rows[0]
        if _straddles(exc):
            return DataError(
                f"{shown}: a CSV record after row {rows + 1} is longer than {MAX_CSV_RECORD >> 20} MiB, "
                "the most natoseoul reads in one record"
            )
        return DataError(f"{shown}: cannot read as CSV: {_arrow_message(exc)}")

    def open_reader(size: int) -> tuple[pacsv.CSVStreamingReader, int]:
        while True:
            try:
                return pacsv.open_csv(
                    pa.memory_map(str(path)),
                    read_options=pacsv.ReadOptions(block_size=size, use_threads=False),
                    parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=refuse),
                    convert_options=pacsv.ConvertOptions(
                        column_types={name: pa.string() for name in table.field_names},
                        strings_can_be_null=True,
                        quoted_strings_can_be_null=False,
                        null_values=[""],
                        check_utf8=True,
                    ),
                ), size
            except (pa.ArrowInvalid, OSError) as exc:
                if _header_too_long(exc, path, size):
                    raise CSVRowError(
                        path,
                        1,
                        f"header: longer than {size >> 20} MiB (one block), the most natoseoul reads as a header",
                    ) from None
                if not _straddles(exc) or size >= MAX_CSV_RECORD:
                    raise failure(exc, 0) from None
                size = min(size * 4, MAX_CSV_RECORD)

    reader, size = open_reader(block_size)
    try:
        header = reader.schema.names
    except UnicodeDecodeError as exc:  # Arrow checks the cells' UTF-8, not the header's
        raise DataError(
            f"{shown}: cannot read as CSV: not UTF-8 text (save the file as UTF-8): header: {exc.reason}"
        ) from None

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal reader, size
        done = skip = 0  # rows given so far; rows to skip after reading the file again
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, OSError) as exc:
                if not _straddles(exc) or size >= MAX_CSV_RECORD:
                    raise failure(exc, done) from None
                reader, size = open_reader(min(size * 4, MAX_CSV_RECORD))
                skip = done
                continue
            if skip:
                batch, skip = batch.slice(min(skip, batch.num_rows)), max(0, skip - batch.num_rows)
                if not batch.num_rows:
                    continue
            _check_cells(batch, shown, done)
            done += batch.num_rows
            yield _as_text(batch)

    return header, batches()


def _check_cells(batch: pa.RecordBatch, shown: str, offset: int) -> None:
    """Refuse a cell longer than ``MAX_CSV_RECORD`` (a record may hold one when it straddles only one
    block boundary): the limit holds wherever the cell falls in the file."""
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if not (pa.types.is_string(column.type) or pa.types.is_binary(column.type)) or not len(column):
            continue
        offsets = memoryview(column.buffers()[1]).cast("i")
        if offsets[column.offset + len(column)] - offsets[column.offset] <= MAX_CSV_RECORD:
            continue  # the usual case: the whole column is shorter than the limit (read off its offsets)
        lengths = kernels.binary_length(column)
        longest = kernels.max_(lengths).as_py() or 0
        if longest > MAX_CSV_RECORD:
            row = kernels.indices_nonzero(kernels.greater(lengths, pa.scalar(MAX_CSV_RECORD, lengths.type)))[0].as_py()
            why = f"a cell of {longest >> 20} MiB; the most natoseoul reads is {MAX_CSV_RECORD >> 20} MiB"
            raise CSVRowError(shown, offset + row + 2, why, printable(name))


def _header_too_long(exc: BaseException, path: Path, size: int) -> bool:
    """Whether Arrow's CSV reader found no complete record in a first block that is full: the
    header is longer than a block (Arrow calls that an empty block). The header is not read in
    larger blocks: a header of millions of columns would cost memory for each."""
    if "cannot infer number of columns" not in str(exc):
        return False
    try:
        return path.stat().st_size > size
    except OSError:
        return False


def _straddles(exc: BaseException) -> bool:
    """Whether Arrow's CSV reader failed on a record longer than its block."""
    return "straddl" in str(exc)


class CSVRowError(DataError):
    """A record (or a column) of a table file that cannot be read: its row number (the header is row
    1; None for a column), its field when one cell or column is the cause, and why."""

    def __init__(self, path: Path | str, row: int | None, reason: str, field: str | None = None) -> None:
        place = printable(path) + (f":{row}" if row is not None else "") + (f":{field}" if field else "")
        super().__init__(f"{place}: {reason}")
        self.row, self.reason, self.field = row, reason, field


def _as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Every column as text cells (Parquet columns are typed; a CSV column outside the schema is
    read with an inferred type). Columns that are text already are passed on as they are."""
    if all(column.type == pa.string() for column in batch.columns):
        return batch
    columns = [c if c.type == pa.string() else kernels.cast(c, pa.string()) for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _arrow_message(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "invalid UTF8" in first:
        return printable(f"not UTF-8 text (save the file as UTF-8): {first}")
    return printable(first)


def parquet_text_batches(path: Path, table: Table) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """A Parquet file as text cells, like ``csv_batches``, so one set of checks serves both.

    The file's metadata is checked against its data as it is read, since other readers trust it:
    the row counts of the footer and of each row group, the text columns' UTF-8 (Parquet readers
    do not check it), and each column chunk's statistics (null count, minimum and maximum, which
    query engines use to skip row groups). A contradiction is a DataError naming the row group and
    column. Batches hold about ``PARQUET_BATCH_BYTES`` of data, by the sizes the metadata gives."""
    from ._parquet import ParquetSource  # here, not on import: validating CSV does without it

    shown = printable(path)
    try:
        parquet = ParquetSource(path)
        meta = parquet.metadata
        groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{shown}: cannot read as Parquet: {_arrow_message(exc)}") from None
    in_groups = sum(g.num_rows for g in groups)
    if in_groups != meta.num_rows:
        raise DataError(f"{shown}: the footer says {meta.num_rows} rows, its row groups hold {in_groups}")
    names = parquet.schema_arrow.names

    def batches() -> Iterator[pa.RecordBatch]:
        for i, group in enumerate(groups):
            per_row = max(1, group.total_byte_size // max(1, group.num_rows))
            rows = max(1, min(PARQUET_BATCH_ROWS, PARQUET_BATCH_BYTES // per_row))
            seen = ColumnStats(len(names))
            try:
                for batch in parquet.iter_batches(batch_size=rows, row_groups=[i]):
                    seen.add(batch)
                    yield _as_text(_valid_utf8(batch, shown))
            except (pa.ArrowException, OSError) as exc:
                raise DataError(f"{shown}: cannot read as Parquet: {_arrow_message(exc)}") from None
            problem = seen.contradiction(group)
            if problem is not None:
                raise DataError(f"{shown}: row group {i}: {problem}; the file's metadata contradicts its data")

    return names, batches()


TEXT_TYPES = (pa.string(), pa.large_string(), pa.string_view())


def _valid_utf8(batch: pa.RecordBatch, shown: str) -> pa.RecordBatch:
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if column.type in TEXT_TYPES:
            try:
                column.validate(full=True)
            except pa.ArrowInvalid:
                raise CSVRowError(
                    shown, None, "a text value is not UTF-8 (the file is damaged)", printable(name)
                ) from None
    return batch


class ColumnStats:
    """The row count, null counts, minima and maxima of the columns of one row group, batch by batch."""

    def __init__(self, columns: int) -> None:
        self.rows = 0
        self.nulls = [0] * columns
        self.low: list[Any] = [None] * columns
        self.high: list[Any] = [None] * columns
        self.names: list[str] = []

    def add(self, batch: pa.RecordBatch) -> None:
        self.rows += batch.num_rows
        self.names = batch.schema.names
        for i, column in enumerate(batch.columns):
            self.nulls[i] += column.null_count
            if column.null_count == len(column) or not _ordered(column.type):
                continue
            pair = kernels.min_max(_comparable(column))
            low, high = pair["min"].as_py(), pair["max"].as_py()
            self.low[i] = low if self.low[i] is None or low < self.low[i] else self.low[i]
            self.high[i] = high if self.high[i] is None or high > self.high[i] else self.high[i]

    def contradiction(self, group: Any) -> str | None:
        """What the row group's metadata says that its data does not, or None."""
        if self.rows != group.num_rows:
            return f"the metadata says {group.num_rows} rows, the data holds {self.rows}"
        for i, name in enumerate(self.names):
            if i >= group.num_columns:
                break
            stats = group.column(i).statistics
            if stats is None:
                continue
            where = f"column {name!r}"
            if stats.has_null_count and stats.null_count != self.nulls[i]:
                return f"{where}: the statistics count {stats.null_count} nulls, the data holds {self.nulls[i]}"
            if not stats.has_min_max or self.low[i] is None:
                continue
            try:
                low, high = stats.min_raw, stats.max_raw
            except (pa.ArrowException, ValueError):
                return f"{where}: the statistics cannot be read"
            if low is None or high is None or type(low) is not type(self.low[i]):
                continue  # statistics of another physical type (reported as the column's stored type)
            if low > self.low[i] or high < self.high[i]:
                return (
                    f"{where}: the statistics give the range {_shown(low)} to {_shown(high)}, "
                    f"the data holds {_shown(self.low[i])} to {_shown(self.high[i])}"
                )
        return None


def _ordered(type_: pa.DataType) -> bool:
    return bool(pa.types.is_string(type_) or pa.types.is_integer(type_) or pa.types.is_date32(type_))


def _comparable(column: pa.Array) -> pa.Array:
    """The column as Parquet orders and stores its statistics: text as bytes, dates as day numbers."""
    if pa.types.is_string(column.type):
        return kernels.cast(column, pa.binary())
    if pa.types.is_date32(column.type):
        return kernels.cast(column, pa.int32())
    return column


def _shown(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return repr(excerpt(value, 40)) if isinstance(value, str) else str(value)


TEXT_READERS = {"csv": csv_batches, "parquet": parquet_text_batches}
