"""Hostile and broken packages, against every command that reads one (issue 18).

Each attack builds a package next to a folder outside it that holds a secret, then runs ``validate``,
``verify`` and ``export --from`` on it. Whatever the attack, every run must: exit with the status
the table gives, print the message it gives (one line ``Error: ...`` when the command stops), show no
traceback (``cli_helpers.run`` checks that), print only printable lines (no control character or
escape sequence from the package reaches the terminal), never print the secret, and leave the
export's output folder as it was (absent) or complete. docs/bad-inputs.md lists the same classes.

``verify`` covers every byte with SHA256SUMS, so on an edited copy of the release it stops at the
manifest: exit 1 naming each changed file (``test_verify_names_each_changed_file``). To exercise
what it checks after that step (symlinks, folders and FIFOs where files are listed, the descriptors
read within limits, zip members), the table's ``verify`` column runs on the copy *resealed*, its
SHA256SUMS rewritten as an export writes it (or as an attacker would), and ``verify-zip`` on that
copy packed as a release zip, symlinks and FIFOs as such members.

The classes: paths that escape, a descriptor that contradicts itself or the tables, cells outside
the Table Schema's lexical forms, binary files whose metadata contradicts their data, two copies of
a table that disagree, large values, inputs that used to raise tracebacks, URLs (no command may
touch the network), names that could forge output, and messages that used to mislead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_helpers import Run, copy_release, csv_rows, run, set_cell
from cli_helpers import release as release_dir
from natoseoul.check._checks import parse_column
from natoseoul.errors import printable
from natoseoul.io import _tables
from natoseoul.io._manifest import LINE, file_sha256, render
from natoseoul.schema import TABLES

SECRET = "SECRET-OUTSIDE-THE-PACKAGE"
Builder = Callable[[Path], Path]  # builds a package under a temporary folder; returns what to give the command


# --- building packages ---------------------------------------------------------------------------


def outside(tmp: Path) -> Path:
    """A folder beside the package holding files with the secret (and seed-like names)."""
    folder = tmp / "outside"
    if not folder.exists():
        folder.mkdir(parents=True)
        (folder / "secret.txt").write_text(SECRET * 20, encoding="utf-8")
        (folder / "topics.csv").write_text(SECRET + "\n", encoding="utf-8")
        (folder / "schema.json").write_text(json.dumps({"fields": [{"name": SECRET}]}), encoding="utf-8")
    return folder


def descriptor(dist: Path) -> dict:
    return json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))


def save(dist: Path, value: dict) -> None:
    (dist / "datapackage.json").write_text(json.dumps(value), encoding="utf-8")


def resource(value: dict, name: str) -> dict:
    return next(r for r in value["resources"] if r["name"] == name)


def release(tmp: Path) -> Path:
    """A copy of the release (CSV and Parquet, seeds in it) and the secret folder beside it."""
    outside(tmp)
    return copy_release(tmp)


def edit(change: Callable[[dict, Path], None]) -> Builder:
    """A builder that changes the descriptor of a release copy (``change(descriptor, dist)``)."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        value = descriptor(dist)
        change(value, dist)
        save(dist, value)
        return dist

    return build


def topics_path(path: str) -> Callable[[dict, Path], None]:
    def change(value: dict, dist: Path) -> None:
        resource(value, "topics")["path"] = path

    return change


def symlink(target: Callable[[Path], Path], at: str) -> Builder:
    """A release copy whose file ``at`` is replaced by a symlink to ``target(tmp)``."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        link = dist.parent / at
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)
        else:
            link.unlink()
        link.symlink_to(target(tmp))
        return dist

    return build


def seed_symlink(tmp: Path) -> Path:
    """A release copy whose first seed file is a symlink to a file outside the package."""
    dist = release(tmp)
    seed = dist / csv_rows(dist / "csv" / "documents.csv")[0]["path"]
    seed.unlink()
    seed.symlink_to(outside(tmp) / "secret.txt")
    return dist


def seed_symlink_rehashed(folder: bool) -> Builder:
    """A release copy whose first seed file (``folder``: the whole seeds/ folder) is a symlink to
    outside, the documents tables' sha256 rewritten to match the outside file (anyone can)."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        rel = csv_rows(dist / "csv" / "documents.csv")[0]["path"]
        seed = dist / rel
        fake = outside(tmp) / "seeds" / seed.name
        fake.parent.mkdir(exist_ok=True)
        fake.write_text(SECRET + seed.read_text(encoding="utf-8")[len(SECRET) :], encoding="utf-8")
        for other in (dist / "seeds").iterdir():
            if other.name != seed.name:
                shutil.copy(other, fake.parent / other.name)
        if folder:
            shutil.rmtree(dist / "seeds")
            (dist / "seeds").symlink_to(fake.parent)
        else:
            seed.unlink()
            seed.symlink_to(fake)
        old, new = csv_rows(dist / "csv" / "documents.csv")[0]["sha256"], file_sha256(fake)
        set_cell(dist / "csv" / "documents.csv", 0, "sha256", new)
        table = pq.read_table(dist / "parquet" / "documents.parquet")
        digests = [new if d == old else d for d in table["sha256"].to_pylist()]
        table = table.set_column(table.schema.get_field_index("sha256"), "sha256", pa.array(digests))
        pq.write_table(table, dist / "parquet" / "documents.parquet")
        return dist

    return build


def hard_link_to_outside(tmp: Path) -> Path:
    """A release copy whose topics.csv is a hard link to a file outside (st_nlink 2): it cannot be
    told from a copy, so what a header message quotes of it is a short excerpt only."""
    dist = release(tmp)
    (dist / "csv" / "topics.csv").unlink()
    os.link(outside(tmp) / "topics.csv", dist / "csv" / "topics.csv")
    return dist


def header_bytes(old: bytes, new: bytes) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        topics = dist / "csv" / "topics.csv"
        topics.write_bytes(topics.read_bytes().replace(old, new, 1))
        return dist

    return build


