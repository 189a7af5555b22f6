"""The seed texts of a package: the documents every span points into.

The installed release reads them from ``natoseoul._release.seeds_dir()``; another package from the
``seeds/`` folder in or beside its directory (as ``natoseoul validate`` finds them). Each file must
have the sha256 the documents table records, so that offsets are counted in the text they were
made for. A seed path is resolved by ``check_seeds_folder`` and ``seed_file``, the one rule every
command that reads seeds uses (``validate``, ``site``, ``export -f annotations``): never through a
symlink that leads out of the package, never a FIFO or device, never more than ``MAX_SEED_BYTES``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

import pyarrow as pa

from .._release import seeds_dir
from ..errors import DataError, printable
from ._package import Package, UnsafePath, check_relative, elsewhere, file_problem, inside, read_limited

MAX_SEED_BYTES = 64 << 20  # the largest seed text read (the release's are a few KiB each)


def seeds_root(package: Package | None) -> Path:
    """The folder holding ``seeds/`` for ``package`` (None: the installed release)."""
    if package is None:
        return seeds_dir().parent
    found = next((r for r in (package.base, package.base.parent) if (r / "seeds").is_dir()), None)
    if found is None:
        raise DataError(f"{package.show('seeds')}: no seeds/ folder in or beside the package (the spans need it)")
    return found


def check_seeds_folder(root: Path) -> None:
    """Refuse (a DataError) a ``root/seeds`` that is a symlink to another folder: seeds are read
    from the package's own folder only. Checked once per folder, before ``seed_file``."""
    if elsewhere(root / "seeds"):
        raise DataError(f"{printable(root / 'seeds')} is a symlink to another folder; the seeds are not read")


def seed_file(root: Path, rel: str, what: str = "seed path") -> Path:
    """The seed file ``rel`` (a documents.path, ``seeds/<name>``) names under ``root``, whose
    ``seeds/`` folder ``check_seeds_folder`` accepted; an UnsafePath (its message starting with
    ``what``) when it is absolute, holds ``..`` or leads outside ``root`` through a symlink. Nothing
    is opened: the caller checks ``file_problem`` and reads within ``MAX_SEED_BYTES``."""
    check_relative(rel, what)
    parts = PurePosixPath(rel).parts
    if len(parts) == 2 and parts[0] == "seeds" and not (root / rel).is_symlink():
        return root / rel  # an entry of the package's own seeds/ that is no symlink cannot lead out
    path = inside(root, rel, what)
    try:
        out = not path.resolve().is_relative_to((root / "seeds").resolve())
    except (OSError, RuntimeError):
        out = True
    if out:
        raise UnsafePath(what, rel, "leads outside seeds/; expected a file in seeds/")
    return path


def read_seed(path: Path) -> bytes:
    """The bytes of a seed file resolved by ``seed_file``: a regular file of at most ``MAX_SEED_BYTES``."""
    problem = file_problem(path)
    if problem is not None:
        raise DataError(f"{printable(path)}: {problem}")
    return read_limited(path, MAX_SEED_BYTES, "a seed")


def read_seeds(documents: pa.Table, root: Path) -> dict[str, str]:
    """Every document's text by ``document_id``, read from ``root / path`` as UTF-8 after checking
    its sha256 against the documents table."""
    texts: dict[str, str] = {}
    check_seeds_folder(root)
    for row in documents.select(["document_id", "path", "sha256"]).to_pylist():
        doc = printable(row["document_id"])
        path = seed_file(root, str(row["path"]), f"documents {doc}: seed path")
        data = read_seed(path)
        if hashlib.sha256(data).hexdigest() != row["sha256"]:
            raise DataError(f"{printable(path)}: sha256 differs from the documents table's for {doc}")
        try:
            texts[str(row["document_id"])] = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{printable(path)}: the seed of {doc} is not UTF-8: {exc.reason}") from None
    return texts
