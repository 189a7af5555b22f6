"""Opening a data package on disk: its descriptor, the files its resources name, resolved safely,
and its tables as streams of typed Arrow batches.

``validate``, ``verify`` and ``export --from`` read packages that users downloaded or edited, so a
path (of a resource, a schema, a dialect or a seed) is trusted only when it stays inside the
package: no absolute paths, no ``..``, no URLs, no control characters, no symlink leading outside the
package directory, and only regular files (no directory, FIFO or device) are read. A descriptor is
read within limits (``MAX_DESCRIPTOR_BYTES``, ``MAX_JSON_DEPTH``, ``MAX_NUMBER_CHARS``), so a hostile
one costs little memory and no traceback. Names taken from a package are printed through
``errors.printable``.

A table is read as text and parsed to the schema's types, so a CSV and a Parquet file give the same
result; memory stays bounded by one batch. A cell that cannot take its type stops the stream with a
DataError naming file, row and field: ``natoseoul validate`` is what checks everything else.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .._release import data_dir
from ..errors import DataError, printable
from ..schema import TABLES

DESCRIPTOR = "datapackage.json"
PARQUET_DESCRIPTOR = "datapackage-parquet.json"  # the release's second descriptor: its Parquet copies
FORMATS = {".csv": "csv", ".parquet": "parquet"}
ZIP_SIGNATURE = b"PK"  # how every zip archive starts (and no JSON text does)
ZIP_END_RECORD = b"PK\x05\x06"  # in a zip's last 22 + 65535 bytes (JSON text cannot hold \x05)
ZIP_END_SPAN = 22 + 65535
# Limits on a descriptor (docs/bad-inputs.md): the release descriptor is about 60 KiB, 8 levels deep.
MAX_DESCRIPTOR_BYTES = 16 << 20
MAX_JSON_DEPTH = 64
MAX_NUMBER_CHARS = 100  # digits, sign, point and exponent of one JSON number
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UnsafePath(DataError):
    """A path the package names that would lead outside it, or that cannot name a file in it.
    The message is ``<place>: <what> '<path>' <why>``; ``reason`` is the message without the place."""

    def __init__(self, what: str, rel: object, why: str) -> None:
        place, _, label = what.rpartition(": ")
        self.reason = f"{label} {rel!r} {why}"
        super().__init__(f"{place}: {self.reason}" if place else self.reason)


class ArchiveGiven(DataError):
    """A zip archive (the release zip, or a damaged one) where a descriptor was expected:
    ``natoseoul verify`` checks it as the release archive (``path``); the other commands say so."""

    def __init__(self, path: Path, readable: bool) -> None:
        if readable:
            why = "is a zip archive; check it with `natoseoul verify`, or unzip it and give the folder"
        else:
            why = "not a readable zip archive (it starts like one, but is damaged or truncated)"
        super().__init__(f"{printable(path)}: {why}")
        self.path = path


def _zip_verdict(head: bytes, tail: bytes, source: Any) -> bool | None:
    """None when a file is not meant as a zip archive, else whether zipfile can read it. It is meant
    as one when it starts with the zip signature (a damaged archive is still one), or when zipfile
    finds a zip's end record in its last ``ZIP_END_SPAN`` bytes (a zip with a stub in front, such as
    a self-extracting one). zipfile is imported only then: reading a package directory does without it."""
    starts = head.startswith(ZIP_SIGNATURE)
    if not starts and ZIP_END_RECORD not in tail:
        return None
    import zipfile

    readable = zipfile.is_zipfile(source)
    return readable if starts or readable else None


def _zip_readable(data: bytes) -> bool | None:
    """``_zip_verdict`` of bytes already read."""
    import io

    return _zip_verdict(data, data[-ZIP_END_SPAN:], io.BytesIO(data))


def zip_file_readable(path: Path) -> bool | None:
    """``_zip_verdict`` of a file, reading only its first bytes and its last ``ZIP_END_SPAN`` (a file
    of any size costs no more memory than that)."""
    with path.open("rb") as f:
        head = f.read(len(ZIP_SIGNATURE))
        size = f.seek(0, os.SEEK_END)
        f.seek(max(0, size - ZIP_END_SPAN))
        tail = f.read()
    return _zip_verdict(head, tail, path)


@dataclass(frozen=True)
class Package:
    """A descriptor read from disk; ``shown`` is how file names are printed (as the user gave them)."""

    descriptor_path: Path
    descriptor: dict[str, Any]
    shown: Path

    @property
    def base(self) -> Path:
        return self.descriptor_path.parent

    @property
    def resources(self) -> list[dict[str, Any]]:
        resources = self.descriptor.get("resources")
        return [r for r in resources if isinstance(r, dict)] if isinstance(resources, list) else []

    def show(self, rel: str) -> str:
        """How a file of the package is named in messages (control characters escaped)."""
        return printable(self.shown / rel)

    @property
    def shown_descriptor(self) -> str:
        """The descriptor's name as printed (``datapackage.json`` or ``datapackage-parquet.json``)."""
        return self.show(self.descriptor_path.name)

    def resolve(self, rel: str, what: str = "resource path") -> Path:
        """The file a path of the package names, refusing anything that leads outside the package
        (``UnsafePath``, its message starting with the descriptor and ``what``)."""
        return inside(self.base, rel, f"{printable(self.descriptor_path)}: {what}")


