"""Checking that a release (or an export) holds exactly the files its manifest lists, byte for byte.

Every release and every export folder carries ``SHA256SUMS`` (``io/_manifest.py``): the sha256 of
every other file. ``verify`` checks, in a folder or in a zip read in place (never unpacked):

- the manifest itself, which must be in the exact form natoseoul writes (so no byte of it goes
  unchecked either);
- every file it lists, by sha256: a changed byte anywhere (tables, descriptors, README, licence,
  seeds) is reported, and so is a listed file that is missing;
- every file it does not list (an extra file), and every symlink or other non-regular file;
- in a zip, every member outside its one top folder, and unsafe or repeated member names;
- the descriptors at the top (``datapackage*.json``): each resource's file must be one the manifest
  lists, and match the ``bytes`` and ``hash`` the descriptor records where it records them.

A package is read as a stranger's (docs/bad-inputs.md): no symlink is followed and no FIFO or device
opened; the manifest and the descriptors are read within the limits of ``io/_package.py`` (16 MiB,
64 levels of JSON), refused by their size before any byte is read, so a zip member that expands to
gigabytes costs no memory; names from the package are printed through ``errors.printable``.

A folder may also hold the release's own archive (``natoseoul-<version>.zip``, the version its
``datapackage.json`` gives), as a checkout's ``dist/`` does: it is verified too, member by member.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from .._release import data_dir
from ..errors import DataError, printable
from ..io._descriptor import stream_digest
from ..io._manifest import MANIFEST, parse
from ..io._package import (
    MAX_DESCRIPTOR_BYTES,
    check_relative,
    file_problem,
    parse_json,
    resource_paths,
    too_large,
    zip_file_readable,
)

# What zipfile raises on a damaged archive: a bad structure or compressed stream, a truncated one,
# a compression method or zip version it does not know, or an entry flagged as encrypted.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
ARCHIVE_NAME = "natoseoul"
MAX_MANIFEST_BYTES = MAX_DESCRIPTOR_BYTES  # the release's is 5 KiB; 16 MiB lists some 200,000 files


@dataclass(frozen=True)
class FileCheck:
    """One file of the package: where it is shown, and what is wrong with it (empty when it matches)."""

    file: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _expected_hash(value: object) -> tuple[str, str] | None:
    """(algorithm, hex) of a Data Package ``hash``: ``sha256:<hex>``, or bare hex (md5 in v1, or by length)."""
    if not isinstance(value, str):
        return None
    algorithm, _, hexdigest = value.rpartition(":")
    if not algorithm:
        algorithm = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}.get(len(hexdigest), "md5")
    return algorithm.lower(), hexdigest.lower()


@dataclass(frozen=True)
class _Entry:
    """A file of the tree being verified: ``irregular`` says why it is not a plain file (or is None);
    ``size`` is its size as the folder or the zip's directory gives it, before anything is read."""

    irregular: str | None
    open: Callable[[], IO[bytes]]
    size: int


