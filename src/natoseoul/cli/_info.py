"""A summary of the installed release: version, tables with row counts, sources and licence."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Any

from .._release import data_dir, metadata
from .._version import __version__
from ..schema import TABLES


@dataclass(frozen=True)
class PackageInfo:
    """What ``natoseoul info`` prints."""

    version: str
    title: str
    rows: dict[str, int]
    sources: list[dict[str, Any]]
    licenses: list[dict[str, Any]]
    location: str

    def text(self) -> str:
        width = max(map(len, self.rows), default=0)
        lines = [f"natoseoul {self.version}", self.title, f"data: {self.location}", "", "tables (rows):"]
        lines += [f"  {name:<{width}}  {count}" for name, count in self.rows.items()]
        lines += ["", "sources:"]
        lines += [f"  - {s.get('title', '')}" + (f" <{s['path']}>" if s.get("path") else "") for s in self.sources]
        lines += ["", "licence:"]
        lines += [f"  {lic.get('name', '')}: {lic.get('title', '')}" + (f" <{lic['path']}>" if lic.get("path") else "")
                  for lic in self.licenses]  # fmt: skip
        return "\n".join(lines)


def package_info() -> PackageInfo:
    """Read the summary from the release descriptor and the tables themselves."""
    meta = metadata()
    return PackageInfo(
        version=__version__,
        title=str(meta.get("title", "")),
        rows={name: _count_rows(name) for name in TABLES},
        sources=list(meta.get("sources", [])),
        licenses=list(meta.get("licenses", [])),
        location=str(data_dir()),
    )


def _count_rows(name: str) -> int:
    """The data rows of a release table, counted as CSV records (a quoted cell may hold a line
    break); the standard library does it without importing pyarrow."""
    with (data_dir() / "csv" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1
