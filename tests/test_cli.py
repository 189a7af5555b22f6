"""The command line as a user meets it: entry points, help, info, show, error messages, README reference."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pyarrow as pa
import pytest

from cli_helpers import release_descriptor, release_rows, run
from natoseoul._version import __version__
from natoseoul.cli import main
from natoseoul.cli._show import format_rows
from natoseoul.schema import TABLES


def test_version() -> None:
    result = run("--version")
    assert result.code == 0
    assert __version__ in result.out


def test_python_dash_m() -> None:
    proc = subprocess.run([sys.executable, "-m", "natoseoul", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_ending_with_examples(name: str) -> None:
    for flag in ("-h", "--help"):
        result = run(name, flag)
        assert result.code == 0 and "Usage: natoseoul " + name in result.out
    docstring = (main.commands[name].help or "").rstrip()
    examples = docstring.rsplit("Examples:", 1)
    assert len(examples) == 2, f"{name}: help has no examples"
    lines = [line.strip() for line in examples[1].splitlines() if line.strip()]
    assert lines and all(line.startswith("natoseoul ") for line in lines)
    assert "\b" in docstring  # the examples keep their line breaks


def test_info_lists_every_table_with_its_row_count() -> None:
    result = run("info")
    assert result.code == 0
    assert f"natoseoul {__version__}" in result.out
    lines = {
        line.split()[0]: line.split()[1]
        for line in result.out.splitlines()
        if line.startswith("  ") and len(line.split()) == 2
    }
    for table in TABLES:
        assert lines[table] == str(len(release_rows(table)))
    meta = release_descriptor()
    assert meta["licenses"][0]["name"] in result.out
    for source in meta["sources"]:
        assert source["title"] in result.out


def test_show_where_matches_an_independent_filter() -> None:
    rows = release_rows("participants")
    kind = rows[0]["kind"]
    expected = [r for r in rows if r["kind"] == kind]
    result = run("show", "participants", "--where", f"kind={kind}", "--limit", "0", "--format", "json")
    assert result.code == 0
    shown = json.loads(result.out)
    assert [r["participant_id"] for r in shown] == [r["participant_id"] for r in expected]
    assert all(r["country_code"] is None for r, e in zip(shown, expected, strict=True) if e["country_code"] == "")


def test_show_formats_and_limit() -> None:
    rows = release_rows("documents")
    table = run("show", "documents", "--limit", "2")
    assert table.code == 0
    lines = table.out.splitlines()
    assert lines[0].split()[0] == "document_id" and set(lines[1]) <= {"-", " "}
    assert [line.split()[0] for line in lines[2:]] == [r["document_id"] for r in rows[:2]]
    as_csv = run("show", "documents", "--format", "csv", "--limit", "0")
    assert as_csv.out.splitlines()[0].replace('"', "").split(",") == list(rows[0])
    assert len(as_csv.out.splitlines()) == len(rows) + 1


def _columns_of(text: str) -> int:
    """Terminal columns by Unicode's East Asian Width: wide and fullwidth characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def test_show_aligns_hangul_by_the_columns_it_takes() -> None:
    """A Korean alias takes two terminal columns a syllable: the next column still starts where its header does."""
    lines = run("show", "participant_aliases", "-w", "language=ko").out.splitlines()
    rows = json.loads(run("show", "participant_aliases", "-w", "language=ko", "-f", "json").out)
    assert len(lines) == len(rows) + 2 > 3 and any("\uac00" <= ch <= "\ud7a3" for ch in lines[2])
    start = lines[0].index("alias_type")  # the header is ASCII: characters are columns
    for line, row in zip(lines[2:], rows, strict=True):
        before = line.split(f"  {row['alias_type']} ", 1)[0] + "  "
        assert _columns_of(before) == start, line


def test_show_cuts_long_cells_to_forty_terminal_columns() -> None:
    """A long cell is cut by the columns it takes, so a Hangul one is cut at 19 syllables, not 39."""
    cells = ["가" * 30, "a" * 50, "가" * 20, "b" * 40, "e\u0301" * 40, "x\u200b" * 40, "\u1100\u1161" * 20]
    lines = format_rows(pa.table({"cell": cells, "next": ["|"] * len(cells)}), "table").splitlines()
    shown = [line[: line.rindex("|")] for line in lines[2:]]
    expected = ["가" * 19 + "…", "a" * 39 + "…", "가" * 20, "b" * 40, *cells[4:]]
    # padded to 40 columns, then the two between columns: the cut Hangul cell takes 39 (19 syllables of
    # two and the ellipsis), every other cell 40 (an accent, a zero-width space and a medial jamo take none)
    assert shown == [cell + " " * (42 - width) for cell, width in zip(expected, [39] + [40] * 6, strict=True)]


def test_show_where_on_dates_and_booleans_uses_the_csv_text() -> None:
    rows = release_rows("documents")
    published, verbatim = rows[0]["published"], rows[0]["title_verbatim"]
    expected = [r["document_id"] for r in rows if r["published"] == published and r["title_verbatim"] == verbatim]
    result = run("show", "documents", "-w", f"published={published}", "-w", f"title_verbatim={verbatim}", "-f", "json")
    assert [r["document_id"] for r in json.loads(result.out)] == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "evnts"], "unknown table 'evnts'. Did you mean 'events'?"),
        (["show", "events", "--where", "evnt_id=x"], "Did you mean 'event_id'?"),
        (["show", "events", "--where", "event_id"], "expected COLUMN=VALUE"),
        (["export", "-f", "csv", "-o", "out", "--table", "quote"], "Did you mean 'quotes'?"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(args: list[str], message: str, tmp_path: Path) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.err.startswith("Error: ")


def test_unknown_format_is_a_usage_error() -> None:
    result = run("export", "--format", "xls", "--output", "out")
    assert result.code == 2 and "xls" in result.err
