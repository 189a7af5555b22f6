"""Reading and writing table files: CSV and Parquet read as text batches, written from the explicit
Arrow schema, whole or streamed batch by batch.

Writers produce bytes deterministically (same rows, same bytes) and files appear atomically
(written to a temporary file beside the target, then ``os.replace``).
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
    with Staging(on_written) as staging:
        for path, data in files.items():
            staging.write(path, data)


class Staging:
    """Files written under temporary names beside their targets, then renamed into place together.

    Used as ``with Staging() as staging:``; ``staging.new(target)`` gives a temporary path to write
    (or stream) into. Only when the block ends without error is every file fsynced and renamed to
    its target; on an error every staged file is removed, and every directory made for them, and no
    target has been touched.
    """

    def __init__(self, on_written: Callable[[Path], None] | None = None) -> None:
        self.on_written = on_written
        self.staged: list[tuple[Path, Path]] = []
        self.made: list[Path] = []  # directories created here, outermost first

    def new(self, target: Path) -> Path:
        missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        self.made += reversed(missing)
        import tempfile  # only writers need it (4 ms of every validate otherwise)

        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        self.staged.append((Path(tmp), target))
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp creates 0600; published files are readable
        os.close(fd)
        return Path(tmp)

    def write(self, target: Path, data: bytes) -> None:
        self.new(target).write_bytes(data)

    def __enter__(self) -> Staging:
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
            for directory in [] if done else reversed(self.made):  # only empty ones go
                with contextlib.suppress(OSError):
                    directory.rmdir()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
                if not _straddles(exc) or size >= MAX_CSV_RECORD:
                    raise failure(exc, 0) from None
                size = min(size * 4, MAX_CSV_RECORD)

    reader, size = open_reader(block_size)
    header = reader.schema.names

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
    import pyarrow.parquet as pq  # here, not on import: validating CSV does without it

    shown = printable(path)
    try:
        parquet = pq.ParquetFile(path)
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


def _valid_utf8(batch: pa.RecordBatch, shown: str) -> pa.RecordBatch:
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
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