class _Tree:
    """The files of a folder or of a zip's top folder, by path relative to it (``folders``: the
    folders in it, so that a folder where the manifest lists a file is called one)."""

    def __init__(
        self,
        shown: str,
        entries: dict[str, _Entry],
        unreadable: tuple[type[Exception], ...],
        folders: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        self.shown_root = shown
        self.entries = entries
        self.folders = folders
        self.errors: tuple[type[Exception], ...] = (OSError, *unreadable)  # what reading a file may raise

    def show(self, rel: str) -> str:
        return f"{self.shown_root}/{rel}" if self.shown_root else rel

    def digest(self, rel: str, algorithm: str = "sha256") -> tuple[int, str] | str:
        """(size, hex digest) of a file, or why it cannot be read."""
        try:
            with self.entries[rel].open() as f:
                return stream_digest(f, algorithm)
        except self.errors as exc:
            return self.cannot_read(exc)

    @staticmethod
    def cannot_read(exc: Exception) -> str:
        if isinstance(exc, OSError):
            return f"cannot read: {exc.strerror or exc}"
        return f"cannot read from the archive: {exc}"

    def read(self, rel: str, limit: int, what: str) -> bytes | str:
        """The bytes of a file of at most ``limit`` bytes, or why not: refused by its size before a
        byte is read, and never read past ``limit`` (a size the zip's directory understates is
        caught by zipfile's CRC check at the end of the member)."""
        entry = self.entries[rel]
        if entry.size > limit:
            return too_large(limit, what)
        try:
            with entry.open() as f:
                data = f.read(limit + 1)
        except self.errors as exc:
            return self.cannot_read(exc)
        return too_large(limit, what) if len(data) > limit else data

    def read_json(self, rel: str) -> Any:
        """A descriptor read within the limits of ``io/_package.py``, or a str saying why it cannot be."""
        data = self.read(rel, MAX_DESCRIPTOR_BYTES, "a descriptor")
        if isinstance(data, str):
            return _Problem(data)
        try:
            return parse_json(data)
        except ValueError as exc:
            return _Problem(f"cannot read as JSON: {exc}")


class _Problem(str):
    """What ``_Tree.read_json`` returns instead of a value (a JSON string is a str too)."""


def verify_package(target: Path | None = None) -> list[FileCheck]:
    """Check a release or an export against its ``SHA256SUMS`` and its descriptors: ``target`` is a
    folder, a file in it (such as its ``datapackage.json``) or a release zip (read in place); by
    default the installed release. Returns one FileCheck per file; a package that cannot be checked
    at all (no manifest, an unsafe name, a damaged zip) is a DataError."""
    if target is None:
        return _verify_folder(data_dir(), str(data_dir()))
    if target.is_dir():
        return _verify_folder(target, str(target).rstrip("/") or "/")
    problem = file_problem(target)  # a FIFO is never opened, a symlink loop is named as one
    if problem is not None:
        raise DataError(f"{printable(target)}: {'no such file or folder' if problem == 'file is missing' else problem}")
    try:
        readable = zip_file_readable(target)  # by its first bytes or its end record, not read whole
    except OSError as exc:
        raise DataError(f"{printable(target)}: cannot read: {exc.strerror or exc}") from None
    if readable is not None:
        return verify_archive(target)
    if target.suffix.lower() == ".zip":  # named like the release zip, but not a zip at all
        raise DataError(f"{printable(target)}: not a zip archive (no zip signature) and not a file of a release folder")
    return _verify_folder(target.parent, str(target.parent))


def _verify_folder(folder: Path, shown: str) -> list[FileCheck]:
    entries: dict[str, _Entry] = {}
    folders: set[str] = set()
    for rel, irregular, path, size in _walk(folder):
        if irregular == "folder":
            folders.add(rel)
            continue
        entries[rel] = _Entry(irregular, lambda p=path: p.open("rb"), size)  # type: ignore[misc]
    if MANIFEST not in entries:
        raise DataError(f"{shown}: no {MANIFEST}: not a release or export folder (releases before 1.2.0 have none)")
    tree = _Tree(shown, entries, (), folders)
    beside = _archive_beside(folder, tree)
    checks = _verify_tree(tree)
    if beside is not None:
        checks += verify_archive(folder / beside)
    return checks


def _walk(folder: Path) -> Iterator[tuple[str, str | None, Path, int]]:
    """Every file under ``folder`` (rel path, why it is not a regular file or None, path, size), and
    every folder (why: ``"folder"``), without following symlinks: a symlink is reported as one,
    whatever it points at. A folder that cannot be listed is a DataError, not files gone missing."""

    def unreadable(exc: OSError) -> None:
        raise DataError(f"{printable(exc.filename)}: cannot read the folder: {exc.strerror or exc}")

    for directory, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=False):
        base = Path(directory)
        for name in sorted([*dirnames, *filenames]):
            path = base / name
            rel = path.relative_to(folder).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                yield rel, "is a symlink; a release holds regular files only", path, 0
            elif stat.S_ISDIR(info.st_mode):
                yield rel, "folder", path, 0
            elif not stat.S_ISREG(info.st_mode):
                yield rel, "is not a regular file", path, 0
            else:
                yield rel, None, path, info.st_size
        dirnames.sort()


