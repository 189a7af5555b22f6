"""The README's command-line reference, generated from the commands' ``--help``.

``python -m natoseoul.clidoc --write`` rewrites the README section owned by the CLI; a test fails
when the README and the help texts drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import main
from .tableio import write_atomic

START = "<!-- SECTION: command-line (owner: cli) -->"
NEXT = "<!-- SECTION"
WIDTH = 100
README = Path("README.md")  # run from the project root (the README is not installed with the package)

EXAMPLES: dict[str, str] = {
    "export": """\
Export two tables as CSV with their own `datapackage.json`, check them with frictionless, then make a
SQLite database and search the quotes:

```sh
natoseoul export --format csv --output events-csv --table events --table event_participants
frictionless validate events-csv/datapackage.json
natoseoul export --format sqlite --output db
sqlite3 db/natoseoul.sqlite "SELECT quote_id FROM quotes_fts WHERE quotes_fts MATCH 'partners'"
```""",
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
    "verify": """\
Check that a downloaded release is complete and unaltered:

```sh
natoseoul verify path/to/release/      # ok: N file(s) match the descriptor
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
    """A context rendering help as the command line does, at a fixed width (the README must not
    depend on the terminal of whoever regenerates it)."""
    return click.Context(command, parent=parent, info_name=name, terminal_width=WIDTH, max_content_width=WIDTH,
                         help_option_names=["-h", "--help"])  # fmt: skip


def reference() -> str:
    """The markdown of the command-line section (without its marker line)."""
    top = _context(main, "natoseoul")
    parts = [
        "## Command line",
        "",
        "`natoseoul` (or `python -m natoseoul`) works offline on the installed release. Errors are one line "
        "on stderr with a non-zero exit status. This reference is generated from `--help` by "
        "`python -m natoseoul.clidoc --write`.",
        "",
        "```text",
        main.get_help(top),
        "```",
    ]
    for name in main.list_commands(top):
        command = main.get_command(top, name)
        if command is None or command.hidden:
            continue
        parts += ["", f"### `natoseoul {name}`", "", "```text", command.get_help(_context(command, name, top)), "```"]
        if name in EXAMPLES:
            parts += ["", EXAMPLES[name]]
    return "\n".join(parts) + "\n"


def splice(readme: str, section: str) -> str:
    """The README with the CLI section replaced by ``section``."""
    start = readme.index(START) + len(START)
    end = readme.find(NEXT, start)
    end = len(readme) if end < 0 else end
    return readme[:start] + "\n\n" + section + "\n" + readme[end:]


def main_(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    wanted = splice(current, reference())
    if "--write" in argv:
        if wanted != current:
            write_atomic(README, wanted.encode("utf-8"))
        return 0
    if wanted != current:
        print(f"{README}: command-line section is stale; run python -m natoseoul.clidoc --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_(sys.argv[1:]))
