"""Every code block in README.md, CONTRIBUTING.md and docs/*.md runs, as a reader would run it.

Each page runs in a fresh temporary folder that holds only the release zip (as if just downloaded),
its blocks in the order of the page, so a block may use what an earlier one made. What a block is
comes from its fence:

- ``python``: executed with ``exec``, the page's blocks as one session, against the installed
  package. (The README's are run as one session by tests/test_readme_python.py.)
- ``sh``: each command line runs in bash; a line ``A && B`` is split at ``&&`` so that a command on
  the NOT_RUN list below is left out while the rest of the line runs. A command whose program is on
  neither list fails the test: add it to one, with the reason. A line ``cd DIR`` changes the folder
  the rest of its block runs in, as it would for a reader typing the lines.
- ``sql``: the first line names the engine: ``-- DuckDB ...`` runs with the duckdb module,
  ``-- SQLite, in PATH: ...`` with Python's sqlite3 on that database. It must return rows.
- ``r``: run with Rscript where R is installed; it is not on the project's machines, so R blocks are
  listed as not run (test_not_run, shown by ``pytest -ra``).
- ``text``: output, not commands; never run.

tests/test_docs.py checks that docs/cli.md and docs/data-dictionary.md are fresh.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import ROOT, run
from natoseoul import __version__

LANGUAGES = {"python", "sh", "sql", "r", "text"}

# Commands a page may show that this test does not run, by their first words, and why.
NOT_RUN: dict[str, str] = {
    "pip install": "installs; the test runs against the package installed in its own environment",
    "pytest": "runs the test suite, which runs this test: it would recurse (CI runs it, .ci/run)",
    "git": "changes the repository",
    "cog": "rewrites docs/; tests/test_docs.py runs cog --check instead",
    "python tools/build.py": "works on the checkout, not a folder: it rewrites committed outputs (CI runs --check)",
    "python bench/run.py": "minutes to hours at these sizes; tests/test_bench_smoke.py runs it at 1k rows",
    ".ci/run": "the whole CI in a new virtual environment, with network access for pip",
    "datasette": "serves until stopped; tests/test_export_clients.py runs the same command with --get",
}
# Programs the test runs. A client that is not installed (shutil.which finds nothing) is listed as
# not run with that reason; natoseoul and frictionless come with the test extra and must be there.
RUN: dict[str, bool] = {
    "natoseoul": True,
    "frictionless": True,
    "unzip": True,
    "sha256sum": True,
    "cd": True,
    "sqlite3": False,
    "duckdb": False,
}


@dataclass(frozen=True)
class Block:
    page: str  # relative to the project root
    line: int  # of the opening fence
    language: str
    code: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


def pages() -> list[str]:
    """The pages with code blocks (CONTRIBUTING.md is not in the sdist; test_docs.py checks that a
    checkout has it)."""
    found = ["README.md", "CONTRIBUTING.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
    return [page for page in found if (ROOT / page).is_file()]


FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks(page: str) -> list[Block]:
    text = (ROOT / page).read_text(encoding="utf-8")
    return [
        Block(page, text.count("\n", 0, m.start()) + 1, m.group(1).strip(), m.group(2)) for m in FENCE.finditer(text)
    ]


def commands(block: Block) -> list[tuple[int, str]]:
    """The command lines of an sh block with their line numbers in the page (comment lines and blank
    lines dropped, lines ending in a backslash joined)."""
    out: list[tuple[int, str]] = []
    pending = ""
    for number, line in enumerate(block.code.splitlines(), block.line + 1):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        out.append((number, pending + stripped))
        pending = ""
    return out


def not_run_reason(command: str) -> str | None:
    """Why a command (one part of an ``&&`` list) is not run, or None when it is."""
    words = shlex.split(command, comments=True)
    for prefix, reason in NOT_RUN.items():
        if words[: len(prefix.split())] == prefix.split():
            return reason
    program = words[0]
    if program in RUN and not RUN[program] and shutil.which(program, path=_path()) is None:
        return f"{program} is not installed here"
    return None


def unknown(command: str) -> bool:
    """Whether a command is on neither list (the test refuses to run it)."""
    return not_run_reason(command) is None and shlex.split(command, comments=True)[0] not in RUN


def plan(block: Block) -> list[tuple[int, str, str | None]]:
    """(line, command, why not run or None) for each part of each command line of an sh block."""
    return [(n, part.strip(), not_run_reason(part)) for n, line in commands(block) for part in line.split(" && ")]


def _path() -> str:
    """PATH with this Python's scripts (natoseoul, frictionless) first."""
    return os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])


def not_run() -> list[Any]:
    """Every block or command that is shown but not run, as pytest params (id: page:line what)."""
    out = []
    for page in pages():
        for block in blocks(page):
            if block.language == "sh":
                for line, command, reason in plan(block):
                    if reason:
                        out.append(pytest.param(f"{page}:{line} {command}: {reason}", id=f"{page}:{line} {command}"))
            elif block.language == "r" and shutil.which("Rscript") is None:
                reason = "R (Rscript) is not installed on this machine"
                out.append(pytest.param(f"{page}:{block.line} r block: {reason}", id=f"{page}:{block.line} r block"))
    return out


