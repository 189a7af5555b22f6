"""Shared fixtures: where the project is, and the release's CSV files read independently of the package."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_helpers import ROOT, release_rows


@pytest.fixture(scope="session")
def root() -> Path:
    """The project root (holds pyproject.toml, dist/, seeds/)."""
    return ROOT


@pytest.fixture(scope="session")
def csv_rows() -> Callable[[str], list[dict[str, str]]]:
    """``csv_rows(table)``: the rows of the release's ``csv/<table>.csv`` as text, read with the csv
    module (``cli_helpers.release_rows``, the one way the tests read the release's CSV)."""
    return release_rows


BUILD_INPUTS = ("curation", "seeds", "README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")


@pytest.fixture(scope="session")
def copy_build_inputs() -> Callable[[Path], Path]:
    """``copy_build_inputs(where)``: copy what ``python tools/build.py`` reads (curation, seeds, README,
    LICENSE, CITATION.cff, CHANGELOG.md) into a new directory ``where`` and return it."""

    def copy(where: Path) -> Path:
        where.mkdir(parents=True, exist_ok=True)
        for name in BUILD_INPUTS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, where / name)
            else:
                shutil.copy2(source, where / name)
        return where

    return copy
