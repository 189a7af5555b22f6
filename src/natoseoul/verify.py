"""Checking that a package's files are the ones its descriptor describes: their ``bytes`` and ``hash``.

A release descriptor records the size and sha256 of every file, so a download can be checked for
truncation or tampering without trusting anything but the descriptor.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .packagefiles import Package, open_package, resource_paths

CHUNK = 1 << 20


@dataclass(frozen=True)
class FileCheck:
    """One file of the package: where it is shown, and what is wrong with it (empty when it matches)."""

    file: str
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _digest(path: Path, algorithm: str) -> tuple[int, str]:
    h = hashlib.new(algorithm)
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return size, h.hexdigest()


def _expected_hash(value: object) -> tuple[str, str] | None:
    """(algorithm, hex) of a Data Package ``hash``: ``sha256:<hex>``, or bare hex (md5 in v1, or by length)."""
    if not isinstance(value, str):
        return None
    algorithm, _, hexdigest = value.rpartition(":")
    if not algorithm:
        algorithm = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}.get(len(hexdigest), "md5")
    return algorithm.lower(), hexdigest.lower()


def verify_package(target: Path | None = None) -> list[FileCheck]:
    """Recompute the size and hash of every file the descriptor lists (the installed release by default)."""
    package = open_package(target)
    checks = []
    for resource in package.resources:
        for rel in resource_paths(resource):
            checks.append(_check_file(package, rel, resource.get("bytes"), _expected_hash(resource.get("hash"))))
    return checks


def _check_file(package: Package, rel: str, size: object, expected: tuple[str, str] | None) -> FileCheck:
    path, shown = package.resolve(rel), package.show(rel)
    if not path.is_file():
        return FileCheck(shown, ("file is missing",))
    if size is None and expected is None:
        return FileCheck(shown, ("the descriptor records neither bytes nor hash",))
    algorithm = expected[0] if expected else "sha256"
    if algorithm not in hashlib.algorithms_available:
        return FileCheck(shown, (f"unknown hash algorithm {algorithm!r}",))
    actual_size, actual_hash = _digest(path, algorithm)
    problems = []
    if size is not None and size != actual_size:
        problems.append(f"bytes: expected {size}, found {actual_size}")
    if expected is not None and expected[1] != actual_hash:
        problems.append(f"hash: expected {algorithm}:{expected[1]}, found {algorithm}:{actual_hash}")
    return FileCheck(shown, tuple(problems))
