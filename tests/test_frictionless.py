"""frictionless, as a second opinion, on the published descriptors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_helpers import ROOT, csv_rows

frictionless = pytest.importorskip("frictionless")


def test_root_descriptor_is_valid_and_every_row_is_read() -> None:
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    for task in report.tasks:
        assert task.stats["rows"] == len(csv_rows(ROOT / task.place)), task.name


@pytest.mark.parametrize("name", ["datapackage.json", "datapackage-parquet.json"])
def test_release_descriptors_are_valid_and_every_row_is_read(name: str) -> None:
    """Both release descriptors pass as they are (no error skipped), each table read whole: the
    CSV one with its sizes and hashes checked, the Parquet one (frictionless[parquet] and pandas)
    declaring nothing frictionless cannot check."""
    report = frictionless.validate(str(ROOT / "dist" / name))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    tables = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert [task.name for task in report.tasks] == [t["name"] for t in tables]
    for task in report.tasks:
        assert task.stats["rows"] == len(csv_rows(ROOT / "dist" / "csv" / f"{task.name}.csv")), task.name


def test_frictionless_sees_a_dangling_foreign_key(tmp_path: Path) -> None:
    for name in ("datapackage.json", "schemas", "dist"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, tmp_path / name)
    quotes = tmp_path / "dist" / "csv" / "quotes.csv"
    text = quotes.read_text(encoding="utf-8")
    quotes.write_text(text.replace('"stoltenberg-jens"', '"stoltenberg-j"', 1), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"), skip_errors=["hash-count", "byte-count"])
    assert not report.valid
    assert "foreign-key" in {error.type for task in report.tasks for error in task.errors}
