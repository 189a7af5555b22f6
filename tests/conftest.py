"""Shared fixtures: where the project is, and the release's CSV files read independently of the package."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root (holds pyproject.toml, dist/, seeds/)."""
    return ROOT


@pytest.fixture(scope="session")
def csv_rows() -> Callable[[str], list[dict[str, str]]]:
    """``csv_rows(table)``: the rows of ``dist/csv/<table>.csv`` as text, read with the csv module."""

    def read(name: str) -> list[dict[str, str]]:
        with (ROOT / "dist" / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    return read
