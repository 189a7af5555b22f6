"""A summary of the installed release: version, tables with row counts, sources and licence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow.parquet as pq

from .._loading import table_names
from .._release import data_dir, metadata, parquet_path
from .._version import __version__


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
        rows={name: pq.ParquetFile(parquet_path(name)).metadata.num_rows for name in table_names()},  # footer only
        sources=list(meta.get("sources", [])),
        licenses=list(meta.get("licenses", [])),
        location=str(data_dir()),
    )