def _archive_beside(folder: Path, tree: _Tree) -> str | None:
    """The release's own archive at the top of the folder (``natoseoul-<version>.zip``, as in a
    checkout's ``dist/``), which is verified on its own instead of being reported as an extra file."""
    entry = tree.entries.get("datapackage.json")
    if entry is None or entry.irregular:
        return None
    descriptor = tree.read_json("datapackage.json")  # a problem is reported when it is checked
    version = descriptor.get("version") if isinstance(descriptor, dict) else None
    name = f"{ARCHIVE_NAME}-{version}.zip"
    if isinstance(version, str) and name in tree.entries and not tree.entries[name].irregular:
        del tree.entries[name]
        return name
    return None


def _verify_tree(tree: _Tree) -> list[FileCheck]:
    """Check every file of ``tree`` against its manifest, then its descriptors against the files."""
    manifest = tree.entries[MANIFEST]
    if manifest.irregular:
        raise DataError(f"{tree.show(MANIFEST)}: {manifest.irregular}")
    data = tree.read(MANIFEST, MAX_MANIFEST_BYTES, "a manifest")
    if isinstance(data, str):
        raise DataError(f"{tree.show(MANIFEST)}: {data}")
    listed = parse(data, tree.show(MANIFEST))
    for rel in listed:
        check_relative(rel, f"{tree.show(MANIFEST)}: path")
    problems: dict[str, list[str]] = {MANIFEST: []}
    measured: dict[str, tuple[int, str]] = {}
    for rel, entry in tree.entries.items():
        if rel == MANIFEST:
            continue
        found = problems.setdefault(rel, [])
        if entry.irregular:
            found.append(entry.irregular)
        elif rel not in listed:
            found.append(f"not listed in {MANIFEST}")
        elif _is_descriptor(rel) and entry.size > MAX_DESCRIPTOR_BYTES:  # never hashed nor read
            found.append(too_large(MAX_DESCRIPTOR_BYTES, "a descriptor"))
        else:
            digest = tree.digest(rel)
            if isinstance(digest, str):
                found.append(digest)
                continue
            measured[rel] = digest
            if digest[1] != listed[rel]:
                found.append(f"sha256: expected {listed[rel]}, found {digest[1]} ({digest[0]} bytes)")
    for rel in listed:
        if rel not in tree.entries:
            missing = "is a directory, expected a file" if rel in tree.folders else "file is missing"
            problems.setdefault(rel, []).append(missing)
    for rel in sorted(r for r in measured if _is_descriptor(r)):
        _check_descriptor(tree, rel, listed, measured, problems)
    return [FileCheck(tree.show(rel), tuple(found)) for rel, found in problems.items()]


def _is_descriptor(rel: str) -> bool:
    path = PurePosixPath(rel)
    return len(path.parts) == 1 and path.name.startswith("datapackage") and path.suffix == ".json"


def _check_descriptor(
    tree: _Tree, rel: str, listed: dict[str, str], measured: dict[str, tuple[int, str]], problems: dict[str, list[str]]
) -> None:
    """A descriptor must describe some resource; every resource's file must be one the manifest lists
    and have the ``bytes`` and ``hash`` the descriptor records (where it records them)."""
    found = problems[rel]
    descriptor = tree.read_json(rel)
    if isinstance(descriptor, _Problem):
        found.append(descriptor)
        return
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        found.append("not a data package descriptor (no 'resources' list)")
        return
    if not resources:
        found.append("describes no resources")
    for resource in resources:
        name = resource.get("name") if isinstance(resource, dict) else None
        paths = resource_paths(resource) if isinstance(resource, dict) else []
        if not paths:
            found.append(f"resource {name!r} names no file")
        for path in paths:
            check_relative(path, f"{tree.show(rel)}: resource path")
            member = PurePosixPath(path).as_posix()
            if member not in listed:
                found.append(f"resource {name!r}: {path} is not a file {MANIFEST} lists")
            elif member in measured and measured[member][1] == listed[member]:  # else reported already
                found += _declared(tree, member, resource, measured[member])


