"""The ``natoseoul`` program as a process: its commands work where numpy is installed but left
unimported (``cli.prepare``), ``--frictionless`` gets what frictionless needs, it ends as Python
programs do (exit handlers, profilers), and a user's Python calling the library keeps its defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import ENTRY_POINT, damaged_release, loaded_modules

pytest.importorskip("numpy")  # the point is that numpy is installed and still not imported
PROGRAMS = {"console script": [str(ENTRY_POINT)], "python -m": ["-m", "natoseoul"]}


def imported(args: list[str], program: list[str]) -> tuple[int, str, set[str]]:
    """Run the program (the console script's code, or ``python -m``): its exit status, its output
    and every module loaded when it ended."""
    if program == PROGRAMS["console script"]:
        start = "from natoseoul.cli import run\nrun()\n"
    else:
        start = "import runpy\nrunpy.run_module('natoseoul', run_name='__main__')\n"
    return loaded_modules("import sys\nsys.argv = ['natoseoul', *sys.argv[1:]]\n" + start, *args)


def heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in ("numpy", "pandas")}


@pytest.mark.parametrize("program", PROGRAMS.values(), ids=PROGRAMS.keys())
def test_validate_reads_csv_and_parquet_without_numpy(tmp_path: Path, program: list[str]) -> None:
    dist = damaged_release(tmp_path)
    code, out, modules = imported(["validate", str(dist)], program)
    assert code == 1 and "is not a date" in out and "duplicate primary key" in out and "is not an event_id" in out
    assert "pyarrow._parquet" in modules  # the Parquet resources were read too
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
        assert heavy(modules) == set(), args
    written = ["parquet/quotes.parquet", "xlsx/natoseoul.xlsx", "sqlite/natoseoul.sqlite", "jsonl/quotes.jsonl"]
    assert all((tmp_path / name).is_file() for name in written)


def test_validate_with_frictionless_runs_in_the_program() -> None:
    """The program's set-up (no numpy) is not applied to --frictionless, which needs it."""
    done = subprocess.run([ENTRY_POINT, "validate", "--frictionless"], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, "") and done.stdout.startswith("valid:")


def test_main_called_from_python_leaves_the_users_imports_alone() -> None:
    code = (
        "from natoseoul.cli import main\ntry:\n    main(['validate'])\nexcept SystemExit as exit:\n"
        "    print('exit', exit.code)\nimport os, numpy\n"
        "print(os.environ.get('MIMALLOC_ARENA_EAGER_COMMIT', '-'))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.splitlines()[-2:] == ["exit 0", "-"]


def test_the_program_runs_a_users_exit_handlers() -> None:
    """The program ends as Python programs do, so atexit handlers (coverage, a tracer's report) run."""
    code = (
        "import atexit, sys\natexit.register(lambda: print('exit handler ran'))\n"
        "sys.argv = ['natoseoul', *sys.argv[1:]]\nfrom natoseoul.cli import run\nrun()\n"
    )
    for args, status in ((["validate"], 0), (["show", "no_such_table"], 1)):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == status and done.stdout.rstrip().endswith("exit handler ran"), done


def test_the_program_can_be_profiled() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-s", "cumulative", "-m", "natoseoul", "info"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("natoseoul ") and "function calls" in done.stdout and "Ordered by" in done.stdout


# Every command once through the installed console script, as a user runs it (the other tests drive
# the same commands in process with click's CliRunner): exit status, what it prints, nothing on stderr.
ENTRY_POINT_RUNS = {
    "validate": (["validate"], "valid: 24 file(s)"),
    "verify": (["verify"], "ok: "),
    "info": (["info"], "natoseoul "),
    "show": (["show", "events", "--where", "event_type=meeting", "--limit", "1"], "event_id"),
    "export": (["export", "-q", "-f", "csv", "-o", "{tmp}/csv"], "exported 14 file(s) as csv"),
    "diff": (["diff", "{release}"], "old: "),
    "site": (["site", "-q", "-o", "{tmp}/site"], "wrote a site of"),
}


def test_every_command_is_run_through_the_entry_point() -> None:
    from natoseoul.cli import main

    assert set(ENTRY_POINT_RUNS) == set(main.commands)


@pytest.mark.parametrize("command", ENTRY_POINT_RUNS)
def test_every_command_runs_through_the_installed_entry_point(tmp_path: Path, command: str) -> None:
    from natoseoul._release import data_dir

    args, starts = ENTRY_POINT_RUNS[command]
    args = [a.format(tmp=tmp_path, release=data_dir()) for a in args]
    done = subprocess.run([str(ENTRY_POINT), *args], capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith(starts), done.stdout[:200]
