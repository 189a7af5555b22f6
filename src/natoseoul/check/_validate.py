"""Validating a data package on disk with the project's own checks (``_checks.py``).

Each CSV or Parquet resource is streamed batch by batch as text cells (``TEXT_READERS``),
so memory stays bounded by what the table-wide checks keep (key columns, span numbers); the seed
texts are read one at a time at the end. Every problem is reported as ``file:row:field: message``
with rows counted like frictionless: the header is row 1.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn

import pyarrow as pa

from ..errors import DataError, printable
from ..io._package import (
    Package,
    UnsafePath,
    file_problem,
    open_packages,
    read_limited,
    resource_paths,
    resource_table,
)
from ..io._seeds import MAX_SEED_BYTES, check_seeds_folder, seed_file
from ..io._tables import TEXT_READERS, CSVRowError
from ..schema import TABLES, Table
from ._checks import HEADER_ROW, INTEGER, Problem, TableChecker, check_references, check_spans, file_row
from ._descriptor import descriptor_problems, load_part

COPIES = "the CSV and Parquet copies of a table must hold the same rows"


@dataclass
class Report:
    """What ``validate_package`` found: the issues, the data rows read per file, and where the seeds
    were found (None when spans could not be checked against them)."""

    issues: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    seeds: Path | None = None

    @property
    def valid(self) -> bool:
        return not self.issues


def _parquet_types(path: Path, table: Table) -> list[Problem]:
    """Columns stored with another Arrow type than the schema's (their cells are still checked as text)."""
    from ..io._parquet import ParquetSource

    with ParquetSource(path) as source:
        stored = source.schema_arrow
    out = []
    for spec in table.fields:
        index = stored.get_field_index(spec.name)
        if index >= 0 and not stored.field(index).type.equals(spec.arrow_type):
            actual = stored.field(index).type
            out.append(Problem(table.name, None, spec.name, f"stored as {actual}, expected {spec.arrow_type}"))
    return out