def char_count_as(form: str) -> Builder:
    """documents.char_count of row 2 written in another lexical form of the same integer."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        count = csv_rows(dist / "csv" / "documents.csv")[0]["char_count"]
        set_cell(dist / "csv" / "documents.csv", 0, "char_count", form.format(count))
        return dist

    return build


def parquet_descriptor_path(path: str) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        value = json.loads((dist / "datapackage-parquet.json").read_text(encoding="utf-8"))
        value["resources"][0]["path"] = path
        (dist / "datapackage-parquet.json").write_text(json.dumps(value), encoding="utf-8")
        return dist

    return build


def bidi_cells(tmp: Path) -> Path:
    """A release copy with a label holding bidirectional overrides and a key holding an escape sequence."""
    dist = release(tmp)
    set_cell(dist / "csv" / "topics.csv", 0, "label", "abc\u202e\u2066txt.exe")
    set_cell(dist / "csv" / "topics.csv", 1, "topic_id", "bad\x1b[31mid\u202e")
    return dist


def special_file(kind: str) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        topics = dist / "csv" / "topics.csv"
        topics.unlink()
        if kind == "fifo":
            os.mkfifo(topics)
        elif kind == "directory":
            topics.mkdir()
        elif kind == "loop":
            (dist / "csv" / "loop").symlink_to("topics.csv")
            topics.symlink_to("loop")
        return dist

    return build


def schema_change(change: Callable[[dict], None], name: str = "topics") -> Builder:
    def apply(value: dict, dist: Path) -> None:
        for r in value["resources"]:
            if r["name"] in (name, f"{name}-parquet"):
                change(r["schema"])

    return edit(apply)


def raw_descriptor(text: str | bytes) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        data = text.encode("utf-8") if isinstance(text, str) else text
        (dist / "datapackage.json").write_bytes(data)
        return dist

    return build


def header_change(old: str, new: str) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        topics = dist / "csv" / "topics.csv"
        topics.write_text(topics.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        return dist

    return build


def cell(table: str, row: int, field: str, value: str) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        set_cell(dist / "csv" / f"{table}.csv", row, field, value)
        return dist

    return build


def parquet_bytes(change: Callable[[bytes], bytes], **options: object) -> Builder:
    """A release copy whose topics.parquet is rewritten (uncompressed, plain) and then patched."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        path = dist / "parquet" / "topics.parquet"
        data = pq.read_table(path)
        pq.write_table(data, path, compression="none", use_dictionary=False, **options)
        path.write_bytes(change(path.read_bytes()))
        return dist

    return build


