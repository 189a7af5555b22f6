"""The static site: every fact of a package shown with its source, readable from file://.

``write_site(output)`` renders the installed release (or another package with ``source``) into
``output``: an overview, a timeline, the events, the quotations (with a search), the participants
and each document with every span marked. See docs/site.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import DataError


def site_files(source: Path | None = None) -> dict[str, bytes]:
    """Every file of the site of the package ``source`` (default: the installed release)."""
    from ..io._package import open_package
    from ..io._seeds import read_seeds, seeds_root
    from ..io._tablefiles import table_files
    from ..schema import TABLES
    from ._pages import render

    package = open_package(source)
    tables = {name: f.read_all() for name, f in table_files(package, TABLES).items()}
    seeds = read_seeds(tables["documents"], seeds_root(None if source is None else package))
    return render(tables, seeds, package.descriptor)


def write_site(
    output: Path,
    source: Path | None = None,
    force: bool = False,
    on_written: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write the site into ``output`` (created if missing); returns the paths written. Existing
    files are kept unless ``force``; the folder is committed as a whole or left as it was."""
    from ..io._tables import Staging

    files = site_files(source)
    if output.exists() and not output.is_dir():
        raise DataError(f"{output}: exists and is not a directory")
    paths = [output / rel for rel in files]
    try:
        with Staging(output, on_written) as staging:  # the folder is committed as a whole, as an export is
            present = staging.existing()
            existing = [rel for rel in files if rel in present]
            if existing and not force:
                more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
                raise DataError(f"{output / existing[0]}: already exists{more}; use --force to overwrite")
            for rel, blob in files.items():
                staging.write(output / rel, blob)
    except OSError as exc:
        raise DataError(f"{exc.filename or output}: cannot write: {exc.strerror or exc}") from None
    return paths


__all__: list[Any] = ["site_files", "write_site"]
