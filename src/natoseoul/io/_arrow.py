"""The Arrow compute kernels the checks and readers use, called by name as ``pyarrow.compute`` does.

They are taken from the module that defines them, without importing ``pyarrow.compute`` (which
writes a wrapper for every kernel Arrow registers; see docs/benchmarks.md). That module is private
to pyarrow, so when it moves the same names are taken from ``pyarrow.compute``, which re-exports them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

try:
    from pyarrow._compute import (
        ArraySortOptions,
        CastOptions,
        FilterOptions,
        MatchSubstringOptions,
        RunEndEncodeOptions,
        SetLookupOptions,
        StrftimeOptions,
        StrptimeOptions,
        TrimOptions,
        call_function,
    )
except ImportError:  # pragma: no cover - a pyarrow that moved its private module
    from pyarrow.compute import (
        ArraySortOptions,
        CastOptions,
        FilterOptions,
        MatchSubstringOptions,
        RunEndEncodeOptions,
        SetLookupOptions,
        StrftimeOptions,
        StrptimeOptions,
        TrimOptions,
        call_function,
    )

Value = Any  # an Arrow array or scalar


def _kernel(name: str) -> Any:
    """A kernel that takes only values, no options: ``_kernel("equal")(a, b)``."""

    def call(*values: Value) -> Any:
        return call_function(name, list(values))

    call.__name__ = call.__qualname__ = name
    return call


add = _kernel("add")
and_ = _kernel("and")
or_ = _kernel("or")
equal = _kernel("equal")
greater = _kernel("greater")
greater_equal = _kernel("greater_equal")
less = _kernel("less")
less_equal = _kernel("less_equal")
invert = _kernel("invert")
is_valid = _kernel("is_valid")
binary_length = _kernel("binary_length")
if_else = _kernel("if_else")
indices_nonzero = _kernel("indices_nonzero")
take = _kernel("take")
max_ = _kernel("max")
min_max = _kernel("min_max")  # a struct scalar {min, max}, nulls skipped
count_distinct = _kernel("count_distinct")
value_counts = _kernel("value_counts")
fill_null = _kernel("coalesce")  # the fill is a scalar of the column's type, as in pyarrow.compute.fill_null
binary_join_element_wise = _kernel("binary_join_element_wise")  # the separator is the last value


def cast(values: Value, to: pa.DataType) -> Any:
    """Arrow's safe cast: a value that does not fit raises ``pa.ArrowInvalid``."""
    return call_function("cast", [values], CastOptions.safe(to))


def filter_(values: Value, mask: Value) -> Any:
    return call_function("filter", [values, mask], FilterOptions("drop"))


def is_in(values: Value, value_set: pa.Array) -> Any:
    return call_function("is_in", [values], SetLookupOptions(value_set))


def match_substring_regex(values: Value, pattern: str) -> Any:
    return call_function("match_substring_regex", [values], MatchSubstringOptions(pattern))


def starts_with(values: Value, prefix: str) -> Any:
    return call_function("starts_with", [values], MatchSubstringOptions(prefix))


def ltrim(values: Value, characters: str) -> Any:
    return call_function("utf8_ltrim", [values], TrimOptions(characters))


def strptime(values: Value, format: str, unit: str) -> Any:
    """Parse timestamps; a cell that does not parse becomes null."""
    return call_function("strptime", [values], StrptimeOptions(format, unit, error_is_null=True))


def strftime(values: Value, format: str) -> Any:
    return call_function("strftime", [values], StrftimeOptions(format))


def sort_indices(values: Value) -> Any:
    return call_function("array_sort_indices", [values], ArraySortOptions())


def run_end_encode(values: Value) -> Any:
    return call_function("run_end_encode", [values], RunEndEncodeOptions())