def footer_patch(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    """Replace ``old`` by ``new`` (same length) in the Parquet footer only (the file's metadata)."""

    def change(data: bytes) -> bytes:
        size = int.from_bytes(data[-8:-4], "little")
        start = len(data) - 8 - size
        footer = data[start:-8]
        assert old in footer and len(old) == len(new)
        return data[:start] + footer.replace(old, new) + data[-8:]

    return change


def lower_the_maximum(data: bytes) -> bytes:
    """The footer's statistics of topic_id made to claim a maximum below the largest value."""
    largest = max(pq.read_table(pa.BufferReader(data))["topic_id"].to_pylist()).encode()
    return footer_patch(largest, b"a" * len(largest))(data)


def footer_row_count(data: bytes) -> bytes:
    """The footer's total row count raised by one, row groups untouched (found by trying each place
    the count's encoding appears, as the Thrift field it is)."""
    rows = pq.ParquetFile(pa.BufferReader(data)).metadata.num_rows
    zigzag = lambda n: bytes([n << 1]) if n < 64 else None  # noqa: E731  # one varint byte
    old, new = b"\x16" + zigzag(rows), b"\x16" + zigzag(rows + 1)  # field 3 (i64), delta 1
    size = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - size
    for at in [m.start() for m in re.finditer(re.escape(old), data[start:-8])]:
        patched = data[: start + at] + new + data[start + at + 2 :]
        try:
            meta = pq.ParquetFile(pa.BufferReader(patched)).metadata
        except (pa.ArrowException, OSError):
            continue
        if meta.num_rows == rows + 1 and meta.row_group(0).num_rows == rows:
            return patched
    raise AssertionError("row count not found in the footer")


def copies_differ(tmp: Path) -> Path:
    dist = release(tmp)
    set_cell(dist / "csv" / "topics.csv", 0, "label", "An edited label")
    return dist


def one_descriptor(build: Builder) -> Builder:
    """``build``, then the Parquet resources moved into datapackage.json (as ``<table>-parquet``) and
    datapackage-parquet.json removed: one descriptor holding both copies of every table."""

    def both(tmp: Path) -> Path:
        dist = build(tmp)
        value = descriptor(dist)
        parquet = json.loads((dist / "datapackage-parquet.json").read_text(encoding="utf-8"))
        value["resources"] += [{**r, "name": f"{r['name']}-parquet"} for r in parquet["resources"]]
        save(dist, value)
        (dist / "datapackage-parquet.json").unlink()
        return dist

    return both


def copies_with_fewer_rows(tmp: Path) -> Path:
    dist = release(tmp)
    topics = dist / "csv" / "topics.csv"
    lines = topics.read_text(encoding="utf-8").splitlines(keepends=True)
    leaf = next(i for i, row in enumerate(csv_rows(topics)) if row["parent_topic_id"] and i > 0)
    topics.write_text("".join(lines[: leaf + 1] + lines[leaf + 2 :]), encoding="utf-8")
    return dist


def long_cell(size: int) -> Builder:
    def build(tmp: Path) -> Path:
        dist = release(tmp)
        set_cell(dist / "csv" / "events.csv", 3, "description", "long " * (size // 5))
        return dist

    return build


def not_a_zip(tmp: Path) -> Path:
    release(tmp)
    fake = tmp / "natoseoul-1.1.0.zip"
    fake.write_bytes(b"<html>404 Not Found</html>\n")
    return fake


def extra_file(name: str) -> Builder:
    """A release copy with one more file, named ``name``."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        (dist / name).write_text("hello\n", encoding="utf-8")
        return dist

    return build


def manifest_text(text: str) -> Builder:
    """A release copy whose SHA256SUMS is ``text`` (not resealed: the attack is on the manifest)."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        (dist / "SHA256SUMS").write_bytes(text.encode("utf-8"))
        return dist

    return build


def manifest_line(rel: str) -> Builder:
    """A release copy whose SHA256SUMS lists one more (hashed) file, under a name that no manifest
    natoseoul writes can hold."""

    def build(tmp: Path) -> Path:
        dist = release(tmp)
        with (dist / "SHA256SUMS").open("a", encoding="utf-8") as f:
            f.write(f"{'0' * 64}  {rel}\n")
        return dist

    return build


def resource_field(key: str, change: Callable[[object], object]) -> Builder:
    return edit(lambda v, d: resource(v, "topics").__setitem__(key, change(resource(v, "topics")[key])))


def member_name_patch(old: str, new: bytes) -> Builder:
    """The release copy packed as a zip, then the name of its member ``natoseoul/<old>`` rewritten
    to ``new`` (as many bytes) in the local and central headers: names zipfile cannot write."""

    def build(tmp: Path) -> Path:
        archive = pack(release(tmp))
        data = archive.read_bytes()
        name = f"natoseoul/{old}".encode()
        assert data.count(name) == 2 and len(new) == len(old)
        archive.write_bytes(data.replace(name, b"natoseoul/" + new))
        return archive

    return build


def reseal(dist: Path) -> Path:
    """Rewrite SHA256SUMS as an export writes it: every regular file hashed again. A path it listed
    that is now a symlink, a FIFO or a folder keeps its line (as an attacker would keep it), so that
    verify meets it as a listed file; a name no manifest can hold is left out."""
    listed = {
        line.split("  ", 1)[1]: line.split("  ", 1)[0]
        for line in (dist / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
        if LINE.fullmatch(line)
    }
    digests = {}
    for directory, folders, files in os.walk(dist, followlinks=False):
        for name in [*folders, *files]:
            path = Path(directory) / name
            rel = path.relative_to(dist).as_posix()
            if rel == "SHA256SUMS" or not LINE.fullmatch(f"{'0' * 64}  {rel}"):
                continue
            if stat.S_ISREG(path.lstat().st_mode):
                digests[rel] = file_sha256(path)
            elif rel in listed:
                digests[rel] = listed[rel]
    (dist / "SHA256SUMS").write_bytes(render(digests))
    return dist


def pack(dist: Path, top: str = "natoseoul") -> Path:
    """The folder as a release zip (``<top>/...``), written as found: symlinks as symlink members,
    FIFOs as FIFO members, folders as folder entries (a folder where a file was becomes one)."""
    archive = dist.parent / f"{dist.name}.zip"

    def info(rel: str, mode: int) -> zipfile.ZipInfo:
        member = zipfile.ZipInfo(f"{top}/{rel}", (2023, 1, 30, 0, 0, 0))
        member.create_system, member.external_attr = 3, mode << 16
        return member

    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for directory, folders, files in os.walk(dist, followlinks=False):
            for name in sorted([*folders, *files]):
                path = Path(directory) / name
                rel = path.relative_to(dist).as_posix()
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    z.writestr(info(rel, stat.S_IFLNK | 0o777), os.readlink(path))
                elif stat.S_ISDIR(mode):
                    z.writestr(info(rel + "/", stat.S_IFDIR | 0o755), b"")
                elif stat.S_ISREG(mode):
                    z.writestr(info(rel, stat.S_IFREG | 0o644), path.read_bytes())
                else:
                    z.writestr(info(rel, stat.S_IFIFO | 0o644), b"")
            folders.sort()
    return archive


def zip_bomb(member: str) -> Builder:
    """A release zip whose ``member`` (the descriptor or the manifest) expands to 1 GiB (4 MiB
    compressed); its SHA256SUMS lists every other member as it is."""

    def build(tmp: Path) -> Path:
        outside(tmp)
        dist = reseal(copy_release(tmp))
        archive = tmp / "natoseoul-bomb.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for rel in sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()):
                if rel != member:
                    z.writestr(f"natoseoul/{rel}", (dist / rel).read_bytes())
            with z.open(f"natoseoul/{member}", "w") as f:
                f.write(b'{"resources": []')
                for _ in range(1024):
                    f.write(b" " * (1 << 20))
                f.write(b"}")
        return archive

    return build


# --- the attacks ---------------------------------------------------------------------------------

CSV, PARQUET = ("--from-format", "csv"), ("--from-format", "parquet")


@dataclass(frozen=True)
class Attack:
    """One hostile input: how to build it, and per command (validate, verify on the copy resealed,
    export) the exit status and a regular expression that a line of the output must match (None:
    not run). ``zipped``: what verify says of the resealed copy packed as a zip, where it differs
    from ``verify``; ``seal``: False when the attack is on SHA256SUMS itself (verify then runs on
    the package as built); ``folder``: False when the attack is not a package folder."""

    id: str
    build: Builder
    validate: tuple[int, str] | None
    verify: tuple[int, str] | None
    export: tuple[int, str] | None
    export_from: tuple[str, ...] = CSV
    zipped: tuple[int, str] | None = None
    seal: bool = True
    folder: bool = True
    diff: tuple[int, str] | None = None  # diff of the package against the release (bad input: exit 2)
    site: tuple[int, str] | None = None  # site --from the package

    def expected(self, command: str) -> tuple[int, str] | None:
        if command == "verify-zip":
            return self.zipped or self.verify if self.folder else None
        return getattr(self, command)  # type: ignore[no-any-return]

    def target(self, command: str, tmp: Path) -> Path:
        built = self.build(tmp)
        if command.startswith("verify") and self.folder and self.seal:
            reseal(built)
        return pack(built) if command == "verify-zip" else built


E = "^Error: "  # the start of the one line a command that stops prints
SYMLINK = r"csv/topics.csv: is a symlink; a release holds regular files only"  # verify follows no symlink


def hash_line(table: str) -> str:
    """What verify says of a CSV file changed after the descriptor recorded its hash."""
    return rf"datapackage.json: resource '{table}': hash: expected sha256:\w+, csv/{table}.csv has \w+$"


ATTACKS = [
    # paths that escape
    Attack("dotdot", edit(topics_path("../outside/topics.csv")),
           (1, r"datapackage.json: resource path '\.\./outside/topics.csv' contains '\.\.'"),
           (1, E + r".*resource path '\.\./outside/topics.csv' contains '\.\.'"),
           (1, E + r".*resource path '\.\./outside/topics.csv' contains '\.\.'")),
    Attack("absolute", edit(topics_path("/etc/passwd")),
           (1, r"resource path '/etc/passwd' is absolute or remote"),
           (1, E + r".*resource path '/etc/passwd' is absolute or remote"),
           (1, E + r".*resource path '/etc/passwd' is absolute or remote")),
    Attack("url", edit(topics_path("https://example.invalid/topics.csv")),
           (1, r"resource path 'https://example.invalid/topics.csv' is absolute or remote"),
           (1, E + r".*is absolute or remote"), (1, E + r".*is absolute or remote")),
    Attack("windows-drive", edit(topics_path("C:/topics.csv")),
           (1, r"'C:/topics.csv' is absolute or remote"), (1, E + ".*is absolute or remote"),
           (1, E + ".*is absolute or remote")),
    Attack("symlink-to-outside", symlink(lambda tmp: outside(tmp) / "topics.csv", "dist/csv/topics.csv"),
           (1, r"resource path 'csv/topics.csv' is a symlink leading outside the package"),
           (1, SYMLINK),
           (1, E + r".*'csv/topics.csv' is a symlink leading outside the package")),
    Attack("symlink-to-device", symlink(lambda tmp: Path("/dev/zero"), "dist/csv/topics.csv"),
           (1, r"is a symlink leading outside the package"), (1, SYMLINK),
           (1, E + ".*is a symlink leading outside")),
    Attack("seeds-folder-symlink", symlink(outside, "dist/seeds"),
           (1, r"datapackage.json: .*/seeds is a symlink to another folder; spans not checked"),
           (1, r"/seeds: is a symlink; a release holds regular files only"), None,
           site=(1, E + r".*/seeds is a symlink to another folder; the seeds are not read")),
    Attack("seed-file-symlink", seed_symlink,
           (1, r"documents.csv:2:path: seed path '.*' is a symlink leading outside the package"),
           (1, r"/seeds/000_\w+.txt: is a symlink; a release holds regular files only"), None,
           site=(1, E + r".*seed path 'seeds/000_\w+.txt' is a symlink leading outside the package")),
    Attack("schema-path-outside", edit(lambda v, d: resource(v, "topics").update(schema="../outside/schema.json")),
           (1, r"resource 'topics': schema path '\.\./outside/schema.json' contains '\.\.'"), (0, "^ok: "),
           (1, E + r".*resource 'topics': schema path '\.\./outside/schema.json' contains '\.\.'")),
    Attack("fifo", special_file("fifo"),
           (1, r"csv/topics.csv: is not a regular file \(a FIFO, socket or device\); refusing to read it"),
           (1, r"csv/topics.csv: is not a regular file$"), (1, E + r".*csv/topics.csv: is not a regular file")),
    # the descriptor is checked, not trusted
    Attack("no-schema", edit(lambda v, d: resource(v, "topics").pop("schema")),
           (1, r"resource 'topics': has no schema; expected a Table Schema"), (0, "^ok: "),
           (1, E + r".*resource 'topics': has no schema")),
    Attack("unknown-type", schema_change(lambda s: s["fields"][1].__setitem__("type", "text")),
           (1, r"resource 'topics': schema: field 'label' has the unknown type 'text'"), (0, "^ok: "),
           (1, E + r".*field 'label' has the unknown type 'text'")),
    Attack("other-type", schema_change(lambda s: s["fields"][1].__setitem__("type", "integer")),
           (1, r"resource 'topics': schema: field 'label' has type 'integer'; the topics table's is string"),
           (0, "^ok: "), (1, E + r".*field 'label' has type 'integer'")),
    Attack("primary-key-unknown-column", schema_change(lambda s: s.__setitem__("primaryKey", ["topic"])),
           (1, r"resource 'topics': schema: primaryKey names 'topic', which is not a field"), (0, "^ok: "),
           (1, E + r".*primaryKey names 'topic'")),
    Attack("foreign-key-unknown-resource", schema_change(
           lambda s: s["foreignKeys"][0]["reference"].__setitem__("resource", "subjects"), "event_topics"),
           (1, r"resource 'event_topics': schema: foreign key 1 refers to resource 'subjects', which the package"),
           (0, "^ok: "), None),
    Attack("foreign-key-unknown-field", schema_change(
           lambda s: s["foreignKeys"][0]["reference"].__setitem__("fields", ["topic"])),
           (1, r"resource 'topics': schema: foreign key 1 refers to 'topic', which is not a field of this resource"),
           (0, "^ok: "), (1, E + r".*foreign key 1 refers to 'topic'")),
    Attack("dialect-semicolon", edit(lambda v, d: resource(v, "topics")["dialect"].__setitem__("delimiter", ";")),
           (1, r"resource 'topics': dialect: delimiter ';'; natoseoul reads CSV with delimiter ','"), (0, "^ok: "),
           (1, E + r".*dialect: delimiter ';'")),
    Attack("missing-values", schema_change(lambda s: s.__setitem__("missingValues", ["", "NA"])),
           (1, r"schema: missingValues \['', 'NA'\]; natoseoul reads only the empty cell as missing"), (0, "^ok: "),
           (1, E + r".*missingValues")),
    # cells outside the Table Schema's lexical forms (and one inside)
    Attack("hexadecimal-integer", cell("event_evidence", 0, "char_start", "0x10"),
           (1, r"event_evidence.csv:2:char_start: '0x10' is not an integer"), (1, hash_line("event_evidence")),
           (1, E + r".*event_evidence.csv:2:char_start: '0x10' is not an integer")),
    Attack("boolean-one", cell("documents", 0, "title_verbatim", "1"),
           (1, r"documents.csv:2:title_verbatim: '1' is not true or false"), (1, hash_line("documents")),
           (1, E + r".*documents.csv:2:title_verbatim: '1' is not true or false")),
    # binary files whose metadata contradicts their data
    Attack("parquet-invalid-utf8", parquet_bytes(lambda b: b.replace(b"diplomatic", b"diplomati\xff", 1)),
           (1, r"parquet/topics.parquet:\w+: a text value is not UTF-8 \(the file is damaged\)"),
           (0, "^ok: "),  # no descriptor records the Parquet files' hash: verify trusts SHA256SUMS
           (1, E + r".*topics.parquet:\w+: a text value is not UTF-8"), PARQUET),
    Attack("parquet-statistics-lie", parquet_bytes(lower_the_maximum),
           (1, r"topics.parquet: row group 0: column 'topic_id': the statistics give the range .* the data holds"),
           (0, "^ok: "), (1, E + r".*topics.parquet: row group 0: column 'topic_id': the statistics"),
           PARQUET),
    Attack("parquet-row-count-lie", parquet_bytes(footer_row_count),
           (1, r"topics.parquet: the footer says \d+ rows, its row groups hold \d+"), (0, "^ok: "),
           (1, E + r".*topics.parquet: the footer says"), PARQUET),
    # two copies that disagree
    Attack("copies-differ", copies_differ,
           (1, r"parquet/topics.parquet:label: the values differ from those of .*csv/topics.csv"),
           (1, hash_line("topics")),
           (0, r"^exported "), ()),  # export --from a release folder reads its Parquet copies
    Attack("copies-in-one-descriptor", one_descriptor(copies_differ),
           (1, r"topics.parquet:label: the values differ from those of .*csv/topics.csv"),
           (1, hash_line("topics")),
           (1, E + r".*table 'documents' has both a CSV and a Parquet copy .*--from-format"), ()),
    Attack("copies-row-counts", copies_with_fewer_rows,
           (1, r"parquet/topics.parquet: holds \d+ rows, .*csv/topics.csv holds \d+; the CSV and Parquet copies"),
           (1, hash_line("topics")), (0, r"^exported "), CSV),
    # large values
    Attack("cell-of-9-mib", long_cell(9 << 20), (1, r"events.csv:5:description: does not match|valid"),
           (1, r"resource 'events': bytes: expected \d+, csv/events.csv has 9470890$"), (0, r"^exported ")),
    Attack("descriptor-of-17-mib", edit(lambda v, d: v.__setitem__("description", "x" * (17 << 20))),
           (1, E + r".*datapackage.json: larger than 16 MiB, the most natoseoul reads as a descriptor"),
           (1, r"datapackage.json: larger than 16 MiB, the most natoseoul reads as a descriptor$"),
           (1, E + r".*larger than 16 MiB")),
    # what used to raise tracebacks
    Attack("symlink-loop", special_file("loop"), (1, r"resource path 'csv/topics.csv' is a symlink loop"),
           (1, r"csv/loop: is a symlink; a release holds regular files only"),
           (1, E + r".*'csv/topics.csv' is a symlink loop")),
    Attack("nul-in-path", edit(topics_path("csv/topics.csv\x00.txt")),
           (1, r"resource path 'csv/topics.csv\\x00.txt' contains a control character"),
           (1, E + r".*contains a control character"), (1, E + r".*contains a control character")),
    Attack("deep-json", raw_descriptor("[" * 100_000 + "]" * 100_000),
           (1, E + r".*cannot read as JSON: nested deeper than 64 levels"),
           (1, r"datapackage.json: cannot read as JSON: nested deeper than 64 levels$"),
           (1, E + r".*nested deeper than 64 levels")),
    Attack("deep-json-just-too-deep", raw_descriptor('{"resources": []' + ', "x": ' + "[" * 64 + "]" * 64 + "}"),
           (1, E + r".*nested deeper than 64 levels"), (1, r"datapackage.json: cannot read as JSON: nested deeper"),
           (1, E + r".*nested deeper")),
    Attack("number-of-5000-digits", raw_descriptor('{"resources": [], "bytes": ' + "9" * 5000 + "}"),
           (1, E + r".*cannot read as JSON: a number of 5000 characters \(at most 100 are read\)"),
           (1, r"datapackage.json: cannot read as JSON: a number of 5000 characters"),
           (1, E + r".*a number of 5000 characters")),
    Attack("nan", raw_descriptor('{"resources": [], "bytes": NaN}'), (1, E + r".*NaN is not a JSON number"),
           (1, r"datapackage.json: cannot read as JSON: NaN is not a JSON number"),
           (1, E + r".*NaN is not a JSON number")),
    Attack("key-twice", raw_descriptor('{"resources": [], "resources": []}'),
           (1, E + r".*the key 'resources' appears twice in one object"),
           (1, r"datapackage.json: cannot read as JSON: the key 'resources' appears twice"),
           (1, E + ".*appears twice")),
    # names that could forge output or reach the terminal
    Attack("newline-in-path", edit(topics_path("csv/x\nok: 24 file(s) match the descriptor\x1b[2J.csv")),
           (1, r"resource path 'csv/x\\nok: 24 file\(s\) match the descriptor\\x1b\[2J.csv' contains a control"),
           (1, E + r".*contains a control character"), (1, E + r".*contains a control character")),
    Attack("escape-in-column", header_change('"label"', '"lab\x1b]0;owned\x07el\nvalid: 24 file(s)"'),
           (1, r"topics.csv:1: header: missing column\(s\) label; unexpected column\(s\) lab\\x1b\]0;owned\\x07el"),
           (1, hash_line("topics")), (1, E + r".*topics.csv:1: header: missing column\(s\) label")),
    Attack("escape-in-resource-name", edit(lambda v, d: resource(v, "topics").__setitem__("name", "t\x1b[31m\n")),
           (1, r"resource 't\\x1b\[31m\\n' is not a table of this package"), (0, "^ok: "), None),
    # messages that used to mislead
    Attack("directory", special_file("directory"), (1, r"csv/topics.csv: is a directory, expected a file"),
           (1, r"csv/topics.csv: is a directory, expected a file$"),
           (1, E + r".*csv/topics.csv: is a directory, expected a file")),
    Attack("header-name-twice", header_change('"label"', '"topic_id"'),
           (1, r"topics.csv:1: header: column\(s\) topic_id appear more than once"), (1, hash_line("topics")),
           (1, E + r".*topics.csv:1: header: column\(s\) topic_id appear more than once")),
    # what verify reads itself: names in the folder, the zip and the manifest; sizes and hashes
    Attack("newline-in-file-name", extra_file("csv/x\nok: 49 file(s) match SHA256SUMS\x1b[2J.csv"),
           (0, r"^valid: "),  # a file no descriptor names is not read
           (1, r"csv/x\\nok: 49 file\(s\) match SHA256SUMS\\x1b\[2J.csv: not listed in SHA256SUMS$"),
           (0, r"^exported "),
           zipped=(1, E + r".*member 'natoseoul/csv/x\\nok: 49 file\(s\) match SHA256SUMS\\x1b\[2J.csv' contains a")),
    Attack("nul-and-escape-in-member-name", member_name_patch("README.md", b"R\x1b[2J\x00.md"),
           (1, E + r".*is a zip archive; check it with `natoseoul verify`"),
           (1, E + r".*member 'natoseoul/R\\x1b\[2J' contains a control character"),
           (1, E + r".*is a zip archive"), folder=False),
    Attack("escape-in-manifest-line", manifest_line("csv/x\x1b]0;owned\x07.csv"),
           (0, r"^valid: "),  # validate and export do not read SHA256SUMS
           (1, E + r".*SHA256SUMS:49: expected '<64 lowercase hex digits>  <path>', got '0{64}  csv/x\\x1b\]0;owned'"),
           (0, r"^exported "), seal=False),
    Attack("deep-json-in-manifest", manifest_text("[" * 100_000 + "]" * 100_000 + "\n"),
           None, (1, E + r".*SHA256SUMS:1: expected '<64 lowercase hex digits>  <path>', got '\[\[\[\["), None,
           seal=False),
    Attack("manifest-of-17-mib", manifest_text(f"{'0' * 64}  {'x' * 60}\n" * (17 << 14)),
           None, (1, E + r".*SHA256SUMS: larger than 16 MiB, the most natoseoul reads as a manifest"), None,
           seal=False),
    Attack("size-as-a-string", resource_field("bytes", str), None,
           (1, r"resource 'topics': bytes: expected '(\d+)' \(a string, not an integer\), csv/topics.csv has \1$"),
           None),
    Attack("size-as-true", resource_field("bytes", lambda size: True), None,
           (1, r"resource 'topics': bytes: expected True \(a boolean, not an integer\), csv/topics.csv has \d+$"),
           None),
    Attack("hash-not-a-string", resource_field("hash", lambda digest: 12345),
           None, (1, r"resource 'topics': hash: expected a string such as 'sha256:<hex>', found 12345 \(a number\)$"),
           None),
    # found by the red team (2nd round): each a promise that was broken
    Attack("header-invalid-utf8", header_bytes(b'"topic_id"', b'"topic_id\xff"'),
           (1, r"topics.csv: cannot read as CSV: not UTF-8 text \(save the file as UTF-8\): header: "),
           (1, hash_line("topics")), (1, E + r".*topics.csv: cannot read as CSV: not UTF-8 text"),
           diff=(2, E + r".*topics.csv: cannot read as CSV: not UTF-8 text")),
    Attack("header-of-a-million-columns",
           header_change('"topic_id"', '"topic_id",' + ",".join(f"c{i}" for i in range(1_000_000))),
           (1, r"topics.csv:1: header: longer than 4 MiB \(one block\), the most natoseoul reads as a header"),
           (1, hash_line("topics")), (1, E + r".*topics.csv:1: header: longer than 4 MiB"),
           diff=(2, E + r".*topics.csv:1: header: longer than 4 MiB")),
    Attack("seed-file-symlink-rehashed", seed_symlink_rehashed(folder=False),
           (1, r"documents.csv:2:path: seed path 'seeds/000_\w+.txt' is a symlink leading outside the package"),
           (1, r"/seeds/000_\w+.txt: is a symlink; a release holds regular files only"), None,
           site=(1, E + r".*seed path 'seeds/000_\w+.txt' is a symlink leading outside the package")),
    Attack("seeds-folder-symlink-rehashed", seed_symlink_rehashed(folder=True),
           (1, r"datapackage.json: .*/seeds is a symlink to another folder; spans not checked"),
           (1, r"/seeds: is a symlink; a release holds regular files only"), None,
           site=(1, E + r".*/seeds is a symlink to another folder; the seeds are not read")),
    Attack("dotdot-in-parquet-descriptor", parquet_descriptor_path("parquet/../../outside/secret.txt"),
           (1, r"datapackage-parquet.json: resource path 'parquet/\.\./\.\./outside/secret.txt' contains '\.\.'"),
           (1, E + r".*datapackage-parquet.json: resource path 'parquet/\.\./\.\./outside/secret.txt' contains"),
           (1, E + r".*datapackage-parquet.json: resource path 'parquet/\.\./\.\./outside/secret.txt'"), ()),
    Attack("char-count-with-plus", char_count_as("+{}"), (0, r"^valid: "), (1, hash_line("documents")),
           (0, r"^exported "), diff=(1, r'^      char_count: "\+\d+" → "\d+"$')),
    Attack("char-count-with-zeros", char_count_as("000{}"), (0, r"^valid: "), (1, hash_line("documents")),
           (0, r"^exported ")),
    Attack("hard-link-to-outside", hard_link_to_outside,
           (1, r"topics.csv:1: header: missing column\(s\) .*; unexpected column\(s\) SECRET-OUTSIDE-THE-PACK…$"),
           (1, hash_line("topics")), (1, E + r".*unexpected column\(s\) SECRET-OUTSIDE-THE-PACK…$"),
           diff=(2, E + r".*topics.csv: no key column 'topic_id'")),
    Attack("bidi-and-escape-in-cells", bidi_cells,
           None, None, None,
           diff=(1, r'^  - bad\\x1b\[31mid\\u202e$(?s:.*)^      label: "abc\\u202e\\u2066txt.exe" → ')),
    Attack("not-a-zip", not_a_zip,
           (1, E + r".*natoseoul-1.1.0.zip: not a zip archive \(no zip signature\) and not a datapackage.json"),
           (1, E + r".*not a zip archive \(no zip signature\) and not a file of a release folder"),
           (1, E + r".*not a zip archive"), folder=False),
]  # fmt: skip
COMMANDS = ("validate", "verify", "verify-zip", "export", "diff", "site")
CASES = [
    pytest.param(attack, command, id=f"{attack.id}-{command}")
    for attack in ATTACKS
    for command in COMMANDS
    if attack.expected(command) is not None
]


def attack_run(command: str, target: Path, tmp: Path, export_from: tuple[str, ...] = CSV, mode: str = "runner") -> Run:
    if command == "export":
        args = ["export", "--from", str(target), *export_from, "-f", "csv", "-o", str(tmp / "new" / "out"), "-q"]
    elif command == "site":
        args = ["site", "--from", str(target), "-o", str(tmp / "new" / "out"), "-q"]
    elif command == "diff":
        args = ["diff", str(target), str(release_dir())]
    else:
        args = [command.removesuffix("-zip"), str(target)]
    return run(*args, mode=mode)


def check_promises(result: Run, expected: tuple[int, str], command: str, tmp: Path) -> None:
    code, pattern = expected
    text = result.out + result.err
    assert result.code == code, text[-2000:]
    assert re.search(pattern, text, re.MULTILINE), text[-2000:]
    assert SECRET not in text
    assert all(line.isprintable() for line in text.splitlines()), text[-2000:]
    if result.code in (1, 2) and not result.out:  # a command that stops says why in one line (diff: exit 2)
        assert result.err.count("\n") == 1 and result.err.startswith("Error: "), result.err
    if command == "site" and result.code != 0:
        assert not (tmp / "new").exists()
    if command == "export":
        written = tmp / "new" / "out"
        if result.code == 0:  # complete: every table, the descriptor and the manifest, no temporary file
            names = sorted(p.name for p in written.iterdir())
            assert names == sorted([f"{t}.csv" for t in TABLES] + ["datapackage.json", "SHA256SUMS"]), names
        else:
            assert not (tmp / "new").exists()  # nothing written, not even the folders


@pytest.mark.parametrize(("attack", "command"), CASES)
def test_attack(tmp_path: Path, attack: Attack, command: str) -> None:
    target = attack.target(command, tmp_path)
    expected = attack.expected(command)
    assert expected is not None
    result = attack_run(command, target, tmp_path, attack.export_from)
    check_promises(result, expected, command, tmp_path)


def changed_files(dist: Path) -> list[str]:
    """The files of a release copy that differ from the release's SHA256SUMS: changed, missing,
    replaced by something else than a regular file, or added (each found by lstat, never followed)."""
    listed = dict(reversed(line.split("  ", 1)) for line in (release_dir() / "SHA256SUMS").read_text().splitlines())
    found = []
    for directory, folders, files in os.walk(dist, followlinks=False):
        for name in [*folders, *files]:
            path = Path(directory) / name
            rel = path.relative_to(dist).as_posix()
            mode = path.lstat().st_mode
            if rel == "SHA256SUMS" or (stat.S_ISDIR(mode) and rel not in listed):
                continue
            if rel not in listed or not stat.S_ISREG(mode) or file_sha256(path) != listed[rel]:
                found.append(rel)
    return found + [rel for rel in listed if not os.path.lexists(dist / rel)]


FOLDER_ATTACKS = [pytest.param(a, id=a.id) for a in ATTACKS if a.folder and a.seal]


@pytest.mark.parametrize("attack", FOLDER_ATTACKS)
def test_verify_names_each_changed_file(tmp_path: Path, attack: Attack) -> None:
    """On a copy of the release edited by the attack (not resealed), verify stops at the manifest:
    exit 1, and every file the attack changed, added or removed is named, whatever it holds (or one
    line ``Error: <descriptor>: ...`` when the descriptor names a path outside the package)."""
    dist = attack.build(tmp_path)
    changed = changed_files(dist)
    assert changed, "the attack changed nothing"
    result = run("verify", str(dist))
    check_promises(result, (1, ""), "verify", tmp_path)
    text = result.out + result.err
    if result.out:
        for rel in changed:
            assert printable(f"{dist / rel}: ") in text, (rel, text[-2000:])
    else:
        descriptors = (["datapackage.json"], ["datapackage-parquet.json"])
        assert changed in descriptors and printable(f"Error: {dist}/{changed[0]}: ") in text, text


# --- attacks that need more than a table row -----------------------------------------------------


def test_the_attack_table_covers_every_class() -> None:
    assert len(ATTACKS) >= 40 and len(CASES) >= 100


def test_a_valid_cell_of_9_mib_is_read_and_converted(tmp_path: Path) -> None:
    """A cell longer than the 4 MiB block (which used to stop the reader: 'straddling object')."""
    dist = long_cell(9 << 20)(tmp_path)
    (dist / "datapackage-parquet.json").unlink()  # the CSV copy alone: the Parquet one would differ
    result = run("validate", str(dist))
    assert result.code == 0, result.out
    result = run("export", "--from", str(dist), "-f", "parquet", "-o", str(tmp_path / "pq"), "-t", "events", "-q")
    assert result.code == 0, result.err
    assert pq.read_table(tmp_path / "pq" / "events.parquet")["description"][3].as_py() == "long " * ((9 << 20) // 5)


def test_a_cell_longer_than_the_limit_is_refused_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_tables, "MAX_CSV_RECORD", 4 << 20)  # the limit (64 MiB) made small, to keep the test fast
    dist = long_cell(5 << 20)(tmp_path)
    result = run("validate", str(dist))
    assert re.search(r"events.csv:5:description: a cell of 5 MiB; the most natoseoul reads is 4 MiB", result.out)
    monkeypatch.setattr(_tables, "MAX_CSV_RECORD", 1 << 20)  # a record across two blocks of 4 MiB
    dist = long_cell(9 << 20)(tmp_path / "again")
    result = run("export", "--from", str(dist), *CSV, "-f", "csv", "-o", str(tmp_path / "new" / "out"))
    assert result.code == 1 and re.search(r"events.csv: a CSV record after row \d+ is longer than 1 MiB", result.err)
    assert not (tmp_path / "new").exists()


PEAK_RSS = """
import resource, sys
from natoseoul.cli import prepare, main
prepare(sys.argv[1:])
try:
    main(sys.argv[1:], prog_name="natoseoul")
finally:
    print(f"peak-rss-kib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
"""


def peak_rss(*args: str) -> tuple[Run, int]:
    """Run natoseoul ARGS in a child Python; returns what it printed and its peak resident memory (MiB)."""
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS, *args], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    found = re.search(r"peak-rss-kib=(\d+)", proc.stderr)
    assert found, proc.stderr
    err = proc.stderr.replace(found.group(0) + "\n", "")
    return Run(proc.returncode, proc.stdout, err), int(found.group(1)) // 1024


def test_memory_stays_bounded_on_large_inputs(tmp_path: Path) -> None:
    """A 17 MiB descriptor is refused after reading 16 MiB of it; a 9 MiB cell costs a few times its size."""
    baseline = peak_rss("validate", str(copy_release(tmp_path / "base")))[1]
    result, peak = peak_rss(
        "validate", str(edit(lambda v, d: v.__setitem__("description", "x" * (17 << 20)))(tmp_path / "a"))
    )
    assert result.code == 1 and "larger than 16 MiB" in result.err
    assert peak < baseline + 80, (baseline, peak)
    result, peak = peak_rss("validate", str(long_cell(9 << 20)(tmp_path / "b")))
    assert result.code == 1 and peak < baseline + 150, (baseline, peak)  # the CSV and Parquet copies differ


def test_no_command_touches_the_network(tmp_path: Path) -> None:
    """URLs in every place a descriptor can hold one, pointing at a local server that counts the
    connections it gets; validate --frictionless must refuse them before frictionless sees them."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    url = f"http://127.0.0.1:{server.getsockname()[1]}"
    dist = release(tmp_path)
    value = descriptor(dist)
    value["$schema"] = f"{url}/datapackage.json"
    value["resources"] = [
        r for r in value["resources"] if r["format"] == "csv" and r["name"] in ("topics", "documents")
    ]
    topics, documents = resource(value, "topics"), resource(value, "documents")
    topics["dialect"] = f"{url}/dialect.json"
    topics["schema"]["$schema"] = f"{url}/tableschema.json"
    documents["path"] = f"{url}/documents.csv"
    value["resources"].append({**topics, "name": "more-topics", "schema": f"{url}/schema.json"})
    save(dist, value)
    try:
        result = run("validate", "--frictionless", str(dist))
        for command in ("verify", "export"):
            attack_run(command, dist, tmp_path)
        with pytest.raises(BlockingIOError):
            server.accept()
    finally:
        server.close()
    assert result.code == 1
    assert f"$schema '{url}/datapackage.json' is not a standard profile; not fetched" in result.out
    assert re.search(
        r"resource 'documents': resource path 'http.*' is absolute or remote; expected a path in the package; "
        r"not given to frictionless",
        result.out,
    )
    assert "resource 'topics': dialect: expected an object or the path" not in result.out
    assert all(line.isprintable() for line in result.out.splitlines())


# --- cells: one verdict, whatever the path ----------------------------------------------------


INTEGER = TABLES["event_evidence"].field_index["char_start"]
DATE = TABLES["events"].field_index["date_start"]
BOOLEAN = TABLES["documents"].field_index["title_verbatim"]


def lexically_valid(spec: object, cell: str) -> bool:
    """The Table Schema's lexical rules, as the validator reads them: an integer is an optional sign
    and 1 to 18 digits (XML Schema's integer, within int64); a date is YYYY-MM-DD on the calendar
    from 0001-01-01; a boolean is one of the field's trueValues or falseValues."""
    import datetime as dt

    if spec is INTEGER:
        return re.fullmatch(r"[+-]?[0-9]{1,18}", cell) is not None
    if spec is DATE:
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", cell) is None:
            return False
        try:
            return dt.date.fromisoformat(cell) >= dt.date(1, 1, 1)
        except ValueError:
            return False
    return cell in ("true", "false")


CELLS = st.one_of(
    st.text(alphabet="0123456789+-xXabcdefT: ._\t\n٣", max_size=22),
    st.from_regex(r"\A[+-]?(0[xX])?[0-9a-fA-F]{1,20}\Z"),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["true", "false", "True", "TRUE", "1", "0", "yes", " true"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELLS, min_size=1, max_size=6), st.sampled_from([INTEGER, DATE, BOOLEAN]))
def test_every_cell_gets_the_lexical_verdict_whatever_else_is_in_its_column(cells: list[str], spec: object) -> None:
    """The fast path (Arrow's cast of the whole column) and the slow path (regular expressions, taken
    when one cell does not cast) give each cell the verdict of the Table Schema's lexical rules."""
    values, bad = parse_column(spec, pa.array(cells, pa.string()))  # type: ignore[arg-type]
    for i, text in enumerate(cells):
        if text == "":
            continue  # missing, not bad
        assert bad[i].as_py() is not lexically_valid(spec, text), (text, cells)
        alone, bad_alone = parse_column(spec, pa.array([text]))  # type: ignore[arg-type]
        assert bad_alone[0].as_py() is bad[i].as_py() and alone[0].equals(values[i]), (text, cells)


@pytest.mark.parametrize(("value", "valid"), [("+17", True), ("0x11", False), ("017", True), ("1e1", False)])
def test_an_integer_cell_gets_the_same_verdict_from_csv_and_parquet(tmp_path: Path, value: str, valid: bool) -> None:
    """Parquet stores the typed value, so a cell that CSV holds as '+17' is 17 there: both copies are
    read to the same value, and the two copies agree."""
    dist = release(tmp_path)
    evidence = dist / "csv" / "event_evidence.csv"
    start = csv_rows(evidence)[0]["char_start"]
    set_cell(evidence, 0, "char_start", value.replace("17", start).replace("11", start))
    result = run("validate", str(dist))
    assert (result.code == 0) is valid, result.out


# --- verify's own limits, and export's writers ---------------------------------------------------


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (
            "datapackage.json",
            r"^\S+/natoseoul/datapackage.json: larger than 16 MiB, the most natoseoul reads as a descriptor$",
        ),
        (
            "SHA256SUMS",
            r"^Error: \S+/natoseoul/SHA256SUMS: larger than 16 MiB, the most natoseoul reads as a manifest$",
        ),
    ],
    ids=["descriptor", "manifest"],
)
def test_verify_refuses_a_zip_member_that_expands_to_a_gigabyte(tmp_path: Path, member: str, message: str) -> None:
    """A descriptor or manifest member of 1 GiB (4 MiB compressed) is refused by the size the zip
    records, before a byte of it is read: memory stays where it is for the release zip."""
    baseline = peak_rss("verify", str(pack(copy_release(tmp_path / "base"))))[1]
    archive = zip_bomb(member)(tmp_path)
    started = time.monotonic()
    result, peak = peak_rss("verify", str(archive))
    assert result.code == 1 and re.search(message, result.out + result.err, re.MULTILINE), result.out + result.err
    assert peak < baseline + 20, (baseline, peak)
    assert time.monotonic() - started < 20  # not inflated to be hashed either


def test_verify_names_a_size_written_as_a_string(tmp_path: Path) -> None:
    dist = release(tmp_path)
    value = descriptor(dist)
    resource(value, "topics")["bytes"] = str(resource(value, "topics")["bytes"])
    save(dist, value)
    result = run("verify", str(reseal(dist)))
    assert result.code == 1
    assert not re.search(r"expected (\d+), \S+ has \1\b", result.out), result.out
    assert re.search(r"bytes: expected '(\d+)' \(a string, not an integer\), csv/topics.csv has \1$", result.out, re.M)


def test_verify_says_a_directory_is_a_directory(tmp_path: Path) -> None:
    result = run("verify", str(special_file("directory")(tmp_path)))
    assert result.code == 1 and "csv/topics.csv: is a directory, expected a file" in result.out, result.out


def test_verify_given_a_fifo_or_a_symlink_loop_says_so_without_opening_it(tmp_path: Path) -> None:
    fifo, loop = tmp_path / "natoseoul.zip", tmp_path / "loop.zip"
    os.mkfifo(fifo)
    loop.symlink_to("loop.zip")
    result = run("verify", str(fifo))
    assert (
        result.code == 1
        and result.err == f"Error: {fifo}: is not a regular file (a FIFO, socket or device); refusing to read it\n"
    )
    result = run("verify", str(loop))
    assert result.code == 2 and "does not exist" in result.err  # click's check of the argument, first


def test_a_write_error_names_the_file_not_a_hidden_temporary_one(tmp_path: Path) -> None:
    """The file system refuses to grow a file past 8 KiB (RLIMIT_FSIZE) midway through an export."""
    import resource

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 13, 1 << 13))

    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "natoseoul", "export", "-f", "csv", "-o", str(out), "-q"],
                          capture_output=True, text=True, preexec_fn=small_files, timeout=120)  # fmt: skip
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "/." not in proc.stderr and ".tmp" not in proc.stderr, proc.stderr
    assert not out.exists() or not any(p.name.startswith(".") for p in out.iterdir())


