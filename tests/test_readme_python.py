"""The README's examples work: its Python blocks run in order as one session, and its DuckDB SQL
runs over dist/parquet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def _blocks(root: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", (root / "README.md").read_text(encoding="utf-8"), re.M | re.S)


def test_readme_python_examples_run(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks(root, "python")
    assert blocks, "the README has no ```python examples"
    monkeypatch.chdir(tmp_path)  # examples must not depend on, or write into, the checkout
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"README.md python block {number}", "exec"), namespace)


def test_readme_duckdb_sql_runs_over_the_parquet_files(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    duckdb = pytest.importorskip("duckdb")
    blocks = _blocks(root, "sql")
    assert blocks, "the README has no ```sql recipe"
    monkeypatch.chdir(root)
    for code in blocks:
        result = duckdb.sql(code).fetchall()
        assert isinstance(result, list)
