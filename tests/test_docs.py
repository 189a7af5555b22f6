"""The documentation's references hold: every test that docs/bad-inputs.md names as the proof of a
message exists (a renamed test would otherwise leave the table pointing at nothing); the generated
pages (docs/cli.md, docs/data-dictionary.md) are fresh and name every command; links between the
pages arrive. tests/test_docs_blocks.py runs the pages' code blocks."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import ROOT


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_named_in_bad_inputs_exists(root: Path) -> None:
    text = (root / "docs" / "bad-inputs.md").read_text(encoding="utf-8")
    named = re.findall(r"\[(test_\w+\.py)::(test_\w+)\]\(\.\./tests/(test_\w+\.py)\)", text)
    assert len(named) >= 20, "the table's links were not found"
    for shown, name, linked in named:
        assert shown == linked, f"{shown}::{name} links to {linked}"
        assert name in _test_names(root / "tests" / shown), f"{shown}::{name} is named but does not exist"


# --- the generated reference pages (cog, tools/docgen.py) and the links between pages ------------

GENERATED = ["docs/cli.md", "docs/data-dictionary.md"]
# The sdist (pyproject's include list) carries docs/ but not tools/, CONTRIBUTING.md or .ci/; the
# suite also runs from an unpacked sdist, where the tests that need them are skipped.
IN_CHECKOUT = (ROOT / ".git").exists()


def _needs(root: Path, *paths: str) -> None:
    missing = [p for p in paths if not (root / p).exists()]
    if missing:
        assert not IN_CHECKOUT, f"missing from the checkout: {missing}"
        pytest.skip(f"not in this copy of the project (an sdist?): {missing}")


def test_a_checkout_has_the_maintainers_files(root: Path) -> None:
    _needs(root, "CONTRIBUTING.md", "tools/docgen.py", ".ci/run")


def _cog() -> list[str]:
    script = Path(sys.executable).parent / "cog"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cogapp"]


def test_generated_docs_are_fresh(root: Path) -> None:
    """What CI runs: ``cog --check -I tools docs/cli.md docs/data-dictionary.md`` from the root."""
    _needs(root, "tools/docgen.py")
    done = subprocess.run([*_cog(), "--check", "-I", "tools", *GENERATED], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, f"stale: run cog -r -I tools {' '.join(GENERATED)}\n{done.stdout}{done.stderr}"


def test_every_command_of_help_is_in_the_cli_reference(root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "natoseoul", "--help"], capture_output=True, text=True, check=True,
        env={**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    listed = done.stdout.split("\nCommands:\n", 1)[1]
    names = re.findall(r"^  (\S+)", listed, re.M)
    assert names, done.stdout
    reference = (root / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = re.findall(r"^## `natoseoul (\S+)`$", reference, re.M)
    assert documented == names  # each command once, in --help's order, and no command that is gone


def _pages(root: Path) -> list[Path]:
    return [p for p in [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").glob("*.md"))]
            if p.is_file()]  # fmt: skip


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_relative_links_resolve(root: Path) -> None:
    """Every link from one page to a file of the project (and to a heading of a page) arrives."""
    for page in _pages(root):
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists() and not IN_CHECKOUT:
                continue  # a file the sdist does not carry
            assert linked.exists(), f"{page.relative_to(root)}: link to {target}: no such file"
            if anchor:
                headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
                assert anchor in {_slug(h) for h in headings}, f"{page.relative_to(root)}: no heading for {target}"


def test_docs_index_lists_every_page(root: Path) -> None:
    index = (root / "docs" / "index.md").read_text(encoding="utf-8")
    for page in sorted((root / "docs").glob("*.md")):
        if page.name != "index.md":
            assert f"]({page.name})" in index, f"docs/index.md does not link {page.name}"
    readme = (root / "README.md").read_text(encoding="utf-8")
    for page in sorted((root / "docs").glob("*.md")):
        if page.name != "index.md":
            assert f"](docs/{page.name})" in readme, f"README.md does not link docs/{page.name}"
