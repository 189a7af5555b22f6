"""The README's examples work: its Python blocks run in order as one session, and its DuckDB SQL
runs over dist/parquet."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def test_readme_duckdb_sql_runs_over_the_parquet_files(
    root: Path, monkeypatch: pytest.MonkeyPatch, csv_rows: Callable[[str], list[dict[str, str]]]
) -> None:
    """The SQL recipe's join gives what the CSV rows give when joined by hand."""
    duckdb = pytest.importorskip("duckdb")
    (code,) = _blocks(root, "sql")
    monkeypatch.chdir(root)
    result = duckdb.sql(code).fetchall()

    names = {p["participant_id"]: p["name"] for p in csv_rows("participants")}
    events = {e["event_id"]: e for e in csv_rows("events")}
    found = [q for q in csv_rows("quotes") if "indo-pacific" in q["text"].lower()]

    def order(quote: dict[str, str]) -> tuple[bool, str, str]:  # ORDER BY e.date_start, q.quote_id (NULLs last)
        date = events.get(quote["event_id"], {}).get("date_start", "")
        return (not date, date, quote["quote_id"])

    found.sort(key=order)
    expected = [
        (names[q["speaker_id"]], events[q["event_id"]]["title"] if q["event_id"] in events else None, q["text"])
        for q in found
    ]
    assert expected and result == expected


def test_readme_duckdb_over_arrow_tables_runs(root: Path, csv_rows: Callable[[str], list[dict[str, str]]]) -> None:
    """The one-line recipe for DuckDB over ``natoseoul.load``'s Arrow tables, as the README gives it."""
    pytest.importorskip("duckdb")
    readme = (root / "README.md").read_text(encoding="utf-8")
    (line,) = re.findall(r"^`(quotes = natoseoul\.load.*duckdb\.sql\(.*\))`\.$", readme, re.M)
    setup, query = line.split("; ")
    namespace: dict[str, Any] = {}
    exec("import duckdb, natoseoul\n" + setup, namespace)
    result = eval(query, namespace)  # DuckDB finds the Arrow table by its variable name
    counts = Counter(q["speaker_id"] for q in csv_rows("quotes"))
    assert dict(result.fetchall()) == counts