class _Validator:
    """Validates the resources of one package, group by group (all CSV, then all Parquet)."""

    def __init__(self, packages: list[Package]) -> None:
        self.packages = packages  # one folder's descriptors (a release has one per format)
        package = self.package = packages[0]
        self.report = Report()
        base = package.base
        self.order: dict[str, int] = {}
        self.seeds_root = next((r for r in (base, base.parent) if (r / "seeds").is_dir()), None)
        if self.seeds_root is not None:
            try:  # the seeds are read from the folder they were found in, never through a symlink to another
                check_seeds_folder(self.seeds_root)
            except DataError:
                where = self.rank(package.shown_descriptor)
                message = f"{printable(self.seeds_root / 'seeds')} is a symlink to another folder; spans not checked"
                self.report.issues.append(Problem(where, None, None, message))
                self.seeds_root = None
        self.documents: tuple[str, list[list[str | None]]] | None = None  # the first documents file read
        self.seed_problems_reported = False
        self.checkers: dict[str, dict[str, tuple[str, TableChecker]]] = {}  # format -> table -> (file, checker)

    def add(self, file: str, problems: list[Problem]) -> None:
        for p in problems:
            row = file_row(p.row) if p.row is not None else HEADER_ROW if p.message.startswith("header:") else None
            self.report.issues.append(Problem(file, row, p.field, p.message))

    def run(self) -> Report:
        groups: dict[str, list[tuple[str, str, Package]]] = {}
        for package in self.packages:
            where = self.rank(package.shown_descriptor)
            for problem in descriptor_problems(package):
                self.report.issues.append(Problem(where, None, None, problem))
            for resource in package.resources:
                table, fmt = resource_table(resource)
                paths = resource_paths(resource)
                name = resource.get("name")
                if table is None:
                    problem = f"resource {name!r} is not a table of this package (expected one of: {', '.join(TABLES)})"
                elif fmt not in TEXT_READERS:
                    problem = f"resource {name!r} has format {fmt!r}; expected csv or parquet"
                elif len(paths) != 1:
                    problem = f"resource {name!r} must have exactly one path"
                else:
                    groups.setdefault(fmt, []).append((table, paths[0], package))
                    continue
                self.report.issues.append(Problem(where, None, None, problem))
        both = {t for t, _, _ in groups.get("csv", [])} & {t for t, _, _ in groups.get("parquet", [])}
        for fmt, entries in groups.items():
            self.check_group(fmt, sorted(entries, key=lambda e: list(TABLES).index(e[0])), both)
        self.compare_copies(both)
        last = len(self.order)
        self.report.issues.sort(key=lambda i: (self.order.get(i.place, last), i.row or 0, i.field or "", i.message))
        return self.report

    def rank(self, file: str) -> str:
        """Number files in the order the descriptor lists them; issues are reported in that order."""
        self.order.setdefault(file, len(self.order))
        return file

    def compare_copies(self, tables: set[str]) -> None:
        """Report where the CSV and Parquet copies of a table differ: in their row counts, or in the
        typed values of a column (compared by digest). Only copies that are each free of problems
        are compared: a cell that is wrong in one copy is reported as it is."""
        files = {(fmt, t): entry for fmt, checkers in self.checkers.items() for t, entry in checkers.items()}
        flawed = {issue.place for issue in self.report.issues}
        for table in sorted(tables, key=list(TABLES).index):
            if ("csv", table) not in files or ("parquet", table) not in files:
                continue
            (csv, first), (parquet, second) = files["csv", table], files["parquet", table]
            if csv in flawed or parquet in flawed:
                continue
            if first.rows_seen != second.rows_seen:
                message = f"holds {second.rows_seen} rows, {csv} holds {first.rows_seen}; {COPIES}"
                self.report.issues.append(Problem(parquet, None, None, message))
                continue
            for name in TABLES[table].field_names:
                if first.digests[name].hexdigest() != second.digests[name].hexdigest():
                    message = f"the values differ from those of {csv}; {COPIES}"
                    self.report.issues.append(Problem(parquet, None, name, message))

    def check_group(self, fmt: str, entries: list[tuple[str, str, Package]], both: set[str]) -> None:
        """Check the files of one format, then the foreign keys between them and the evidence spans
        (the documents table names the seed texts). The tables in ``both`` (with a copy in each
        format) have their typed values digested."""
        jobs: dict[str, tuple[Path, str]] = {}
        for table, rel, package in entries:  # each path is named by its own descriptor's package
            shown = self.rank(package.show(rel))
            if table in jobs:
                self.report.issues.append(Problem(shown, None, None, f"a second {fmt} file for table {table}"))
                continue
            try:
                jobs[table] = (package.resolve(rel), shown)
            except UnsafePath as exc:
                self.report.issues.append(Problem(package.shown_descriptor, None, None, exc.reason))

        checkers = {}
        for table, (path, shown) in jobs.items():
            checker = self.check_file(TABLES[table], fmt, path, shown, digest=table in both)
            if checker is not None:
                checkers[table] = checker
        self.checkers[fmt] = {table: (jobs[table][1], checker) for table, checker in checkers.items()}
        problems = check_references(checkers)
        root, documents = self.seeds_root, self.documents
        if root is not None and documents is not None:
            problems += check_spans(checkers, self.seed_texts(root, *documents))
            self.report.seeds = root / "seeds"
        for p in problems:
            self.add(jobs[p.place][1], [p])

    def check_file(self, table: Table, fmt: str, path: Path, shown: str, digest: bool = False) -> TableChecker | None:
        """Check one file; returns its checker for the foreign keys, or None when it could not be read whole."""
        problem = file_problem(path)
        if problem is not None:
            self.report.issues.append(Problem(shown, None, None, problem))
            return None
        checker = TableChecker(table, collect_spans=self.seeds_root is not None, digest=digest)
        documents: list[list[str | None]] = []
        whole = False
        try:
            header, batches = TEXT_READERS[fmt](path, table)
            problems = checker.check_header(header)
            if problems:
                self.add(shown, problems)
                return None
            if fmt == "parquet":
                self.add(shown, _parquet_types(path, table))
            for batch in batches:
                self.add(shown, checker.feed(batch))
                if table.name == "documents":
                    documents += _columns(batch, ("document_id", "path", "sha256", "char_count"))
            self.add(shown, checker.finish())
            whole = True
        except CSVRowError as exc:
            self.report.issues.append(Problem(shown, exc.row, exc.field, exc.reason))
            return None
        except DataError as exc:
            message = str(exc).removeprefix(f"{printable(path)}: ").removeprefix(f"{printable(path)}:")
            self.report.issues.append(Problem(shown, None, None, message))
            return None
        finally:
            self.report.rows[shown] = checker.rows_seen
            if not whole:
                self.add(shown, checker.abandon())
        if table.name == "documents" and self.documents is None:
            self.documents = (shown, documents)
        return checker

    def seed_texts(self, root: Path, shown: str, documents: list[list[str | None]]) -> Iterator[tuple[str, str]]:
        """The seed texts the documents table names (in ``root/seeds/``), read one at a time; a seed
        file that is missing or differs from its documents row is reported (once) and skipped."""
        for i, (doc, rel, sha256, count) in enumerate(documents):
            parts = PurePosixPath(rel or "").parts
            if not doc or len(parts) != 2 or parts[0] != "seeds" or parts[1] in ("..", "."):
                continue  # a missing or malformed path is reported by the pattern check
            try:  # the one rule for seed paths (io._seeds): never through a symlink leading out of the package
                found = _seed_problem(seed_file(root, str(rel)), sha256, count)
            except UnsafePath as exc:
                found = ("path", exc.reason)
            except DataError as exc:
                found = ("path", str(exc))
            if isinstance(found, str):
                yield doc, found
            elif not self.seed_problems_reported:
                self.report.issues.append(Problem(shown, file_row(i), found[0], found[1]))
        self.seed_problems_reported = True


