"""Reading Parquet files with pyarrow's reader, without importing ``pyarrow.parquet``.

``pyarrow.parquet`` imports ``pyarrow.fs`` and with it the S3 and GCS file systems and ``ssl``
(docs/benchmarks.md), none of which a local file needs. Its ``ParquetFile`` wraps the reader of the
module that defines it, ``pyarrow._parquet``, which is used directly here. That module is private
to pyarrow: when it moves, ``pyarrow.parquet.ParquetFile`` is used instead, with the same methods.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa


class ParquetSource:
    """A Parquet file opened for reading: ``metadata``, ``schema_arrow``, ``read()`` and
    ``iter_batches()``, as ``pyarrow.parquet.ParquetFile`` has them."""

    def __init__(self, path: Path) -> None:
        try:
            from pyarrow._parquet import ParquetReader
        except ImportError:  # pragma: no cover - a pyarrow that moved its private module
            import pyarrow.parquet as pq

            self._file: Any = pq.ParquetFile(path)
            self._reader: Any = None
        else:
            self._file = None
            self._reader = ParquetReader()
            self._reader.open(str(path))
        handle = self._reader if self._file is None else self._file
        self.metadata = handle.metadata
        self.schema_arrow: pa.Schema = handle.schema_arrow

    def read(self) -> pa.Table:
        return self._reader.read_all() if self._file is None else self._file.read()

    def iter_batches(self, batch_size: int, row_groups: Sequence[int] | None = None) -> Iterator[pa.RecordBatch]:
        if self._file is not None:
            return iter(self._file.iter_batches(batch_size=batch_size, row_groups=row_groups))
        groups = range(self._reader.num_row_groups) if row_groups is None else row_groups
        return iter(self._reader.iter_batches(batch_size, list(groups)))

    def close(self) -> None:
        (self._reader if self._file is None else self._file).close()

    def __enter__(self) -> ParquetSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
