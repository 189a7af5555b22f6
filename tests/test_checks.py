"""The column checks on text cells, the core shared by the build and `natoseoul validate`."""

from __future__ import annotations

import pyarrow as pa
import pytest

from natoseoul.checks import TableChecker, parse_column
from natoseoul.schema import TABLES, Field


@pytest.mark.parametrize("bad", ["2023-02-30", "2023-13-01", "2023-1-01", "30/01/2023", "2023-02-29", " 2023-01-30"])
def test_impossible_or_malformed_dates_are_refused(bad: str) -> None:
    values, bad_mask = parse_column(Field("d", "date", "a date"), pa.array(["2024-02-29", bad, None]))
    assert bad_mask.to_pylist() == [False, True, False]
    assert values.to_pylist()[0].isoformat() == "2024-02-29"
    assert values.to_pylist()[1:] == [None, None]


@pytest.mark.parametrize(("cell", "bad"), [("12", False), ("-3", False), ("1.0", True), ("1e3", True), ("", False)])
def test_integers(cell: str, bad: bool) -> None:
    assert parse_column(Field("n", "integer", "a number"), pa.array([cell])).__getitem__(1).to_pylist() == [bad]


def test_a_batch_reports_row_and_field() -> None:
    topics = TABLES["topics"]
    batch = pa.table(
        {
            "topic_id": ["ok", "ok", "Bad Id"],
            "label": ["A", "B", None],
            "description": ["a", "b", "c"],
            "parent_topic_id": [None, "missing", None],
            "plover_context": ["cyber", "nope", None],
        }
    )
    checker = TableChecker(topics)
    problems = checker.feed(batch) + checker.finish()
    found = {(p.row, p.field) for p in problems}
    assert {(2, "topic_id"), (2, "label"), (1, "plover_context"), (1, "topic_id")} <= found
