"""``kernels.py`` calls Arrow's kernels by name; each must give what ``pyarrow.compute`` gives."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from natoseoul.io import _arrow as kernels

TEXT = pa.array(["b", None, "", "a", "b", "2023-02-30", "2023-01-30", "한국", "-12"])
DATES = pa.array([None, "2023-01-30", "2023-02-30", "x"])
FLAGS = pa.array([True, None, False, True])
NUMBERS = pa.array([3, None, 1, 2])
CASES: list[tuple[str, Callable[..., Any], Callable[..., Any], tuple[Any, ...]]] = [
    ("add", kernels.add, pc.add, (NUMBERS, pa.scalar(5))),
    ("and", kernels.and_, pc.and_, (FLAGS, pa.array([True, True, None, False]))),
    ("or", kernels.or_, pc.or_, (FLAGS, pa.array([False, True, None, False]))),
    ("equal", kernels.equal, pc.equal, (TEXT, pa.scalar("b"))),
    ("greater", kernels.greater, pc.greater, (NUMBERS, pa.scalar(1))),
    ("less", kernels.less, pc.less, (NUMBERS, pa.scalar(2))),
    ("less_equal", kernels.less_equal, pc.less_equal, (NUMBERS, pa.scalar(2))),
    ("invert", kernels.invert, pc.invert, (FLAGS,)),
    ("is_valid", kernels.is_valid, pc.is_valid, (TEXT,)),
    ("binary_length", kernels.binary_length, pc.binary_length, (TEXT,)),
    ("if_else", kernels.if_else, pc.if_else, (FLAGS, NUMBERS, pa.scalar(0))),
    ("indices_nonzero", kernels.indices_nonzero, pc.indices_nonzero, (FLAGS,)),
    ("take", kernels.take, pc.take, (TEXT, pa.array([3, 0, 1]))),
    ("max", kernels.max_, pc.max, (NUMBERS,)),
    ("count_distinct", kernels.count_distinct, pc.count_distinct, (TEXT,)),
    ("value_counts", kernels.value_counts, pc.value_counts, (TEXT,)),
    ("fill_null", kernels.fill_null, pc.fill_null, (FLAGS, pa.scalar(False))),
    ("binary_join", kernels.binary_join_element_wise, pc.binary_join_element_wise, (TEXT, TEXT, pa.scalar("|"))),
    ("cast", kernels.cast, pc.cast, (pa.array(["1", "-2", None]), pa.int64())),
    ("filter", kernels.filter_, pc.filter, (NUMBERS, FLAGS)),
    ("is_in", kernels.is_in, lambda v, s: pc.is_in(v, value_set=s), (TEXT, pa.array(["a", "b"]))),
    ("regex", kernels.match_substring_regex, pc.match_substring_regex, (TEXT, "^[a-z]+$")),
    ("strptime", kernels.strptime, lambda v, f, u: pc.strptime(v, f, u, error_is_null=True), (DATES, "%Y-%m-%d", "s")),
    ("strftime", kernels.strftime, pc.strftime, (pa.array([19387, None], pa.date32()), "%Y-%m-%d")),
    ("sort_indices", kernels.sort_indices, pc.sort_indices, (TEXT,)),
    ("run_end_encode", kernels.run_end_encode, pc.run_end_encode, (pa.array(["a", "a", "b", None, None]),)),
]


@pytest.mark.parametrize(("ours", "theirs", "args"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_kernel_agrees_with_pyarrow_compute(ours: Callable[..., Any], theirs: Callable[..., Any], args: Any) -> None:
    assert ours(*args).equals(theirs(*args))


def test_cast_refuses_what_does_not_fit() -> None:
    with pytest.raises(pa.ArrowInvalid):
        kernels.cast(pa.array(["1", "x"]), pa.int64())
    with pytest.raises(pa.ArrowInvalid):
        kernels.cast(pa.array(["2023-02-30"]), pa.date32())