def _seed_problem(file: Path, sha256: str | None, count: str | None) -> tuple[str, str] | str:
    """The seed's text, or (field, message) when the file is missing or differs from its documents row."""
    problem = file_problem(file)
    if problem == "file is missing":
        return "path", f"seed file not found: {printable(file)}"
    if problem is not None:
        return "path", f"seed file {printable(file)} {problem}"
    try:
        data = read_limited(file, MAX_SEED_BYTES, "a seed")
    except DataError as exc:
        return "path", str(exc)
    actual = hashlib.sha256(data).hexdigest()
    name = printable(file.name)
    if sha256 and actual != sha256:
        return "sha256", f"does not match the seed file {name}, whose sha256 is {actual}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return "path", f"seed file {name} is not UTF-8: {exc}"
    if count and _integer(count) != len(text):  # '+2000' and '0002000' are 2000 (Table Schema integers)
        return "char_count", f"{printable(count)} differs from the length of {name} ({len(text)} characters)"
    return text


def _integer(text: str) -> int | None:
    """A Table Schema integer cell as a number (None when it is not one; the cell check reports it)."""
    return int(text) if re.fullmatch(INTEGER, text) else None


def _columns(batch: pa.RecordBatch, names: tuple[str, ...]) -> list[list[str | None]]:
    return [list(row) for row in zip(*(batch.column(n).to_pylist() for n in names), strict=True)]


def validate_package(target: Path | None = None) -> Report:
    """Check every CSV and Parquet resource of a package (the installed release by default):
    header, types and constraints, primary and foreign keys, and evidence spans when the seeds are present.

    A folder's ``datapackage.json`` is checked and, where the folder has one (a release),
    ``datapackage-parquet.json`` with it, so that the CSV and Parquet copies of each table are also
    compared; a descriptor given itself is the only one checked."""
    return _Validator(open_packages(target)).run()


