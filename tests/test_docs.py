"""The documentation's references hold: every test that docs/bad-inputs.md names as the proof of a
message exists (a renamed test would otherwise leave the table pointing at nothing)."""

from __future__ import annotations

import ast
import re
from pathlib import Path


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
