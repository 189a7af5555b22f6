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
DIFF_FORMATS = ("text", "json", "markdown")


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


class _Group(click.Group):
    """The command group; output that the terminal's encoding cannot carry ends in one line."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except UnicodeEncodeError as exc:
            raise click.ClickException(encoding_message(exc)) from None


def encoding_message(exc: UnicodeEncodeError) -> str:
    """One line for output that stdout's encoding cannot carry."""
    char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else "?"
    encoding = stdout_encoding()
    return (
        f"cannot write {char!r} (U+{ord(char):04X}) to stdout in its encoding, {encoding}; "
        "set PYTHONIOENCODING=utf-8 (or PYTHONUTF8=1), or ask for --format csv or json, which are always UTF-8"
    )


def write_stdout(text: str, always_utf8: bool) -> None:
    """Write ``text`` and a newline to stdout: as UTF-8 bytes when ``always_utf8`` (CSV and JSON,
    whatever the terminal's encoding), else in stdout's own encoding, all or nothing (a character it
    cannot carry is a one-line error before anything is written)."""
    encoding = "utf-8" if always_utf8 else stdout_encoding()
    data = (text + "\n").encode(encoding)  # UnicodeEncodeError: _Group turns it into one line
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def stdout_encoding() -> str:
    """stdout's encoding, as click.echo uses it (ASCII, a misconfiguration, is taken as UTF-8)."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        return "utf-8" if codecs.lookup(encoding).name == "ascii" else encoding
    except LookupError:
        return "utf-8"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="natoseoul")
def main() -> None:
    """Curated data on NATO–Republic of Korea contacts: validate, verify, export, show, site."""


@contextmanager
def _user_errors(exit_code: int = 1) -> Iterator[None]:
    """Bad input or data ends the command with one line naming the place, never a traceback, and
    the exit status ``exit_code``; what the line quotes from a package is printed with its control
    characters escaped."""
    try:
        yield
    except DataError as exc:
        raise _UserError(printable(exc), exit_code) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        raise _UserError(printable(f"{where}{exc.strerror or exc}"), exit_code) from None


class _UserError(click.ClickException):
    """A ClickException with the exit status the command documents for bad input."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class


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
    SQLite, Excel, Web Annotations or PLOVER, with the licence and how to cite them.

    csv and parquet come with a datapackage.json describing exactly the table files in the folder
    (licences, sources, version, contributors and citation included), so `frictionless validate
    DIR/datapackage.json` works on the export; exporting some tables into a folder holding others of
    the same format describes them all. json writes one array of objects per table, jsonl one object
    per line, each with natoseoul-metadata.json beside them. sqlite writes natoseoul.sqlite (primary
    and foreign keys, a full-text index quotes_fts on quotes.text, and _metadata and _fields tables)
    with a Datasette metadata.json beside it: `datasette DIR` serves both. xlsx writes
    natoseoul.xlsx: an "about" sheet (licence, citation, sources, tables), one sheet per table
    (dates as dates, a frozen header and a filter) and a "fields" sheet; text is never a formula,
    and a table beyond Excel's limits (32,767 characters a cell, 1,048,575 rows) is an error.
    annotations writes annotations.jsonld: every evidence, quotation, name-form and source-note span
    as a W3C Web Annotation (TextQuoteSelector and TextPositionSelector, offsets in code points).
    plover writes plover.jsonl: one PLOVER record per coded event (see docs/formats.md).

    With --from, the tables come from a copy of the package (CSV or Parquet resources, e.g. a
    previous export), streamed batch by batch: this converts a large CSV package to Parquet in
    bounded memory. A package with both a CSV and a Parquet copy of a table (an unpacked release)
    needs --from-format to say which copy to read. A cell that cannot take its field's type stops
    the export with FILE:ROW:FIELD; `natoseoul validate` checks everything else.

    The folder is committed as a whole: the files are written into a hidden folder beside it, which
    then takes its place in one rename, so a failure, Ctrl-C or kill leaves it as it was. Existing
    files are kept unless --force; a second export into a folder being written to is refused.
    Every export also writes SHA256SUMS, the sha256 of each file in the folder (an export into a
    folder that has one adds its files to it), so `natoseoul verify DIR` and `sha256sum -c` check it.

    \b
    Examples:
      natoseoul export --format csv --output natoseoul-csv
      natoseoul export -f parquet -o out --table events --table event_participants
      natoseoul export -f sqlite -o out && sqlite3 out/natoseoul.sqlite "SELECT count(*) FROM quotes"
      natoseoul export -f xlsx -o out --force
      natoseoul export --from natoseoul-csv -f parquet -o natoseoul-parquet
      natoseoul export -f annotations -o out && natoseoul export -f plover -o out
      natoseoul export --from natoseoul-1.2.0/ --from-format csv -f sqlite -o db
    """
    from ..export._export import export as run_export

    def written(path: Path) -> None:
        if not quiet:
            click.echo(f"wrote {printable(path)}", err=True)

    from ..io._tables import Terminated

    try:
        with _user_errors():
            paths = run_export(
                fmt, output, tables, force=force, on_written=written, source=source, from_format=from_format
            )
    except Terminated:
        click.echo(f"Error: terminated (SIGTERM); {printable(output)} is left as it was", err=True)
        sys.exit(128 + 15)
    click.echo(f"exported {len(paths)} file(s) as {fmt} to {printable(output)}")


@main.command()
@click.option(
    "--output", "-o", type=click.Path(path_type=Path), required=True, help="Directory to write to (created if missing)."
)
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, path_type=Path),
    help="Package to show: a directory holding datapackage.json (seeds/ in or beside it), or the descriptor "
    "(default: the installed release).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option("--quiet", "-q", is_flag=True, help="Do not list each file on stderr as it is written.")
def site(output: Path, source: Path | None, force: bool, quiet: bool) -> None:
    """Write a static site of the data: every fact shown with the words of its source.

    Pages: an overview (counts, licence, how to cite, the documents), a timeline (SVG), the events
    with their evidence, the quotations with a search, the participants with every name form, and
    each document with every span marked; a link from a fact opens the document at its words,
    highlighted. Open DIR/index.html in a browser: no server, no network, nothing fetched; reading
    needs no JavaScript (the search does). The same data gives the same bytes.

    \b
    Examples:
      natoseoul site -o natoseoul-site
      natoseoul site --from natoseoul-csv -o site --force
    """
    from ..site import write_site

    def written(path: Path) -> None:
        if not quiet:
            click.echo(f"wrote {path}", err=True)

    with _user_errors():
        paths = write_site(output, source, force=force, on_written=written)
    click.echo(f"wrote a site of {len(paths)} file(s) to {output}; open {output / 'index.html'}")


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
    installed release. In a release folder, datapackage-parquet.json is checked after
    datapackage.json, so both copies of the tables are; give a descriptor to check only its tables.
    Every CSV and Parquet resource is streamed and checked for its header, cell
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
    """Check that a release holds exactly the files its SHA256SUMS lists, byte for byte.

    TARGET is a release folder (or a file in it, such as its datapackage.json), a release archive
    (natoseoul-VERSION.zip, read in place, never unpacked), or an export folder; by default the
    installed release. Every file is hashed and compared with SHA256SUMS: a changed byte in any
    file (tables, descriptors, README, licence, seeds), a missing or extra file, a symlink or other
    non-regular file, and in a zip a member outside its one top folder, are each reported as
    FILE: PROBLEM. Each descriptor's resources must be files SHA256SUMS lists, with the bytes and
    hash the descriptor records. Paths that are absolute or contain '..' are refused.
    Exit status: 0 all match, 1 a mismatch, or a package that cannot be checked (no SHA256SUMS,
    a damaged zip, an unsafe path), 2 usage error.

    \b
    Examples:
      natoseoul verify
      natoseoul verify ~/Downloads/natoseoul-VERSION.zip
      natoseoul verify ~/Downloads/natoseoul-VERSION/
      natoseoul export -f parquet -o out && natoseoul verify out
    """
    from ..check._verify import verify_package

    with _user_errors():
        checks = verify_package(target)
    bad = [c for c in checks if not c.ok]
    for check in bad:
        for problem in check.problems:
            click.echo(printable(f"{check.file}: {problem}"))
    if bad:
        click.echo(f"mismatch: {len(bad)} of {len(checks)} file(s) differ from SHA256SUMS or the descriptors", err=True)
        sys.exit(1)
    click.echo(f"ok: {len(checks)} file(s) match SHA256SUMS and the descriptors")


@main.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format", "-f", "fmt", type=click.Choice(DIFF_FORMATS), default="text", show_default=True, help="Output format."
)
@click.option("--counts", is_flag=True, help="Text: the counts per table only, without each row and cell.")
def diff(old: Path, new: Path | None, fmt: str, counts: bool) -> None:
    """Show what changed in the data from OLD to NEW, table by table, by primary key.

    OLD and NEW are packages: a folder holding datapackage.json, the descriptor itself, or a release
    archive (natoseoul-VERSION.zip, read without unpacking it in place); NEW is by default the
    installed release. Tables are read as text cells, so a CSV and a Parquet copy compare equal.
    For each table: its rows before and after, the rows added (+) and removed (-) by primary key,
    and for each changed row (~) every cell that differs, as COLUMN: OLD → NEW (values as JSON;
    null is a missing value). A column only one side has is listed, and rows are compared on the
    columns both have.

    text is for reading, json for programs (added and removed rows whole), markdown the counts as
    a table to paste into a CHANGELOG entry.
    Exit status: 0 no differences, 1 differences found, 2 bad input or usage error (as diff(1)).

    \b
    Examples:
      natoseoul diff natoseoul-1.1.0.zip
      natoseoul diff natoseoul-1.1.0.zip dist/ --format markdown
      natoseoul diff old-export/ new-export/ --format json > changes.json
    """
    from ..check._diff import as_json, as_markdown, as_text, diff_packages
    from ..io._tables import Terminated

    try:
        with _user_errors(exit_code=2):
            result = diff_packages(old, new)
    except Terminated:
        click.echo("Error: terminated (SIGTERM); the zip members unpacked for the diff are removed", err=True)
        sys.exit(128 + 15)
    if fmt == "json":
        click.echo(as_json(result))
    elif fmt == "markdown":
        click.echo(as_markdown(result))
    else:
        click.echo(as_text(result, cells=not counts))
    sys.exit(1 if result.differs else 0)


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

    csv and json are written as UTF-8 whatever the terminal's encoding; the table format is written
    in the terminal's encoding, or refused in one line if it cannot show a character.

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
        write_stdout(format_rows(rows, fmt), always_utf8=fmt != "table")
