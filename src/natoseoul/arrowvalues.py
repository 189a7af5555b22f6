"""Arrow arrays and scalars built from Python values without pyarrow's Python-object converter.

``pa.array([...])``, ``pa.scalar(...)`` and every compute call given a bare Python value go through
that converter, which first asks whether the value is a pandas object and so imports pandas when it
is installed: a quarter of a second added to every ``natoseoul validate`` or ``export`` process.
The few constants the checks need are therefore assembled from raw buffers here.
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Sequence
from itertools import accumulate

import pyarrow as pa


def strings(values: Sequence[str]) -> pa.StringArray:
    """A string array of ``values`` (no nulls)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = array("i", [0, *accumulate(len(e) for e in encoded)])
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    return pa.Array.from_buffers(pa.string(), len(values), buffers)


def integers(values: Sequence[int]) -> pa.Int64Array:
    """An int64 array of ``values`` (no nulls)."""
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(array("q", values))])


def string(value: str) -> pa.StringScalar:
    return strings([value])[0]


def integer(value: int) -> pa.Int64Scalar:
    return integers([value])[0]


def date(value: dt.date) -> pa.Date32Scalar:
    """A date32 scalar (days since 1970-01-01)."""
    days = value.toordinal() - dt.date(1970, 1, 1).toordinal()
    return pa.Array.from_buffers(pa.date32(), 1, [None, pa.py_buffer(array("i", [days]))])[0]


def boolean(value: bool) -> pa.BooleanScalar:
    return pa.Array.from_buffers(pa.bool_(), 1, [None, pa.py_buffer(b"\x01" if value else b"\x00")])[0]


TRUE, FALSE = boolean(True), boolean(False)
