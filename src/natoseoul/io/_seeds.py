"""The seed texts of a package: the documents every span points into.

The installed release reads them from ``natoseoul._release.seeds_dir()``; another package from the
``seeds/`` folder in or beside its directory (as ``natoseoul validate`` finds them). Each file must
have the sha256 the documents table records, so that offsets are counted in the text they were
made for.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

import pyarrow as pa

from .._release import seeds_dir
from ..errors import DataError
from ._package import Package, check_relative


def seeds_root(package: Package | None) -> Path:
    """The folder holding ``seeds/`` for ``package`` (None: the installed release)."""
    if package is None:
        return seeds_dir().parent
    found = next((r for r in (package.base, package.base.parent) if (r / "seeds").is_dir()), None)
    if found is None:
        raise DataError(f"{package.show('seeds')}: no seeds/ folder in or beside the package (the spans need it)")
    return found


def read_seeds(documents: pa.Table, root: Path) -> dict[str, str]:
    """Every document's text by ``document_id``, read from ``root / path`` as UTF-8 after checking
    its sha256 against the documents table."""
    texts: dict[str, str] = {}
    for row in documents.select(["document_id", "path", "sha256"]).to_pylist():
        rel = str(row["path"])
        check_relative(rel, "documents.path")
        path = root / PurePosixPath(rel)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DataError(f"{path}: cannot read the seed of {row['document_id']}: {exc.strerror or exc}") from None
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise DataError(f"{path}: sha256 differs from the documents table's for {row['document_id']}")
        texts[str(row["document_id"])] = data.decode("utf-8")
    return texts