# The profiles frictionless knows without fetching them; any other ``$schema`` or ``profile`` is a URL
# it would fetch, so it is not passed on.
STANDARD_PROFILES = re.compile(
    r"^(https://datapackage\.org/profiles/(1\.0|2\.0)/(datapackage|dataresource|tableschema|tabledialect)\.json"
    r"|(tabular-)?data-(package|resource))$"
)
RESOURCE_KEYS = ("name", "type", "path", "scheme", "format", "mediatype", "encoding", "bytes", "hash")


def offline_descriptor(package: Package) -> tuple[dict[str, object], list[str]]:
    """A copy of the package's descriptor that frictionless can validate without the network, and
    the problems that kept parts of it out. The copy holds only the resources whose path is a file
    in the package, with their schema and dialect inlined (read from the package, never from a
    URL), and only the keys frictionless needs to read and check them; a ``$schema`` or ``profile``
    that is not a standard profile (frictionless would fetch it) is reported and left out."""
    problems: list[str] = []
    descriptor = package.descriptor

    def profile(owner: dict[str, object], where: str, out: dict[str, object]) -> None:
        for key in ("$schema", "profile"):
            value = owner.get(key)
            if value is None:
                continue
            if isinstance(value, str) and STANDARD_PROFILES.match(value):
                out[key] = value
            else:
                problems.append(
                    f"{where}{key} {value!r} is not a standard profile; not fetched, not given to frictionless"
                )

    out: dict[str, object] = {}
    profile(descriptor, "", out)
    resources = []
    for resource in package.resources:
        label = f"resource {resource.get('name')!r}: "
        try:
            for rel in resource_paths(resource):
                package.resolve(rel)
        except UnsafePath as exc:
            problems.append(f"{label}{exc.reason}; not given to frictionless")
            continue
        copy = {key: resource[key] for key in RESOURCE_KEYS if key in resource}
        profile(resource, label, copy)
        for key in ("schema", "dialect"):
            part = load_part(package, resource, key)
            if isinstance(part, str):
                problems.append(f"{label}{part}; not given to frictionless")
                break
            if part is not None:
                inner = {k: v for k, v in part.items() if k not in ("$schema", "profile")}
                profile(part, f"{label}{key}: ", inner)
                copy[key] = inner
        else:
            resources.append(copy)
    out["resources"] = resources
    return out, problems


@contextmanager
def no_network() -> Iterator[None]:
    """Within the block, opening a network connection or looking up a host name raises OSError:
    a second line of defence behind ``offline_descriptor``, as frictionless fetches what URLs name."""
    import socket

    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise OSError("natoseoul never uses the network")

    saved = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection
    socket.socket.connect = socket.socket.connect_ex = refuse  # type: ignore[method-assign]
    socket.getaddrinfo = socket.create_connection = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo, socket.create_connection = saved  # type: ignore[method-assign]


def frictionless_issues(target: Path | None = None) -> list[Problem]:
    """A second opinion: frictionless's own validation of the same descriptors, as issues.

    Frictionless sees an offline copy of each descriptor (``offline_descriptor``) and runs with the
    network shut (``no_network``): nothing a descriptor names is fetched. It cannot measure a
    Parquet source's bytes or hash (it reports the actual value as None); those non-findings are
    left out, ``natoseoul verify`` checks them instead."""
    import frictionless

    issues: list[Problem] = []
    for package in open_packages(target):
        where = package.shown_descriptor
        descriptor, refused = offline_descriptor(package)
        issues += [Problem(where, None, None, f"[frictionless] {problem}") for problem in refused]
        with no_network():
            try:
                report = frictionless.Package(descriptor, basepath=str(package.base)).validate()
            except (frictionless.FrictionlessException, OSError) as exc:
                issues.append(Problem(where, None, None, f"[frictionless] {printable(exc)}"))
                continue
        issues += [Problem(where, None, None, e.message) for e in report.errors]
        for task in report.tasks:
            for error in task.errors:
                if error.type in ("byte-count", "hash-count") and '"None"' in error.message:
                    continue
                row, column = getattr(error, "row_number", None), getattr(error, "field_name", None)
                issues.append(
                    Problem(package.show(str(task.place)), row, column, f"[frictionless {error.type}] {error.message}")
                )
    return issues
