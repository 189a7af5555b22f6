"""Reading and writing table files: CSV as text batches, Parquet from the explicit Arrow schema.

Writers produce bytes deterministically (same rows, same bytes) and files appear atomically
(written to a temporary file beside the target, then ``os.replace``).
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from .errors import DataError
from .schema import Table

CSV_BLOCK_SIZE = 1 << 22  # 4 MiB of CSV per batch: bounded memory on large files

PARQUET_OPTIONS: dict[str, object] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_version": "1.0",
    "store_schema": True,
    "row_group_size": 1 << 17,
}


def csv_bytes(data: pa.Table) -> bytes:
    """RFC 4180 CSV, UTF-8, LF line ends, header first; strings quoted, nulls as empty cells, so an
    empty string ("") stays distinct from a null."""
    sink = io.BytesIO()
    pacsv.write_csv(data, sink, pacsv.WriteOptions(include_header=True, quoting_style="needed", eol="\n"))
    return sink.getvalue()


def parquet_bytes(data: pa.Table) -> bytes:
    """Parquet written straight from the Arrow table (its schema carries the field descriptions)."""
    sink = io.BytesIO()
    import pyarrow.parquet as pq  # here, not on import: the CSV-only commands do without it

    pq.write_table(data, sink, **PARQUET_OPTIONS)
    return sink.getvalue()


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes so that the file is either complete or absent: temp file, fsync, rename."""
    write_all_atomic({path: data})


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a temp file beside ``path`` (fsynced, with the usual file mode) and return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp creates 0600; published files are readable
            os.fsync(f.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def csv_batches(
    path: Path, table: Table, block_size: int = CSV_BLOCK_SIZE
) -> tuple[list[str], Iterator[pa.RecordBatch]]:
    """Open a CSV file as text cells: returns its header and an iterator of record batches.

    Every column is read as a string (types are checked afterwards, cell by cell). An unquoted empty
    cell is null; a quoted empty cell is the empty string.
    """
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=block_size, use_threads=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in table.field_names},
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                null_values=[""],
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: cannot read as CSV: {_arrow_message(exc)}") from None
    header = reader.schema.names

    def batches() -> Iterator[pa.RecordBatch]:
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                return
            except (pa.ArrowInvalid, OSError) as exc:
                raise DataError(f"{path}: cannot read as CSV: {_arrow_message(exc)}") from None
            yield batch.cast(pa.schema([pa.field(n, pa.string()) for n in batch.schema.names]))

    return header, batches()


def _arrow_message(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "invalid UTF8" in first:
        return f"not UTF-8 text (save the file as UTF-8): {first}"
    return first


def write_all_atomic(files: Mapping[Path, bytes], on_written: Callable[[Path], None] | None = None) -> None:
    """Write several files so that a failure leaves none of them touched: every file is first staged
    (temp file beside its target, fsync), and only when all are staged are they renamed into place."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            staged.append((_stage(path, data), path))
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
            if on_written is not None:
                on_written(path)
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
