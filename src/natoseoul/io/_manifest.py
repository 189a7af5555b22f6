"""``SHA256SUMS``: the manifest of a release or an export folder, one line per file.

The format is GNU coreutils' (``sha256sum -c SHA256SUMS`` checks it): the lowercase hex sha256 of
the file, two spaces, and the file's path relative to the folder, with ``/`` between folders; a
newline ends every line. natoseoul writes the lines in the order of the paths' UTF-8 bytes and
reads back only that exact form, so every byte of the manifest is checked as well: a line edited,
added, dropped, reordered or written in another form is reported by ``natoseoul verify``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from ..errors import DataError, printable

MANIFEST = "SHA256SUMS"
LINE = re.compile(r"([0-9a-f]{64})  ([^\x00-\x1f\x7f\\]+)")  # no control character, no backslash


def render(digests: Mapping[str, str]) -> bytes:
    """The manifest listing ``digests`` (relative path: hex sha256), in the order of the paths' bytes."""
    lines = []
    for rel in sorted(digests, key=lambda r: r.encode("utf-8")):
        if not LINE.fullmatch(f"{digests[rel]}  {rel}") or rel.startswith("/"):
            raise DataError(
                f"{rel!r}: a path a manifest cannot hold plainly (a control character, backslash or '/' first)"
            )
        lines.append(f"{digests[rel]}  {rel}\n")
    return "".join(lines).encode("utf-8")


def parse(data: bytes, shown: str) -> dict[str, str]:
    """The entries of a manifest (relative path: hex sha256). Anything but the exact form ``render``
    writes is a DataError naming the line: natoseoul's manifests are canonical."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{shown}: not UTF-8 text: {exc}") from None
    if not text:
        raise DataError(f"{shown}: lists no file")
    if not text.endswith("\n"):
        raise DataError(f"{shown}: the last line does not end with a newline")
    entries: dict[str, str] = {}
    previous = b""
    for number, line in enumerate(text[:-1].split("\n"), 1):
        found = LINE.fullmatch(line)
        if found is None:
            raise DataError(f"{shown}:{number}: expected '<64 lowercase hex digits>  <path>', got {line[:80]!r}")
        digest, rel = found.groups()
        if rel in entries:
            raise DataError(f"{shown}:{number}: {rel!r} is listed twice")
        if rel.encode("utf-8") <= previous:
            raise DataError(f"{shown}:{number}: {rel!r} is out of order (paths are sorted by their UTF-8 bytes)")
        previous = rel.encode("utf-8")
        entries[rel] = digest
    return entries


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, as a manifest line records it."""
    from ._descriptor import path_digest

    return path_digest(path, "sha256")[1]


def read_manifest(folder: Path) -> dict[str, str] | None:
    """The entries of ``folder/SHA256SUMS``, None when there is none (a DataError when unreadable)."""
    from ._package import MAX_DESCRIPTOR_BYTES, own_file_problem, read_limited

    path = folder / MANIFEST
    problem = own_file_problem(path)  # a symlink is refused unopened, wherever it points
    if problem == "file is missing":
        return None
    if problem is not None:
        raise DataError(f"{printable(path)}: {problem}")
    return parse(read_limited(path, MAX_DESCRIPTOR_BYTES, "a manifest"), printable(path))
