"""Build the release from the curated annotations: check everything, then write every output.

    python tools/build.py            # rebuild what is stale
    python tools/build.py --check    # write nothing; exit 1 when anything committed is stale (CI)

It reads ``curation/`` and ``seeds/``, turns the annotations into tables, checks them with the same
checks ``natoseoul validate`` runs, and only then writes ``dist/`` (the release, laid out for its
users, and the same files as the release archive ``natoseoul-<version>.zip``), the root
``datapackage.json``, ``schemas/`` and ``src/natoseoul/models.py``.

The release (``dist/``, and the zip's one top folder)::

    datapackage.json          the CSV tables (frictionless validate, with plain frictionless)
    datapackage-parquet.json  the Parquet copies: same names, schemas and keys (frictionless[parquet])
    SHA256SUMS                the sha256 of every other file (sha256sum -c SHA256SUMS)
    README.md  LICENSE  CITATION.cff  CHANGELOG.md
    csv/<table>.csv  parquet/<table>.parquet  seeds/<document>.txt Nothing is written when any check fails; the files
are replaced together. This is the maintainers' tool: it is not part of the installed package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

import _archive as archive
import _curation as curation
import _modelgen as modelgen
from natoseoul._version import __version__
from natoseoul.check._checks import cast_batch, check_tables
from natoseoul.errors import DataError
from natoseoul.io import _descriptor as descriptor
from natoseoul.io import _manifest as manifest
from natoseoul.io import _tables as tableio
from natoseoul.schema import TABLES, Field

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BuildResult:
    """What a build produced: output paths relative to the root, and those that changed, are stale or
    were removed as strays."""

    outputs: dict[str, bytes]
    changed: list[str]
    row_counts: dict[str, int]


PY_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "date": dt.date, "boolean": bool}


def _text(spec: Field, value: Any, where: str) -> str | None:
    """A curated value as the text cell it will be in the CSV, after checking its Python type."""
    if value is None:
        return None
    expected = PY_TYPES[spec.type]
    if not isinstance(value, expected) or (spec.type == "integer" and isinstance(value, bool)):
        raise DataError(f"{where}: expected {spec.type}, got {type(value).__name__} {value!r}")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def curated_tables(root: Path) -> tuple[curation.Curated, dict[str, pa.Table]]:
    """The curated data as typed Arrow tables, after every check has passed."""
    cur = curation.load(root)
    text_tables: dict[str, pa.Table] = {}
    for name, table in TABLES.items():
        rows, origins = cur.rows.get(name, []), cur.origins.get(name, [])
        columns = {
            f.name: pa.array(
                [_text(f, r.get(f.name), o.at(f.name)) for r, o in zip(rows, origins, strict=True)], pa.string()
            )
            for f in table.fields
        }
        text_tables[name] = pa.table(columns)
    problems = check_tables({n: [t] for n, t in text_tables.items()}, cur.seeds)
    if problems:
        lines = []
        for p in problems:
            origin = cur.origins[p.place][p.row] if p.row is not None else None
            place = origin.at(p.field or "") if origin else p.place
            lines.append(f"{place}: {p.message}")
        more = f"\n(and {len(lines) - 20} more)" if len(lines) > 20 else ""
        raise DataError("\n".join(lines[:20]) + more)
    return cur, {n: cast_batch(TABLES[n], t) for n, t in text_tables.items()}


def render(root: Path) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every output file's bytes, keyed by its path relative to the root."""
    cur, typed = curated_tables(root)
    outputs: dict[str, bytes] = {}
    stats: dict[str, dict[str, Any]] = {}
    tables: dict[str, bytes] = {}
    for name, data in typed.items():
        tables[f"csv/{name}.csv"] = tableio.csv_bytes(data)
        outputs[f"schemas/{name}.json"] = descriptor.dumps(TABLES[name].table_schema())
    for name, data in typed.items():
        tables[f"parquet/{name}.parquet"] = tableio.parquet_bytes(data)
    stats = {rel: descriptor.file_stats(blob) for rel, blob in tables.items()}
    release = {
        "datapackage.json": descriptor.dumps(descriptor.release_descriptor(cur.package, stats)),
        "datapackage-parquet.json": descriptor.dumps(descriptor.parquet_descriptor(cur.package)),
        **_docs(root),
        **tables,
        **_seeds(root, typed["documents"]),
    }
    release.update(_site(typed, cur.seeds, release["datapackage.json"]))
    sums = manifest.render({rel: hashlib.sha256(blob).hexdigest() for rel, blob in release.items()})
    release = {"SHA256SUMS": sums, **release}  # first in the archive: what checks the rest
    outputs.update({f"dist/{rel}": blob for rel, blob in release.items()})
    outputs["datapackage.json"] = descriptor.dumps(descriptor.root_descriptor(cur.package, stats))
    outputs["src/natoseoul/models.py"] = modelgen.models_source().encode("utf-8")
    outputs[archive.archive_path(__version__)] = archive.release_zip(__version__, cur.package.get("created"), release)
    return outputs, {n: t.num_rows for n, t in typed.items()}


def _docs(root: Path) -> dict[str, bytes]:
    """The documents the release carries (README, licence, citation, changelog), as in the checkout."""
    docs = {}
    for name in archive.DOCS:
        if not (root / name).is_file():
            raise DataError(f"{name}: no such file (the release includes it)")
        docs[name] = (root / name).read_bytes()
    return docs


def _seeds(root: Path, documents: pa.Table) -> dict[str, bytes]:
    """The seed texts the documents table names (``seeds/<file>``), byte for byte, so that every
    ``documents.path`` resolves in the release and its spans can be checked there."""
    return {rel: (root / rel).read_bytes() for rel in documents.column("path").to_pylist()}


def _site(typed: dict[str, pa.Table], seeds: dict[str, str], release: bytes) -> dict[str, bytes]:
    """The static site of the release (``natoseoul site``), as ``site/...`` files of the release."""
    import json

    from natoseoul.site._pages import render

    return {f"site/{rel}": blob for rel, blob in render(typed, seeds, json.loads(release)).items()}


GENERATED = ("dist/csv/*", "dist/parquet/*", "dist/seeds/*", "dist/site/*", "schemas/*", f"dist/{archive.NAME}-*.zip")


def strays(root: Path, outputs: dict[str, bytes]) -> list[str]:
    """Generated files that the build no longer produces (left over from a removed table, or the
    archive of an earlier version)."""
    found = []
    for pattern in GENERATED:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in outputs and not path.name.startswith("."):
                found.append(rel)
    return found


def build(root: Path, check: bool = False) -> BuildResult:
    """Build (or with ``check``, compare) every output under ``root``."""
    outputs, counts = render(root)
    changed = [rel for rel, blob in outputs.items() if not (root / rel).is_file() or (root / rel).read_bytes() != blob]
    extra = strays(root, outputs)
    if not check:
        tableio.write_all_atomic({root / rel: outputs[rel] for rel in changed})  # all of them or none
        for rel in extra:
            (root / rel).unlink()
    return BuildResult(outputs, changed + extra, counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the release from curation/ (see the module docstring).")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any output is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="project root (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        result = build(args.root.resolve(), check=args.check)
    except DataError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{n} {c}" for n, c in result.row_counts.items())
    if args.check:
        if result.changed:
            print("Error: stale: " + ", ".join(result.changed) + " (run `python tools/build.py`)", file=sys.stderr)
            return 1
        print(f"up to date: {len(result.outputs)} files; rows: {rows}")
    else:
        print(f"built {len(result.outputs)} files ({len(result.changed)} changed); rows: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
