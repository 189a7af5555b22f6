"""The ``natoseoul`` program's own process (``process.py``): the table commands run without numpy,
pandas or ``pyarrow.compute``, have mimalloc commit memory on demand and run without the cyclic
garbage collector, and the program ends without the interpreter's teardown once its output is out,
while a user's Python that calls the library keeps the defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ENTRY_POINT, copy_release, damaged_release, set_cell

pytest.importorskip("numpy")  # the point is that numpy is installed and still not imported
PROGRAMS = {"console script": [str(ENTRY_POINT)], "python -m": ["-m", "natoseoul"]}


def imported(args: list[str], program: list[str], env: dict[str, str] | None = None) -> tuple[int, str, set[str]]:
    """Run the program under ``-X importtime``: exit status, stdout and every module it imported."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *program, *args], capture_output=True, text=True, env=env, timeout=300
    )
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.returncode, proc.stdout, modules


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in ("numpy", "pandas") or m == "pyarrow.compute"}


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_validate_reads_csv_and_parquet_without_numpy_or_pyarrow_compute(tmp_path: Path, program: list[str]) -> None:
    dist = damaged_release(tmp_path)
    code, out, modules = imported(["validate", str(dist)], program)
    assert code == 1 and "is not a date" in out and "duplicate primary key" in out and "is not an event_id" in out
    assert "pyarrow.parquet" in modules  # the Parquet resources were read too
    assert heavy(modules) == set()


def test_export_verify_and_info_run_without_numpy(tmp_path: Path) -> None:
    program = PROGRAMS["console script"]
    for args in (
        ["export", "-q", "-f", "csv", "-o", str(tmp_path / "csv")],
        ["export", "-q", "--from", str(tmp_path / "csv"), "-f", "parquet", "-o", str(tmp_path / "parquet")],
        ["export", "-q", "-f", "xlsx", "-o", str(tmp_path / "xlsx")],
        ["export", "-q", "-f", "sqlite", "-o", str(tmp_path / "sqlite")],
        ["export", "-q", "-f", "jsonl", "-o", str(tmp_path / "jsonl")],
        ["verify"],
        ["info"],
    ):
        code, _, modules = imported(args, program)
        assert code == 0, args
        assert {m for m in heavy(modules) if not m.startswith("pyarrow")} == set(), args
    written = ["parquet/quotes.parquet", "xlsx/natoseoul.xlsx", "sqlite/natoseoul.sqlite", "jsonl/quotes.jsonl"]
    assert all((tmp_path / name).is_file() for name in written)


def test_validate_with_frictionless_runs_in_the_program() -> None:
    """The program's set-up (no numpy, no collector) is not applied to --frictionless, which needs them."""
    done = subprocess.run([ENTRY_POINT, "validate", "--frictionless"], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "") and done.stdout.startswith("valid:")


def after_prepare(args: list[str], env: dict[str, str]) -> str:
    """What ``prepare(args)`` leaves in a fresh process: mimalloc's arena setting, Arrow's memory pool,
    whether numpy imports and whether the cyclic garbage collector runs."""
    code = (
        "import gc, os, sys\nfrom natoseoul.process import prepare\nprepare(sys.argv[1:])\nimport pyarrow as pa\n"
        "try:\n    import numpy\n    numpy_ok = True\nexcept ImportError:\n    numpy_ok = False\n"
        "print(os.environ.get('MIMALLOC_ARENA_EAGER_COMMIT', '-'), pa.default_memory_pool().backend_name,"
        " 'numpy' if numpy_ok else 'no numpy', 'gc' if gc.isenabled() else 'no gc')\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env).stdout.strip()


def test_table_commands_commit_memory_on_demand_unless_the_user_chose() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MIMALLOC_", "ARROW_"))}
    pool = after_prepare([], env).split()[1]  # pyarrow's own choice on this platform, kept throughout
    assert after_prepare(["validate", "pkg"], env) == f"0 {pool} no numpy no gc"
    assert after_prepare(["validate", "pkg", "--frictionless"], env) == f"0 {pool} numpy gc"
    assert after_prepare(["show", "events"], env) == f"- {pool} numpy gc"  # other commands: the defaults
    assert after_prepare(["build"], env) == f"- {pool} numpy gc"
    export = after_prepare(["export", "-f", "csv"], {**env, "MIMALLOC_ARENA_EAGER_COMMIT": "1"})
    assert export == f"1 {pool} no numpy no gc"


def test_main_called_from_python_leaves_the_users_imports_alone() -> None:
    code = (
        "from natoseoul.cli import main\ntry:\n    main(['validate'])\nexcept SystemExit as exit:\n"
        "    print('exit', exit.code)\nimport gc, os, numpy\n"
        "print(os.environ.get('MIMALLOC_ARENA_EAGER_COMMIT', '-'))\nprint(gc.isenabled())\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.splitlines()[-3:] == ["exit 0", "-", "True"]


def run_program(args: list[str]) -> subprocess.CompletedProcess[str]:
    """``process.run`` in a fresh Python with an exit handler that says whether the interpreter's
    own teardown ran."""
    code = (
        "import atexit, sys\natexit.register(lambda: print('interpreter teardown'))\n"
        "sys.argv = ['natoseoul', *sys.argv[1:]]\nfrom natoseoul.process import run\nrun()\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)


def test_the_program_ends_at_once_with_its_output_and_exit_status(tmp_path: Path) -> None:
    done = run_program(["validate"])
    assert done.returncode == 0 and done.stdout.startswith("valid:") and "interpreter teardown" not in done.stdout
    dist = copy_release(tmp_path)
    set_cell(dist / "csv" / "events.csv", 0, "date_start", "2023-02-30")
    done = run_program(["validate", str(dist)])
    assert done.returncode == 1 and "is not a date" in done.stdout and "interpreter teardown" not in done.stdout
    done = run_program(["show", "no_such_table"])  # click's own errors go the same way
    assert done.returncode != 0 and "unknown table" in done.stderr and "interpreter teardown" not in done.stdout


class Unflushable:
    def flush(self) -> None:
        raise BrokenPipeError(32, "Broken pipe")


@pytest.mark.parametrize("code", ["a message for stderr", 0])
def test_an_exit_with_a_message_or_unflushable_output_is_left_to_python(
    monkeypatch: pytest.MonkeyPatch, code: object
) -> None:
    from natoseoul import process

    def refuse(status: int) -> None:
        raise AssertionError(f"os._exit({status}) called")

    monkeypatch.setattr(os, "_exit", refuse)
    if code == 0:
        monkeypatch.setattr(sys, "stdout", Unflushable())
    assert process.exit_now(code) is None  # returned: Python's own exit reports it as usual
