"""Checking that a package's files are the ones its descriptor describes: their ``bytes`` and ``hash``.

A release descriptor records the size and sha256 of every file, so a download can be checked for
truncation or tampering without trusting anything but the descriptor. A release archive
(``natoseoul-<version>.zip``) is checked the same way without unpacking it: its descriptor is read
from the archive, and each member it lists is streamed through the hash.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import DataError
from ..io._descriptor import path_digest, stream_digest
from ..io._package import DESCRIPTOR, ArchiveGiven, Package, check_relative, open_package, resource_paths

# What zipfile raises on a damaged archive: a bad structure or compressed stream, a truncated one,
# a compression method or zip version it does not know, or an entry flagged as encrypted.
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


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


def verify_package(target: Path | None = None) -> list[FileCheck]:
    """Recompute the size and hash of every file the descriptor lists (the installed release by
    default; ``target`` may be a package directory, its descriptor, or a release zip)."""
    try:
        package = open_package(target)
    except ArchiveGiven as given:  # the release zip (or a damaged one): checked without unpacking
        return verify_archive(given.path)
    checks = []
    for resource in package.resources:
        for rel in resource_paths(resource):
            checks.append(_check_file(package, rel, resource.get("bytes"), _expected_hash(resource.get("hash"))))
    return checks


def _algorithm(shown: str, present: bool, size: object, expected: tuple[str, str] | None) -> str | FileCheck:
    """The hash algorithm to check a listed file with, or the FileCheck that ends its check early."""
    if not present:
        return FileCheck(shown, ("file is missing",))
    if size is None and expected is None:
        return FileCheck(shown, ("the descriptor records neither bytes nor hash",))
    algorithm = expected[0] if expected else "sha256"
    # shake_* digests have no fixed length, so a recorded hex digest cannot name one
    if algorithm not in hashlib.algorithms_available or algorithm.startswith("shake_"):
        return FileCheck(shown, (f"unknown hash algorithm {algorithm!r}",))
    return algorithm


def _check_file(package: Package, rel: str, size: object, expected: tuple[str, str] | None) -> FileCheck:
    path, shown = package.resolve(rel), package.show(rel)
    algorithm = _algorithm(shown, path.is_file(), size, expected)
    if isinstance(algorithm, FileCheck):
        return algorithm
    actual_size, actual_hash = path_digest(path, algorithm)
    return _compare(shown, size, expected, actual_size, (algorithm, actual_hash))


def _compare(
    shown: str, size: object, expected: tuple[str, str] | None, actual_size: int, actual: tuple[str, str] | None
) -> FileCheck:
    """The FileCheck of a file (on disk or in an archive) measured as ``actual_size`` and ``actual``
    (algorithm, hex), against what its descriptor records."""
    problems = []
    if size is not None and size != actual_size:
        problems.append(f"bytes: expected {size}, found {actual_size}")
    if expected is not None and actual is not None and expected[1] != actual[1]:
        problems.append(f"hash: expected {expected[0]}:{expected[1]}, found {actual[0]}:{actual[1]}")
    return FileCheck(shown, tuple(problems))


def _archive_members(path: Path, archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's file members by name, refusing unsafe or repeated names (which would let what is
    checked differ from what an unzip tool extracts)."""
    members: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        check_relative(info.filename, f"{path}: member")
        if info.filename in members:
            raise DataError(f"{path}: member {info.filename!r} appears twice; refusing an ambiguous archive")
        if not info.is_dir():
            members[info.filename] = info
    return members


def _archive_descriptor(path: Path, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> str:
    """The member name of the release descriptor: ``datapackage.json`` at the top or in the one top folder."""
    found = sorted(n for n in members if PurePosixPath(n).name == DESCRIPTOR and len(PurePosixPath(n).parts) <= 2)
    shallowest = [n for n in found if len(PurePosixPath(n).parts) == min(len(PurePosixPath(f).parts) for f in found)]
    if len(shallowest) != 1:
        what = "no" if not shallowest else "more than one"
        raise DataError(f"{path}: {what} {DESCRIPTOR} at the top of the archive or in its top folder")
    return shallowest[0]


def verify_archive(path: Path) -> list[FileCheck]:
    """Check a release zip: every member its descriptor lists, by bytes and hash, read in place."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _archive_members(path, archive)
            name = _archive_descriptor(path, archive, members)
            try:
                descriptor = json.loads(archive.read(members[name]))
            except (ValueError, *UNREADABLE) as exc:
                raise DataError(f"{path}/{name}: cannot read as JSON: {exc}") from None
            resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
            if not isinstance(resources, list):
                raise DataError(f"{path}/{name}: not a data package descriptor (no 'resources' list)")
            base = PurePosixPath(name).parent
            checks = []
            for resource in (r for r in resources if isinstance(r, dict)):
                for rel in resource_paths(resource):
                    check_relative(rel, f"{path}/{name}: resource path")
                    member = (base / rel).as_posix()
                    checks.append(
                        _check_member(path, archive, members.get(member), f"{path}/{member}", resource.get("bytes"),
                                      _expected_hash(resource.get("hash")))
                    )  # fmt: skip
            return checks
    except UNREADABLE as exc:
        raise DataError(f"{path}: not a readable zip archive: {exc}") from None


def _check_member(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo | None,
    shown: str,
    size: object,
    expected: tuple[str, str] | None,
) -> FileCheck:
    algorithm = _algorithm(shown, info is not None, size, expected)
    if isinstance(algorithm, FileCheck):
        return algorithm
    assert info is not None
    if size is not None and size != info.file_size:
        # the hash must differ too; not reading on also bounds the work a hostile archive can cause
        return _compare(shown, size, None, info.file_size, None)
    try:
        with archive.open(info) as f:
            actual_size, actual_hash = stream_digest(f, algorithm)
    except UNREADABLE as exc:
        return FileCheck(shown, (f"cannot read from the archive: {exc}",))
    return _compare(shown, size, expected, actual_size, (algorithm, actual_hash))