def workspace(tmp: Path) -> Path:
    """A folder holding only the release zip, as a reader who has just downloaded it."""
    folder = tmp / "work"
    folder.mkdir()
    shutil.copy(ROOT / "dist" / f"natoseoul-{__version__}.zip", folder)
    return folder


def run_sh(block: Block, folder: Path) -> None:
    env = {**os.environ, "PATH": _path(), "PYTHONIOENCODING": "utf-8"}
    for line, command, reason in plan(block):
        if reason:
            continue
        assert not unknown(command), f"{block.page}:{line}: {command!r}: add its program to RUN or NOT_RUN"
        words = shlex.split(command, comments=True)
        if words[0] == "cd":
            assert len(words) == 2 and (folder / words[1]).is_dir(), f"{block.page}:{line}: {command}: no such folder"
            folder = folder / words[1]
            continue
        done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{block.page}:{line}: {command}\n{done.stdout}{done.stderr}"
        assert "Traceback" not in done.stdout + done.stderr, f"{block.page}:{line}: {command}\n{done.stderr}"


SQLITE = re.compile(r"^-- SQLite, in (\S+\.sqlite)\b")


def run_sql(block: Block, folder: Path) -> list[tuple[Any, ...]]:
    first = block.code.splitlines()[0]
    if first.startswith("-- DuckDB"):
        duckdb = pytest.importorskip("duckdb")
        with duckdb.connect() as con:
            return list(con.sql(block.code).fetchall())
    found = SQLITE.match(first)
    assert found, f"{block.where}: an sql block starts with '-- DuckDB' or '-- SQLite, in PATH' (got {first!r})"
    database = folder / found.group(1)
    assert database.is_file(), f"{block.where}: {found.group(1)} was not made by an earlier block"
    with sqlite3.connect(database) as con:
        return con.execute(block.code).fetchall()


def run_r(block: Block, folder: Path) -> None:
    script = folder / f"block-{block.line}.R"
    script.write_text(block.code, encoding="utf-8")
    done = subprocess.run(["Rscript", str(script)], cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{block.where}\n{done.stdout}{done.stderr}"


@pytest.mark.parametrize("page", pages())
def test_every_block_says_what_it_is(page: str) -> None:
    for block in blocks(page):
        assert block.language in LANGUAGES, f"{block.where}: fence language {block.language!r}, use one of {LANGUAGES}"


@pytest.mark.parametrize("page", pages())
def test_every_sh_command_is_on_a_list(page: str) -> None:
    for block in blocks(page):
        if block.language == "sh":
            for line, command, _ in plan(block):
                assert not unknown(command), f"{page}:{line}: {command!r}: add its program to RUN or NOT_RUN"


@pytest.mark.parametrize("page", pages())
def test_page_blocks_run(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = workspace(tmp_path)
    monkeypatch.chdir(folder)  # Python and DuckDB read the files the page's sh blocks wrote
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(page):
        if block.language == "python" and page != "README.md":  # README: tests/test_readme_python.py
            exec(compile(block.code, f"{block.where} (python block)", "exec"), namespace)
        elif block.language == "sh":
            run_sh(block, folder)
        elif block.language == "sql":
            assert run_sql(block, folder), f"{block.where}: the query returned no rows"
        elif block.language == "r" and shutil.which("Rscript"):
            run_r(block, folder)


@pytest.mark.parametrize("reason", not_run())
def test_not_run(reason: str) -> None:
    """One skipped test per block or command that the pages show and this module does not run."""
    pytest.skip(reason)


# --- the recipes give the right answers, not only some answer ---------------------------------


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the Parquet and SQLite exports of the release, under the recipes' names."""
    folder = tmp_path_factory.mktemp("exports")
    for fmt in ("parquet", "sqlite"):
        assert run("export", "-f", fmt, "-o", f"natoseoul-{fmt}", "--quiet", cwd=folder).code == 0
    return folder


def recipe(language: str, contains: str) -> Block:
    (block,) = [b for b in blocks("docs/recipes.md") if b.language == language and contains in b.code]
    return block


def test_duckdb_recipe_gives_the_join_made_by_hand(
    exports: Path, monkeypatch: pytest.MonkeyPatch, csv_rows: Callable[[str], list[dict[str, str]]]
) -> None:
    monkeypatch.chdir(exports)
    result = run_sql(recipe("sql", "indo-pacific"), exports)

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


def test_duckdb_over_arrow_recipe_counts_the_quotes(csv_rows: Callable[[str], list[dict[str, str]]]) -> None:
    pytest.importorskip("duckdb")
    namespace: dict[str, Any] = {}
    exec(recipe("python", "duckdb.sql").code, namespace)  # DuckDB finds the Arrow table by its variable name
    assert dict(namespace["counts"]) == Counter(q["speaker_id"] for q in csv_rows("quotes"))


def test_sqlite_recipe_finds_the_quotes_with_the_word(
    exports: Path, csv_rows: Callable[[str], list[dict[str, str]]]
) -> None:
    result = run_sql(recipe("sql", "quotes_fts"), exports)
    word = re.compile(r"\bpartners\b", re.I)  # FTS5 matches whole words, in any case
    expected = sorted((q["quote_id"], q["text"]) for q in csv_rows("quotes") if word.search(q["text"]))
    assert expected and result == expected
