"""The Frictionless Data Package descriptors: the root one over ``dist/csv``, the release's two (CSV
and Parquet) and an export's.

All are built from the release metadata in ``curation/package.toml``, the version in
``_version.py`` and the schemas in ``schema.py``; nothing here reads a clock.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from .._version import __version__
from ..schema import TABLES, Table

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
METADATA_KEYS = (
    "name",
    "title",
    "description",
    "homepage",
    "created",
    "keywords",
    "licenses",
    "sources",
    "contributors",
)


def file_stats(data: bytes) -> dict[str, Any]:
    """``bytes`` and ``hash`` of a file, as the release descriptor records them."""
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def path_stats(path: Path) -> dict[str, Any]:
    """``file_stats`` of a file on disk, read in chunks."""
    size, hexdigest = path_digest(path, "sha256")
    return {"bytes": size, "hash": "sha256:" + hexdigest}


def path_digest(path: Path, algorithm: str) -> tuple[int, str]:
    """``stream_digest`` of a file on disk."""
    with path.open("rb") as f:
        return stream_digest(f, algorithm)


def stream_digest(f: IO[bytes], algorithm: str, chunk_size: int = 1 << 20) -> tuple[int, str]:
    """The size and hex digest of what ``f`` holds, read in chunks (a file, or a zip member that
    ``natoseoul verify`` checks without unpacking)."""
    h = hashlib.new(algorithm)
    size = 0
    while chunk := f.read(chunk_size):
        h.update(chunk)
        size += len(chunk)
    return size, h.hexdigest()


def _metadata(meta: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"$schema": PACKAGE_PROFILE}
    for key in METADATA_KEYS:
        if key in meta:
            out[key] = meta[key]
        if key == "description":
            out["version"] = __version__
    return out


def _resource(table: Table, path: str, fmt: str, mediatype: str) -> dict[str, Any]:
    """What every resource of a table says, whatever its format."""
    return {
        "name": table.name,
        "type": "table",
        "title": table.title,
        "description": f"One row per {table.row_is}. {table.description}",
        "path": path,
        "scheme": "file",
        "format": fmt,
        "mediatype": mediatype,
    }


def _csv_resource(table: Table, path: str, schema: Any, stats: dict[str, Any]) -> dict[str, Any]:
    return {
        **_resource(table, path, "csv", "text/csv"),
        "encoding": "utf-8",
        **stats,
        "dialect": {"$schema": "https://datapackage.org/profiles/2.0/tabledialect.json", "header": True,
                    "delimiter": ",", "quoteChar": '"', "doubleQuote": True},
        "schema": schema,
    }  # fmt: skip


def root_descriptor(meta: dict[str, Any], stats: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The descriptor at the project root: the CSV files in dist/csv with the schemas in schemas/."""
    resources = [
        _csv_resource(t, f"dist/csv/{t.name}.csv", f"schemas/{t.name}.json", stats[f"csv/{t.name}.csv"])
        for t in TABLES.values()
    ]
    return {**_metadata(meta), "resources": resources}


def release_descriptor(meta: dict[str, Any], stats: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The release's ``datapackage.json``: every CSV file with its schema inline, its size and its
    sha256 (frictionless checks all of it with nothing but ``pip install frictionless``)."""
    resources = [
        _csv_resource(t, f"csv/{t.name}.csv", t.table_schema(), stats.get(f"csv/{t.name}.csv", {}))
        for t in TABLES.values()
    ]
    return {**_metadata(meta), "resources": resources}


def _parquet_resource(table: Table, path: str) -> dict[str, Any]:
    return {**_resource(table, path, "parquet", "application/vnd.apache.parquet"), "schema": table.table_schema()}


def parquet_descriptor(meta: dict[str, Any]) -> dict[str, Any]:
    """The release's ``datapackage-parquet.json``: the Parquet copies of the same tables, with the same
    resource names, schemas and keys. It declares no ``bytes`` or ``hash``: frictionless cannot
    measure a Parquet source and would report every file as invalid; ``SHA256SUMS`` covers them."""
    resources = [_parquet_resource(t, f"parquet/{t.name}.parquet") for t in TABLES.values()]
    return {**_metadata(meta), "resources": resources}


def dumps(obj: Any) -> bytes:
    """JSON as the project writes it: two-space indent, Unicode as is, trailing newline."""
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


MEDIATYPES = {"json": "application/json", "jsonl": "application/jsonl"}


def export_descriptor(meta: dict[str, Any], fmt: str, stats: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The descriptor of an export: the tables in ``stats`` (keyed by table name) in one format
    (csv, parquet, json or jsonl), each file ``<table>.<fmt>`` beside the descriptor, resources
    named after their table, and foreign keys kept only where the referenced table was exported too.
    It carries the package's metadata (title, version, licences, sources, contributors) and, as
    ``citation``, how to cite it.

    Parquet resources carry no ``bytes``/``hash`` (see ``parquet_descriptor``); JSON resources (an
    array of objects, or one object a line) have no CSV dialect; the export's ``SHA256SUMS`` lists
    every file."""
    from .._release import cite

    full = parquet_descriptor(meta) if fmt == "parquet" else release_descriptor(meta, {})
    resources = []
    for resource in full["resources"]:
        table = resource["name"]
        if table not in stats:
            continue
        resource = {**resource, "path": f"{table}.{fmt}"}
        if fmt in MEDIATYPES:
            resource.pop("dialect", None)
            resource.update(format=fmt, mediatype=MEDIATYPES[fmt])
        if fmt != "parquet":
            resource.update(stats[table])
        schema = dict(resource["schema"])
        keys = [
            fk
            for fk in schema.pop("foreignKeys", [])
            if not fk["reference"]["resource"] or fk["reference"]["resource"] in stats
        ]
        if keys:
            schema["foreignKeys"] = keys
        resource["schema"] = schema
        resources.append(resource)
    return {**full, "citation": cite(meta), "resources": resources}