def inside(base: Path, rel: str, what: str) -> Path:
    """``base / rel``, refusing a path that is absolute, remote, holds ``..`` or a control character,
    or leads outside ``base`` through a symlink (``what`` starts the message)."""
    check_relative(rel, what)
    path = base / rel
    try:
        os.stat(path)  # Python 3.13 resolves a symlink loop without complaint; stat does not
        outside = not path.resolve().is_relative_to(base.resolve())
    except RuntimeError:  # Python 3.11's resolve() on a symlink loop
        raise UnsafePath(what, rel, "is a symlink loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UnsafePath(what, rel, "is a symlink loop") from None
        try:  # missing or unreadable: reported by whoever reads it, if it stays inside
            outside = not path.resolve().is_relative_to(base.resolve())
        except (OSError, RuntimeError):
            raise UnsafePath(what, rel, "cannot be resolved") from None
    if outside:
        raise UnsafePath(what, rel, "is a symlink leading outside the package")
    return path


def elsewhere(folder: Path) -> bool:
    """Whether ``folder`` is reached through a symlink (or cannot be resolved)."""
    try:
        return folder.resolve() != folder.parent.resolve() / folder.name
    except (OSError, RuntimeError):
        return True


def check_relative(rel: str, what: str) -> None:
    """Refuse a path that is absolute, remote, contains ``..`` or a control character such as NUL
    (``what`` starts the message)."""

    def refuse(why: str) -> UnsafePath:
        return UnsafePath(what, rel, why)

    if not isinstance(rel, str) or not rel:
        raise refuse("is not a file name")
    if CONTROL.search(rel):
        raise refuse("contains a control character; expected a plain file name")
    posix = rel.replace("\\", "/")
    if "://" in rel or posix.startswith("/") or re.match(r"[A-Za-z]:", posix) or Path(rel).is_absolute():
        raise refuse("is absolute or remote; expected a path in the package")
    if ".." in PurePosixPath(posix).parts:
        raise refuse("contains '..'; expected a path inside the package")


def file_problem(path: Path) -> str | None:
    """None when ``path`` is a regular file that can be read; otherwise why not, as a message:
    missing, a directory, a FIFO, socket or device (which would block or never end), a symlink loop."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symlink loop"
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "file is missing"
        return f"cannot read: {exc.strerror or exc}"
    except ValueError:  # a NUL in the name (refused earlier for names from a descriptor)
        return "is not a valid file name"
    if stat.S_ISDIR(mode):
        return "is a directory, expected a file"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device); refusing to read it"
    return None


def own_file_problem(path: Path) -> str | None:
    """None when ``path`` is a regular file itself (by ``lstat``: a symlink is never followed), else
    why not. The rule for files natoseoul finds in a folder it writes to (an export's output)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return (
            "file is missing" if exc.errno in (errno.ENOENT, errno.ENOTDIR) else f"cannot read: {exc.strerror or exc}"
        )
    if stat.S_ISLNK(mode):
        return "is a symlink; only regular files in the folder are read"
    return file_problem(path)


def open_package(target: Path | None = None) -> Package:
    """Read the descriptor of ``target`` (a directory or a ``datapackage.json``); by default the
    installed release. A zip archive given instead raises ``ArchiveGiven``."""
    if target is None:
        path = data_dir() / DESCRIPTOR
        shown = data_dir()
    elif target.is_dir():
        path, shown = target / DESCRIPTOR, target
    else:
        path, shown = target, target.parent
    problem = file_problem(path)
    if problem == "file is missing":
        where = printable(path)
        raise DataError(f"{where}: no such file (expected a data package directory or its {DESCRIPTOR})")
    if problem is not None:
        raise DataError(f"{printable(path)}: {problem}")
    data = read_limited(path, MAX_DESCRIPTOR_BYTES, "a descriptor")
    readable = _zip_readable(data)
    if readable is not None:
        raise ArchiveGiven(path, readable)
    if path.suffix.lower() == ".zip":  # named like the release zip, but not a zip at all
        raise DataError(f"{printable(path)}: not a zip archive (no zip signature) and not a {DESCRIPTOR}")
    descriptor = load_json(data, printable(path))
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataError(f"{printable(path)}: not a data package descriptor (no 'resources' list)")
    return Package(path, descriptor, shown)


def read_limited(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a file of at most ``limit`` bytes (a DataError past it, before reading it all)."""
    try:
        with path.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise DataError(f"{printable(path)}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise DataError(f"{printable(path)}: {too_large(limit, what)}")
    return data


def too_large(limit: int, what: str) -> str:
    """The message for a file past ``limit`` bytes (without the file's name)."""
    return f"larger than {limit >> 20} MiB, the most natoseoul reads as {what}"


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:
        raise ValueError(f"a number of {len(text)} characters (at most {MAX_NUMBER_CHARS} are read)")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"the key {twice!r} appears twice in one object")
    return out


def load_json(data: bytes, shown: str) -> Any:
    """JSON read within the limits of a descriptor (``parse_json``); anything else is a DataError
    ``<shown>: cannot read as JSON: <reason>``."""
    try:
        return parse_json(data)
    except ValueError as exc:
        raise DataError(f"{shown}: cannot read as JSON: {printable(exc)}") from None


def parse_json(data: bytes) -> Any:
    """JSON read within the limits of a descriptor: numbers of at most ``MAX_NUMBER_CHARS``
    characters, no NaN or Infinity, no key twice in an object, nesting at most ``MAX_JSON_DEPTH``
    deep. Anything else is a ValueError saying why (text that is not UTF-8 included)."""
    too_deep = f"nested deeper than {MAX_JSON_DEPTH} levels"
    try:
        value = json.loads(
            data, parse_int=_number, parse_float=_number, parse_constant=_no_constant, object_pairs_hook=_object
        )
    except RecursionError:
        raise ValueError(too_deep) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise ValueError(too_deep)
    return value


def _depth(value: Any) -> int:
    """How deep arrays and objects nest in ``value`` (without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack += [(child, depth + 1) for child in children if isinstance(child, (dict, list))]
    return deepest


def package_folder(target: Path | None) -> Path | None:
    """The folder ``target`` names when it is one (the installed release's by default), else None."""
    if target is None:
        return data_dir()
    return target if target.is_dir() else None


def open_packages(target: Path | None = None) -> list[Package]:
    """The packages ``target`` holds: a folder's ``datapackage.json`` and, where the folder has one
    (the release), ``datapackage-parquet.json``; a descriptor given itself is the only one."""
    packages = [open_package(target)]
    folder = package_folder(target)
    if folder is not None and (folder / PARQUET_DESCRIPTOR).is_file():
        packages.append(open_package(folder / PARQUET_DESCRIPTOR))
    return packages


def open_for_reading(target: Path | None = None, from_format: str | None = None) -> Package:
    """The package to read tables from: a release's Parquet descriptor where ``target`` is a folder
    that has one (Parquet reads faster and gives the same rows) unless ``from_format`` is ``csv``,
    else ``open_package(target)``."""
    packages = open_packages(target)
    return packages[0] if from_format == "csv" else packages[-1]


def resource_paths(resource: dict[str, Any]) -> list[str]:
    """The path or paths of a resource (a Data Package path may be a list of chunks)."""
    path = resource.get("path")
    paths = path if isinstance(path, list) else [path] if path is not None else []
    return [str(p) for p in paths]


def resource_table(resource: dict[str, Any]) -> tuple[str | None, str | None]:
    """The table (by resource name, ``<table>`` or ``<table>-parquet``) and format of a resource."""
    name = str(resource.get("name", ""))
    table = (
        name if name in TABLES else name.removesuffix("-parquet") if name.removesuffix("-parquet") in TABLES else None
    )
    fmt = resource.get("format")
    if not isinstance(fmt, str):
        paths = resource_paths(resource)
        fmt = FORMATS.get(PurePosixPath(paths[0]).suffix) if paths else None
    return table, fmt