def test_sigterm_during_an_export_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGTERM while an export streams a large table into its temporary file: nothing hidden is left."""
    source = tmp_path / "source"
    dist = copy_release(tmp_path)
    shutil.copytree(dist / "csv", source)
    value = descriptor(dist)
    value["resources"] = [
        {**r, "path": r["path"].removeprefix("csv/")} for r in value["resources"] if r["format"] == "csv"
    ]
    save(source, value)
    links = source / "event_topics.csv"
    header, *rows = links.read_text(encoding="utf-8").splitlines(keepends=True)
    links.write_text(
        header + "".join(rows) * (400_000 // len(rows)), encoding="utf-8"
    )  # duplicates: export does not mind
    out = tmp_path / "out"
    args = ["export", "--from", str(source), "-t", "event_topics", "-f", "jsonl", "-o", str(out), "-q"]
    proc = subprocess.Popen([sys.executable, "-m", "natoseoul", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not (out.exists() and any(out.iterdir())):
        time.sleep(0.001)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert not out.exists() or not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_diff_refuses_a_zip_member_by_its_recorded_size_and_names_it(tmp_path: Path) -> None:
    """A descriptor member of 1 GiB is refused before a byte is unpacked, named as <zip>/<member>;
    no temporary folder is left, and one a killed diff left (its process gone) is removed."""
    import tempfile

    stale = Path(tempfile.gettempdir()) / "natoseoul-diff-999999999-stale"
    stale.mkdir(exist_ok=True)
    archive = zip_bomb("datapackage.json")(tmp_path)
    started = time.monotonic()
    result = run("diff", str(archive), str(release_dir()))
    assert time.monotonic() - started < 10
    assert result.code == 2 and result.err == (
        f"Error: {archive}/natoseoul/datapackage.json: larger than 16 MiB, the most natoseoul reads as a descriptor\n"
    )
    assert not stale.exists()


def test_sigterm_during_a_diff_of_a_zip_leaves_no_temporary_folder(tmp_path: Path) -> None:
    import tempfile

    dist = release(tmp_path)
    events = dist / "csv" / "events.csv"
    header, *rows = events.read_text(encoding="utf-8").splitlines(keepends=True)
    events.write_text(header + "".join(rows) * 4000, encoding="utf-8")  # ~ 100 MiB unpacked
    archive = pack(dist)
    proc = subprocess.Popen([sys.executable, "-m", "natoseoul", "diff", str(archive), str(release_dir())],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    mine = f"natoseoul-diff-{proc.pid}-*"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not list(Path(tempfile.gettempdir()).glob(mine)):
        time.sleep(0.001)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert not list(Path(tempfile.gettempdir()).glob(mine))


def test_export_reads_no_symlinked_manifest_in_its_output_folder(tmp_path: Path) -> None:
    """An output folder whose SHA256SUMS is a symlink to outside: refused unopened, one line."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "SHA256SUMS").symlink_to(outside(tmp_path) / "secret.txt")
    result = run("export", "-f", "csv", "-o", str(out), "-q")
    check_promises(result, (1, E + r".*/out/SHA256SUMS: is a symlink; only regular files in the folder are read; "
                                   r"cannot add to it \(use --force to replace it\)$"), "verify", tmp_path)  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["SHA256SUMS"]