def _declared(tree: _Tree, rel: str, resource: dict[str, Any], actual: tuple[int, str]) -> list[str]:
    """How a file differs from the ``bytes`` and ``hash`` its resource records."""
    out = []
    shown = tree.show(rel)
    size = resource.get("bytes")
    if size is not None and (type(size) is not int or size != actual[0]):  # bool and float are not sizes
        given = size if type(size) is int else f"{size!r} (a {_json_type(size)}, not an integer)"
        out.append(f"resource {resource.get('name')!r}: bytes: expected {given}, {rel} has {actual[0]}")
    recorded = resource.get("hash")
    expected = _expected_hash(recorded)
    if expected is None:
        if recorded is not None:
            out.append(
                f"resource {resource.get('name')!r}: hash: expected a string such as 'sha256:<hex>', "
                f"found {recorded!r} (a {_json_type(recorded)})"
            )
        return out
    algorithm, hexdigest = expected
    if algorithm not in hashlib.algorithms_available or algorithm.startswith("shake_"):
        # shake_* digests have no fixed length, so a recorded hex digest cannot name one
        return [*out, f"resource {resource.get('name')!r}: unknown hash algorithm {algorithm!r}"]
    digest = actual if algorithm == "sha256" else tree.digest(rel, algorithm)
    if isinstance(digest, str):
        return [*out, f"{shown}: {digest}"]
    if digest[1] != hexdigest:
        out.append(f"resource {resource.get('name')!r}: hash: expected {algorithm}:{hexdigest}, {rel} has {digest[1]}")
    return out


def _json_type(value: object) -> str:
    """The JSON type of a value as read by ``json``."""
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(value), "null")


def verify_archive(path: Path) -> list[FileCheck]:
    """Check a release zip in place: its members against the manifest in its one top folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            top, entries, folders, outside = _archive_tree(path, archive)
            tree = _Tree(f"{path}/{top}", entries, UNREADABLE, folders)
            return outside + _verify_tree(tree)
    except UNREADABLE as exc:
        raise DataError(f"{path}: not a readable zip archive: {exc}") from None


def _member_irregular(info: zipfile.ZipInfo) -> str | None:
    """Why a member is not a plain file, or None (a member without a Unix mode is a plain file)."""
    kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
    if kind == stat.S_IFLNK:
        return "is a symlink; a release holds regular files only"
    if kind == stat.S_IFDIR:
        return "is a directory, expected a file"
    if kind not in (0, stat.S_IFREG):
        return "is not a regular file"
    return None


def _archive_tree(path: Path, archive: zipfile.ZipFile) -> tuple[str, dict[str, _Entry], set[str], list[FileCheck]]:
    """The archive's top folder, the files and the folders under it, and a FileCheck for each member
    outside it. Unsafe or repeated names are refused (what is checked must be what an unzip tool
    extracts)."""
    infos: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        check_relative(info.filename, f"{path}: member")
        if info.filename in infos:
            raise DataError(f"{path}: member {info.filename!r} appears twice; refusing an ambiguous archive")
        infos[info.filename] = info
    manifests = sorted(n for n in infos if len(PurePosixPath(n).parts) == 2 and PurePosixPath(n).name == MANIFEST)
    if len(manifests) != 1:
        if not manifests:
            raise DataError(
                f"{path}: no {MANIFEST} in a top folder: not a release archive (releases before 1.2.0 have none)"
            )
        raise DataError(f"{path}: {MANIFEST} in more than one top folder; a release archive holds one folder")
    top = PurePosixPath(manifests[0]).parts[0]
    entries: dict[str, _Entry] = {}
    folders: set[str] = set()
    outside = []
    for name, info in infos.items():
        inside = name.startswith(f"{top}/")
        rel = name.removeprefix(f"{top}/")
        if inside:  # the folders a member is in, as an unzip tool makes them
            folders.update(p.as_posix() for p in PurePosixPath(rel).parents if p.parts)
        if info.is_dir() and (inside or name == f"{top}/"):
            folders.add(rel.rstrip("/"))
            continue  # a folder entry holds no bytes; the files under it are checked
        if not inside:
            outside.append(FileCheck(f"{path}/{name}", (f"outside the archive's top folder {top}/",)))
            continue
        entries[rel] = _Entry(_member_irregular(info), partial(archive.open, info), info.file_size)
    return top, entries, folders, outside
