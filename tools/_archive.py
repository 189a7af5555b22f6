"""The release archive, ``dist/natoseoul-<version>.zip``: one file to download, cite and verify.

It holds, under one top folder ``natoseoul-<version>/``, the same files as ``dist/`` (the release
layout: the two descriptors, ``SHA256SUMS``, ``README.md``, ``LICENSE``, ``CITATION.cff``,
``CHANGELOG.md``, ``csv/``, ``parquet/`` and ``seeds/``), in the order the build gives. Its bytes
depend only on its contents: members in a fixed order, every timestamp the release's ``created``
date (never the build's clock or time zone), mode 0644 for every file, no directory entries, no
extra fields, no comment, and deflate at level 9. (Deflate output is fixed for a given zlib; the
stock zlib has produced the same streams for years, but a different implementation such as
zlib-ng would produce other, equally valid, bytes.)
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

NAME = "natoseoul"
DOCS = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md")
EARLIEST = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # a regular file, rw-r--r--
UNIX = 3  # "version made by" host system: the mode in external_attr is a Unix mode
COMPRESS_LEVEL = 9


def folder(version: str) -> str:
    """The archive's top folder (what unzipping creates)."""
    return f"{NAME}-{version}"


def archive_path(version: str) -> str:
    """The archive's path relative to the project root."""
    return f"dist/{folder(version)}.zip"


def timestamp(created: object) -> tuple[int, int, int, int, int, int]:
    """The entries' timestamp: the release's ``created`` date (UTC) at midnight, or 1980-01-01 when
    it is missing, unreadable or outside what a zip entry can hold (1980-2107)."""
    if isinstance(created, dt.datetime):
        when = created
    elif isinstance(created, dt.date):
        when = dt.datetime(created.year, created.month, created.day)
    elif isinstance(created, str):
        try:
            when = dt.datetime.fromisoformat(created)
        except ValueError:
            return EARLIEST
    else:
        return EARLIEST
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    if not 1980 <= when.year <= 2107:
        return EARLIEST
    return (when.year, when.month, when.day, 0, 0, 0)


def zip_bytes(members: Iterable[tuple[str, bytes]], when: tuple[int, int, int, int, int, int]) -> bytes:
    """A zip of ``members`` (name, bytes), in the order given, whose bytes depend only on its input."""
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data, compresslevel=COMPRESS_LEVEL)
    return sink.getvalue()


def release_zip(version: str, created: object, files: dict[str, bytes]) -> bytes:
    """The release archive: ``files`` (paths relative to the release folder, e.g. ``csv/events.csv``)
    under the top folder, in the order given."""
    top = folder(version)
    return zip_bytes([(f"{top}/{rel}", blob) for rel, blob in files.items()], timestamp(created))
