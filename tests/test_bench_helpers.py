"""The benchmark's own helpers: the order it times commands in, and its check that both exports
hold the same tables (the README's export ratio is only meaningful if they do)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cli_helpers import ROOT


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def _write(directory: Path, tables: dict[str, pa.Table]) -> None:
    directory.mkdir()
    for name, table in tables.items():
        pq.write_table(table, directory / f"{name}.parquet")


def _typed_tables(bench: ModuleType) -> dict[str, pa.Table]:
    return {name: spec.arrow_schema().empty_table() for name, spec in bench.TABLES.items()}


def test_same_tables_ignores_only_nullability(bench: ModuleType, tmp_path: Path) -> None:
    ours = _typed_tables(bench)
    theirs = {name: t.cast(pa.schema([f.with_nullable(True) for f in t.schema])) for name, t in ours.items()}
    _write(tmp_path / "ours", ours)
    _write(tmp_path / "theirs", theirs)
    assert bench.same_tables(tmp_path / "ours", tmp_path / "theirs")


def test_same_tables_catches_a_type_or_a_value(bench: ModuleType, tmp_path: Path) -> None:
    ours = _typed_tables(bench)
    _write(tmp_path / "ours", ours)
    # a column written as text where the schema says integer: same values once cast, not the same table
    retyped = dict(ours)
    retyped["quotes"] = ours["quotes"].cast(
        pa.schema([f.with_type(pa.string()) if f.name == "char_start" else f for f in ours["quotes"].schema])
    )
    _write(tmp_path / "retyped", retyped)
    assert not bench.same_tables(tmp_path / "ours", tmp_path / "retyped")
    # one value different
    schema = ours["topics"].schema
    topics = pa.table({f.name: pa.array(["x"], f.type) if f.type == pa.string() else [None] for f in schema}, schema)
    changed = dict(ours, topics=topics)
    label = schema.get_field_index("label")
    _write(tmp_path / "left", changed)
    _write(tmp_path / "right", dict(changed, topics=topics.set_column(label, "label", pa.array(["y"]))))
    assert bench.same_tables(tmp_path / "left", tmp_path / "left")
    assert not bench.same_tables(tmp_path / "left", tmp_path / "right")
