"""Shared helpers for the command-line tests: run a command in-process (CliRunner) or through the
installed ``natoseoul`` entry point, and read the release files independently of the code under test."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from natoseoul._release import data_dir
from natoseoul.cli import main

ROOT = Path(__file__).resolve().parents[1]  # the project root (holds pyproject.toml, dist/, seeds/)
TOOLS = ROOT / "tools"  # the maintainers' build, not part of the package
if str(TOOLS) not in sys.path:
    sys.path.insert(0, str(TOOLS))
ENTRY_POINT = Path(sys.executable).parent / "natoseoul"
MODES = ["runner", "subprocess"]


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run(*args: str, mode: str = "runner", cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``natoseoul ARGS`` in ``cwd`` with ``env`` added to the environment, and check it never
    shows a traceback: in this process (``runner``), or as the installed program in a subprocess."""
    if mode == "runner":
        with contextlib.chdir(cwd or Path.cwd()):
            result = CliRunner(env=env).invoke(main, list(args), prog_name="natoseoul", catch_exceptions=False)
        outcome = Run(result.exit_code, result.stdout, result.stderr)
    else:
        proc = subprocess.run(
            [str(ENTRY_POINT), *args], capture_output=True, text=True, cwd=cwd, timeout=300,
            env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        )  # fmt: skip
        outcome = Run(proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in outcome.out + outcome.err, outcome.err
    return outcome


def run_build(*args: str, env: dict[str, str] | None = None) -> Run:
    """Run ``python tools/build.py ARGS`` as maintainers do, in a subprocess."""
    proc = subprocess.run(
        [sys.executable, str(TOOLS / "build.py"), *args], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )  # fmt: skip
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def release() -> Path:
    return data_dir()


def csv_rows(path: Path) -> list[dict[str, str]]:
    """A CSV file read with the csv module (every cell a string; missing cells are '')."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def release_rows(table: str) -> list[dict[str, str]]:
    return csv_rows(release() / "csv" / f"{table}.csv")


def release_descriptor() -> dict[str, Any]:
    return json.loads((release() / "datapackage.json").read_text(encoding="utf-8"))


def set_first_resource_path(package: Path, path: str) -> None:
    """Point the first resource of the package's descriptor at ``path``."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def copy_release(tmp: Path, seeds: bool = True) -> Path:
    """A copy of the release at ``tmp/dist``: every file its SHA256SUMS lists, and SHA256SUMS (the
    seeds in ``dist/seeds`` as in a download; with ``seeds=False``, none, and the seeds missing)."""
    dist = tmp / "dist"
    dist.mkdir(parents=True)
    source = release()
    for line in (source / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        rel = line.split("  ", 1)[1]
        if not seeds and rel.startswith("seeds/"):
            continue
        (dist / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / rel, dist / rel)
    shutil.copy(source / "SHA256SUMS", dist)
    return dist


def release_files() -> list[str]:
    """The files of the release, as its SHA256SUMS lists them (SHA256SUMS not among them)."""
    lines = (release() / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return [line.split("  ", 1)[1] for line in lines]


def set_cell(path: Path, row: int, field: str, value: str) -> None:
    """Rewrite one cell of a CSV file (row: 0-based data row)."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        names = list(reader.fieldnames or [])
        rows = list(reader)
    rows[row][field] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def damaged_release(tmp: Path) -> Path:
    """A copy of the release (``copy_release``) whose events.csv has an impossible date in row 2 and
    row 2's event_id again in row 3: a duplicate key, and references left dangling."""
    dist = copy_release(tmp)
    events = dist / "csv" / "events.csv"
    set_cell(events, 0, "date_start", "2023-02-30")
    set_cell(events, 1, "event_id", csv_rows(events)[0]["event_id"])
    return dist


_REPORT_LOADED = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('\\nloaded:', *sorted(m for m, v in sys.modules.items() if v is not None)))\n"
)


def loaded_modules(code: str, *args: str) -> tuple[int, str, set[str]]:
    """Run ``code`` in a fresh Python with ``args``: its exit status, what it printed, and every module
    loaded when it ended (the one import probe of the tests)."""
    proc = subprocess.run(
        [sys.executable, "-c", _REPORT_LOADED + code, *args], capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    out, _, loaded = proc.stdout.rpartition("\nloaded:")
    return proc.returncode, out, set(loaded.split())
