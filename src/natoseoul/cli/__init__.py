"""The ``natoseoul`` command line: a thin click layer over the library.

Library errors become one line on stderr and a non-zero exit (``_user_errors``); the commands
import what they need when they run, so ``natoseoul --help`` stays quick.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from .._version import __version__
from ..errors import DataError, printable
from ..export import FORMATS as EXPORT_FORMATS

SHOW_FORMATS = ("table", "csv", "json")


def run() -> None:
    """The ``natoseoul`` program (the console script and ``python -m natoseoul``)."""
    prepare(sys.argv[1:])
    main()


def prepare(args: list[str]) -> None:
    """Set up the program's own process for the command line ``args``, before pyarrow is imported
    (the library, imported in a user's Python, keeps every default). See docs/benchmarks.md.

    - numpy is made unimportable, as if it were not installed: pyarrow (18 and later runs without
      it) would import it at its own import, and pandas with it whenever pyarrow is given a Python
      value; no command needs either. ``--frictionless`` keeps them, as frictionless uses them.
    - pyarrow's allocator (mimalloc) commits memory as it is used rather than a whole arena at once.
    """
    if "--frictionless" not in args:
        sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]  # None: "not installed"
    os.environ.setdefault("MIMALLOC_ARENA_EAGER_COMMIT", "0")  # read when mimalloc starts, with pyarrow


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="natoseoul")
def main() -> None:
    """Curated data on NATO–Republic of Korea contacts: validate, verify, export, show."""


@contextmanager
def _user_errors() -> Iterator[None]:
    """Bad input or data ends the command with one line naming the place, never a traceback; what
    the line quotes from a package is printed with its control characters escaped."""
    try:
        yield
    except DataError as exc:
        raise click.ClickException(printable(exc)) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(printable(f"{where}{exc.strerror or exc}")) from None


@main.command()
@click.option("--format", "-f", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="Output format.")
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), required=True, help="Directory to write to (created if missing)."
)
@click.option(
    "--table",
    "-t",
    "tables",
    multiple=True,
    metavar="NAME",
    help="Export only this table (repeatable; default: all tables).",
)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, path_type=Path),
    help="Package to export: a directory holding datapackage.json, or the descriptor (default: the installed release).",
)
@click.option(
    "--from-format",
    type=click.Choice(("csv", "parquet")),
    help="With --from: read the tables from this format when the package holds both.",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--quiet", "-q", is_flag=True, help="Do not list each file on stderr as it is written.")
def export(
    fmt: str,
    output: Path,
    tables: tuple[str, ...],
    source: Path | None,
    from_format: str | None,
    force: bool,
    quiet: bool,
) -> None:
    """Export the release tables (or those of another package) to CSV, Parquet, JSON, JSON Lines,
    SQLite or Excel.

    csv and parquet come with a datapackage.json describing exactly the files written, so
    `frictionless validate DIR/datapackage.json` works on the export. json writes one array of
    objects per table, jsonl one object per line. sqlite writes natoseoul.sqlite with primary and
    foreign keys and a full-text index (quotes_fts) on quotes.text. xlsx writes natoseoul.xlsx with
    one sheet per table and a "fields" sheet; every text cell is stored as text, never a formula.

    With --from, the tables come from a copy of the package (CSV or Parquet resources, e.g. a
    previous export), streamed batch by batch: this converts a large CSV package to Parquet in
    bounded memory. A package with both a CSV and a Parquet copy of a table (an unpacked release)
    needs --from-format to say which copy to read. A cell that cannot take its field's type stops
    the export with FILE:ROW:FIELD; `natoseoul validate` checks everything else.

    Each file is written completely or not at all; existing files are kept unless --force.

    \b
    Examples:
      natoseoul export --format csv --output natoseoul-csv
      natoseoul export -f parquet -o out --table events --table event_participants
      natoseoul export -f sqlite -o out && sqlite3 out/natoseoul.sqlite "SELECT count(*) FROM quotes"
      natoseoul export -f xlsx -o out --force
      natoseoul export --from natoseoul-csv -f parquet -o natoseoul-parquet
      natoseoul export --from natoseoul-1.1.0/ --from-format csv -f sqlite -o db
    """
    from ..export._export import export as run_export

    def written(path: Path) -> None:
        if not quiet:
            click.echo(f"wrote {printable(path)}", err=True)

    with _user_errors():
        paths = run_export(fmt, output, tables, force=force, on_written=written, source=source, from_format=from_format)
    click.echo(f"exported {len(paths)} file(s) as {fmt} to {printable(output)}")


@main.command()
@click.argument("target", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--frictionless",
    "also_frictionless",
    is_flag=True,
    help="Also run frictionless on the package as a second opinion.",
)
def validate(target: Path | None, also_frictionless: bool) -> None:
    """Check a data package with the project's own checks.

    TARGET is a directory holding datapackage.json, or the descriptor itself; by default the
    installed release. Every CSV and Parquet resource is streamed and checked for its header, cell
    types and constraints, primary and foreign keys, and evidence spans against the seed texts when
    seeds/ is found in or beside the package. Each problem is printed as FILE:ROW:FIELD: MESSAGE,
    counting the header as row 1. Exit status: 0 valid, 1 invalid, 2 usage error.

    \b
    Examples:
      natoseoul validate
      natoseoul validate natoseoul-csv/
      natoseoul validate dist/datapackage.json --frictionless
    """
    from ..check._validate import frictionless_issues, validate_package

    with _user_errors():
        report = validate_package(target)
        issues = list(report.issues)
        if also_frictionless:
            issues += frictionless_issues(target)
    for issue in issues:
        click.echo(printable(issue))
    rows = sum(report.rows.values())
    spans = (
        f"spans checked against {printable(report.seeds)}" if report.seeds else "spans not checked (no seeds/ found)"
    )
    if issues:
        click.echo(f"invalid: {len(issues)} problem(s) in {len(report.rows)} file(s), {rows} row(s); {spans}", err=True)
        sys.exit(1)
    click.echo(f"valid: {len(report.rows)} file(s), {rows} row(s); {spans}")


@main.command()
@click.argument("target", required=False, type=click.Path(exists=True, path_type=Path))
def verify(target: Path | None) -> None:
    """Check every file a release descriptor lists against its recorded bytes and sha256 hash.

    TARGET is a directory holding datapackage.json, the descriptor itself, or a release archive
    (natoseoul-VERSION.zip, checked without unpacking it); by default the installed release.
    Resource paths and archive member names that are absolute or contain '..', and symlinks
    leading outside the package, are refused. Exit status: 0 all match, 1 mismatch or refused.

    \b
    Examples:
      natoseoul verify
      natoseoul verify ~/Downloads/natoseoul-VERSION.zip
      natoseoul verify ~/Downloads/natoseoul-VERSION/
    """
    from ..check._verify import verify_package

    with _user_errors():
        checks = verify_package(target)
    bad = [c for c in checks if not c.ok]
    for check in bad:
        for problem in check.problems:
            click.echo(printable(f"{check.file}: {problem}"))
    if bad:
        click.echo(f"mismatch: {len(bad)} of {len(checks)} file(s) differ from the descriptor", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(checks)} file(s) match the descriptor")


@main.command()
def info() -> None:
    """Show the version, the tables with their row counts, the sources and the licence.

    \b
    Examples:
      natoseoul info
    """
    from ._info import package_info

    with _user_errors():
        click.echo(package_info().text())


@main.command()
@click.argument("table")
@click.option(
    "--limit", "-n", type=click.IntRange(min=0), default=20, show_default=True, help="Show at most N rows (0: all)."
)
@click.option(
    "--where",
    "-w",
    multiple=True,
    metavar="COLUMN=VALUE",
    help="Keep rows whose COLUMN equals VALUE as written in the CSV (repeatable; all must hold).",
)
@click.option(
    "--format", "-f", "fmt", type=click.Choice(SHOW_FORMATS), default="table", show_default=True, help="Output format."
)
def show(table: str, limit: int, where: tuple[str, ...], fmt: str) -> None:
    """Print rows of one table.

    \b
    Examples:
      natoseoul show participants
      natoseoul show events --where event_type=meeting --limit 5
      natoseoul show quotes --where speaker_id=stoltenberg-jens --format json
      natoseoul show participants --limit 0 --format csv > participants.csv
    """
    from ._show import format_rows, parse_where, select_rows

    with _user_errors():
        rows = select_rows(table, parse_where(where), limit or None)
        click.echo(format_rows(rows, fmt))
