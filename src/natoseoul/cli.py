"""The ``natoseoul`` command line: a thin click layer over the library."""

from __future__ import annotations

from pathlib import Path

import click

from ._version import __version__
from .errors import DataError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="natoseoul")
def main() -> None:
    """Curated data on NATO–Republic of Korea contacts: build, export, validate, verify, show."""


@main.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Project root (holds curation/, seeds/ and dist/).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any output is stale.")
def build(root: Path, check: bool) -> None:
    """Build dist/, schemas/, datapackage.json and models.py from the curated annotations.

    \b
    Examples:
      natoseoul build
      natoseoul build --check      # CI: fail when the committed dist/ is stale
    """
    from .build import build as run_build

    try:
        result = run_build(root.resolve(), check=check)
    except DataError as exc:
        raise click.ClickException(str(exc)) from None
    rows = ", ".join(f"{n} {c}" for n, c in result.row_counts.items())
    if check:
        if result.changed:
            raise click.ClickException("stale: " + ", ".join(result.changed) + " (run `natoseoul build`)")
        click.echo(f"up to date: {len(result.outputs)} files; rows: {rows}")
    else:
        click.echo(f"built {len(result.outputs)} files ({len(result.changed)} changed); rows: {rows}")
