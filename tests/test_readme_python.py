"""The README is a short front door whose examples work: its Python tour runs in order as one
session, its Quickstart is the two agreed commands (CI runs the second), its table names every
user command, and it stays near 1,500 words. tests/test_docs_blocks.py runs its sh blocks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from natoseoul import __version__
from natoseoul.cli import main

QUICKSTART = [
    "pip install . && natoseoul validate && natoseoul export -f csv -o natoseoul-csv",
    'pip install ".[test]" && pytest',
]
MAX_WORDS = 1600  # "at most about 1,500": details belong in docs/
MAINTAINERS_ONLY: set[str] = set()  # commands documented elsewhere than the README


def _readme(root: Path) -> str:
    return (root / "README.md").read_text(encoding="utf-8")


def _blocks(root: Path, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", _readme(root), re.M | re.S)


def _section(root: Path, heading: str) -> str:
    text = _readme(root)
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_readme_python_examples_run(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _blocks(root, "python")
    assert blocks, "the README has no ```python examples"
    monkeypatch.chdir(tmp_path)  # examples must not depend on, or write into, the checkout
    namespace: dict[str, object] = {"__name__": "__readme__"}
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"README.md python block {number}", "exec"), namespace)


def test_quickstart_is_the_two_agreed_commands(root: Path) -> None:
    (block,) = re.findall(r"^```sh\n(.*?)^```", _section(root, "Quickstart"), re.M | re.S)
    assert block.splitlines() == QUICKSTART


def test_ci_runs_the_quickstart_test_command(root: Path) -> None:
    if not (root / ".ci" / "run").is_file() and not (root / ".git").exists():
        pytest.skip("not in this copy of the project (the sdist does not carry .ci/)")
    assert QUICKSTART[1] in (root / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_readme_stays_short(root: Path) -> None:
    words = len(_readme(root).split())  # as wc -w counts
    assert words <= MAX_WORDS, f"README.md has {words} words; move details to docs/"


def test_readme_has_no_generated_sections(root: Path) -> None:
    """The CLI reference and the data dictionary live in docs/ (cog); nothing rewrites the README."""
    text = _readme(root)
    for marker in ("<!-- SECTION", "<!-- BEGIN", "[[[cog", "## Data dictionary", "## Command line"):
        assert marker not in text, marker


def test_command_table_names_every_user_command(root: Path) -> None:
    rows = re.findall(r"^\| \[`natoseoul (\w+)[^`]*`\]\(docs/cli\.md#natoseoul-(\w+)\) \|", _readme(root), re.M)
    assert all(shown == anchor for shown, anchor in rows), rows
    assert {shown for shown, _ in rows} == set(main.commands) - MAINTAINERS_ONLY


def test_download_and_check_names_this_release(root: Path) -> None:
    section = _section(root, "Download and check")
    assert f"unzip -q natoseoul-{__version__}.zip" in section
    assert f"natoseoul verify ../natoseoul-{__version__}.zip" in section
    assert set(re.findall(r"natoseoul-(\d+\.\d+\.\d+)", section)) == {__version__}
