"""Generators for the documentation's reference pages, run by cog from the project root:

    cog -r -I tools docs/cli.md docs/data-dictionary.md        # regenerate
    cog --check -I tools docs/cli.md docs/data-dictionary.md   # fail if stale (CI, tests/test_docs.py)

``cli_reference()`` renders ``natoseoul --help`` and every command's help at a fixed width, with
examples; ``data_dictionary()`` renders one table per data table from ``natoseoul.schema.TABLES``.
The module is called ``docgen`` (not ``docs``) so that importing it with tools/ on the path does
not find the docs/ folder instead.
"""

from __future__ import annotations

from typing import Any

import click

from natoseoul import __version__
from natoseoul.cli import main
from natoseoul.schema import TABLES

WIDTH = 100  # columns: the reference must not depend on the terminal of whoever regenerates it

# Examples shown after a command's help. They are sh blocks, so tests/test_docs_blocks.py runs them
# (in a fresh folder holding the release zip, in the order of docs/cli.md).
EXAMPLES: dict[str, str] = {
    "export": """\
Export two tables as CSV with their own `datapackage.json`, check them with frictionless, then make a
SQLite database and search the quotes with its full-text index (`quotes_fts` indexes `quotes.text`;
join it to `quotes` by `rowid`):

```sh
natoseoul export --format csv --output events-csv --table events --table event_participants
frictionless validate events-csv/datapackage.json
natoseoul export --format sqlite --output db
sqlite3 db/natoseoul.sqlite "SELECT q.quote_id FROM quotes_fts JOIN quotes AS q ON q.rowid = quotes_fts.rowid WHERE quotes_fts MATCH 'partners'"
```""",  # noqa: E501
    "validate": """\
Check an edited copy of the CSV export; each problem names the file, the row (header = row 1) and
the field, and the exit status is 1:

```sh
natoseoul export -f csv -o mycopy
natoseoul validate mycopy        # valid: ... (exit 0)
# after an edit that broke a date:
# mycopy/events.csv:7:date_start: '2023-13-01' is not a date (YYYY-MM-DD)
natoseoul export --from mycopy -f parquet -o mycopy-parquet   # the edited tables as Parquet
```""",
    "verify": f"""\
Check that a downloaded release is complete and unaltered, as a zip or unpacked:

```sh
natoseoul verify natoseoul-{__version__}.zip      # ok: 24 file(s) match the descriptor
```""",
    "info": """\
```sh
natoseoul info    # version, tables with row counts, sources, licence
```""",
    "show": """\
The meetings of the 2023 visit, as JSON:

```sh
natoseoul show events --where event_type=meeting --where parent_event_id=2023-01-rok-visit --format json
```""",
}


def _context(command: click.Command, name: str, parent: click.Context | None = None) -> click.Context:
    """A context rendering help as the command line does, at a fixed width."""
    return click.Context(command, parent=parent, info_name=name, terminal_width=WIDTH, max_content_width=WIDTH,
                         help_option_names=["-h", "--help"])  # fmt: skip


def cli_reference() -> str:
    """Markdown: ``natoseoul --help``, then each command's help and examples."""
    top = _context(main, "natoseoul")
    parts = ["```text", main.get_help(top), "```"]
    for name in main.list_commands(top):
        command = main.get_command(top, name)
        if command is None or command.hidden:
            continue
        parts += ["", f"## `natoseoul {name}`", "", "```text", command.get_help(_context(command, name, top)), "```"]
        if name in EXAMPLES:
            parts += ["", EXAMPLES[name]]
    return "\n".join(parts) + "\n"


def _constraints(spec: Any, key: tuple[str, ...]) -> str:
    parts = []
    if spec.name in key:
        parts.append("key")
    if spec.required:
        parts.append("required")
    if spec.unique and spec.name not in key:
        parts.append("unique")
    if spec.enum is not None:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in spec.enum))
    if spec.pattern is not None:
        parts.append(f"pattern `{spec.pattern}`")
    if spec.minimum is not None:
        parts.append(f"≥ {spec.minimum}")
    return "; ".join(parts)


def data_dictionary() -> str:
    """Markdown: one table per data table, one row per field."""
    out = []
    for table in TABLES.values():
        out += [f"## `{table.name}`", "", f"One row per {table.row_is}. {table.description}", ""]
        refs = {fk.fields[0]: f"{fk.table}.{fk.reference[0]}" for fk in table.foreign_keys}
        out += ["| field | type | constraints | description |", "|---|---|---|---|"]
        for spec in table.fields:
            constraints = _constraints(spec, table.primary_key)
            if spec.name in refs:
                constraints = "; ".join(filter(None, [constraints, f"→ `{refs[spec.name]}`"]))
            description = spec.description.replace("|", "\\|")
            out.append(f"| `{spec.name}` | {spec.type} | {constraints} | {description} |")
        out.append("")
    return "\n".join(out)
