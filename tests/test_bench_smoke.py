"""The benchmark script runs end to end at 1k rows (timings are reported, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow
import pytest

from cli_helpers import ROOT

pytest.importorskip("frictionless")


def test_benchmark_writes_its_json_and_both_validators_agree(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    cmd = [sys.executable, str(ROOT / "bench" / "run.py"), "--rows", "1000", "--repeat", "1", "--load-repeat", "1"]
    done = subprocess.run([*cmd, "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(out.read_text())
    assert result["rows"] >= 1000
    for key in ("validate_vs_frictionless", "export_vs_pyarrow", "load_vs_pyarrow", "load_vs_parquetfile"):
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["export_same_tables"] is True
    assert result["repeat"] == {"validate_export": 1, "load": 1}  # how many runs each median is of
    assert set(result["peak_rss_mb"]) == {"validate", "export", "frictionless", "pyarrow_export"}
    assert all(v > 0 for v in result["peak_rss_mb"].values())
    steps = ("validate", "frictionless", "import_click_pyarrow", "export", "pyarrow_export", "load", "pyarrow_load",
             "parquetfile_load")  # fmt: skip
    for step in steps:
        assert result["seconds"][step] > 0, step
    versions = result["versions"]  # what the numbers were measured on
    assert versions["python"] == ".".join(map(str, sys.version_info[:3])) and versions["pyarrow"] == pyarrow.__version__
    assert versions["natoseoul"] and versions["frictionless"]
    planted = result["planted_errors"]
    assert planted["agree"] and planted["mismatches"] == []
    assert planted["natoseoul_found"] == planted["frictionless_found"] == planted["planted"] > 0
