"""The release archive ``dist/natoseoul-<version>.zip``: built by ``python tools/build.py``, byte-reproducible,
checked by ``natoseoul verify`` without unpacking, and committed with the release files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import subprocess
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import _archive as archive
from build import build
from cli_helpers import ROOT, release_files, run, run_build
from natoseoul._version import __version__
from natoseoul.schema import TABLES
from natoseoul.site import site_files

ZIP = ROOT / archive.archive_path(__version__)
TOP = f"natoseoul-{__version__}"


DOCS = ["README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md"]
FILES = 1 + len(release_files())  # SHA256SUMS and every file it lists


def expected_members() -> list[str]:
    names = ["SHA256SUMS", "datapackage.json", "datapackage-parquet.json", *DOCS]
    names += [f"{fmt}/{t}.{fmt}" for fmt in ("csv", "parquet") for t in TABLES]
    names += [f"seeds/{p.name}" for p in sorted((ROOT / "seeds").iterdir())]
    names += [f"site/{rel}" for rel in site_files()]  # the static site (natoseoul site), last
    return [f"{TOP}/{n}" for n in names]


def test_archive_holds_the_release_as_dist_holds_it() -> None:
    """The same files as dist/ (the archive itself aside), byte for byte; the documents and seeds
    as in the checkout."""
    with zipfile.ZipFile(ZIP) as zf:
        assert zf.namelist() == expected_members()
        for name in expected_members():
            rel = name.removeprefix(f"{TOP}/")
            assert zf.read(name) == (ROOT / "dist" / rel).read_bytes(), name
            if rel in DOCS or rel.startswith("seeds/"):
                assert zf.read(name) == (ROOT / rel).read_bytes(), name
    in_dist = {p.relative_to(ROOT / "dist").as_posix() for p in (ROOT / "dist").rglob("*") if p.is_file()}
    assert in_dist - {ZIP.name} == {n.removeprefix(f"{TOP}/") for n in expected_members()}


def test_archive_entries_carry_nothing_from_the_machine() -> None:
    created = tomllib.loads((ROOT / "curation" / "package.toml").read_text(encoding="utf-8"))["created"]
    day = tuple(int(part) for part in created[:10].split("-"))
    with zipfile.ZipFile(ZIP) as zf:
        assert zf.comment == b""
        for info in zf.infolist():
            assert info.date_time == (*day, 0, 0, 0)
            assert info.external_attr == 0o100644 << 16 and info.create_system == 3
            assert info.extra == b"" and info.comment == b""
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.flag_bits & 0x08 == 0  # no data descriptor (sizes are in the header)


def test_timestamp_falls_back_to_1980() -> None:
    earliest = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold (MS-DOS date)
    assert archive.timestamp("2026-11-22T23:30:00-05:00") == (2026, 11, 23, 0, 0, 0)  # the UTC day
    assert archive.timestamp("2107-12-31") == (2107, 12, 31, 0, 0, 0)  # the latest year it can hold
    for unfit in ("1949-04-04", "2108-01-01", None, "not a date"):
        assert archive.timestamp(unfit) == earliest, unfit


def test_builds_in_different_time_zones_give_the_same_bytes(
    tmp_path: Path, copy_build_inputs: Callable[[Path], Path]
) -> None:
    first = copy_build_inputs(tmp_path / "a")
    build(first)
    built = first / archive.archive_path(__version__)
    assert built.read_bytes() == ZIP.read_bytes()
    second = copy_build_inputs(tmp_path / "b")
    for zone in ("Pacific/Kiritimati", "America/Adak"):
        done = run_build("--root", str(second), env={"TZ": zone})
        assert done.code == 0, done.err
        assert (second / archive.archive_path(__version__)).read_bytes() == built.read_bytes()
        (second / archive.archive_path(__version__)).unlink()


def test_archive_of_an_earlier_version_is_a_stray(tmp_path: Path, copy_build_inputs: Callable[[Path], Path]) -> None:
    project = copy_build_inputs(tmp_path / "p")
    build(project)
    old = project / "dist" / "natoseoul-0.9.0.zip"
    old.write_bytes(b"old")
    assert "dist/natoseoul-0.9.0.zip" in build(project, check=True).changed
    build(project)
    assert not old.exists() and (project / archive.archive_path(__version__)).is_file()


def test_a_missing_licence_stops_the_build(tmp_path: Path, copy_build_inputs: Callable[[Path], Path]) -> None:
    project = copy_build_inputs(tmp_path / "p")
    (project / "LICENSE").unlink()
    done = run_build("--root", str(project))
    assert done.code == 1 and "LICENSE: no such file (the release includes it)" in done.err
    assert not (project / "dist").exists()


def test_verify_accepts_the_archive() -> None:
    result = run("verify", str(ZIP))
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == f"ok: {FILES} file(s) match SHA256SUMS and the descriptors"


def rewrite(
    source: Path, target: Path, change: dict[str, bytes | None], extra: tuple[tuple[str, bytes], ...] = ()
) -> None:
    """Copy a zip member by member, replacing (or with None, dropping) the members named in ``change``."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = change.get(info.filename, old.read(info))
            if data is not None:
                new.writestr(info, data)
        for name, data in extra:
            new.writestr(name, data)


def test_one_changed_byte_in_a_member_is_reported(tmp_path: Path) -> None:
    member = f"{TOP}/csv/topics.csv"
    with zipfile.ZipFile(ZIP) as zf:
        data = bytearray(zf.read(member))
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.zip"
    rewrite(ZIP, tampered, {member: bytes(data)})
    result = run("verify", str(tampered))
    assert result.code == 1
    actual = hashlib.sha256(bytes(data)).hexdigest()
    (line,) = result.out.splitlines()
    assert line.startswith(f"{tampered}/{member}: sha256: expected ")
    assert line.endswith(f"found {actual} ({len(data)} bytes)")
    assert f"mismatch: 1 of {FILES} file(s)" in result.err


def test_corrupt_compressed_bytes_truncation_and_missing_members(tmp_path: Path) -> None:
    raw = bytearray(ZIP.read_bytes())
    with zipfile.ZipFile(ZIP) as zf:
        info = zf.getinfo(f"{TOP}/csv/events.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(bytes(raw))
    result = run("verify", str(corrupt))
    assert result.code == 1
    assert result.out.startswith(f"{corrupt}/{TOP}/csv/events.csv: cannot read from the archive: ")

    shorter = tmp_path / "shorter.zip"
    with zipfile.ZipFile(ZIP) as zf:
        quotes = zf.read(f"{TOP}/parquet/quotes.parquet")
        sums = dict(line.split("  ")[::-1] for line in zf.read(f"{TOP}/SHA256SUMS").decode().splitlines())
    rewrite(ZIP, shorter, {f"{TOP}/parquet/quotes.parquet": quotes[:100], f"{TOP}/csv/documents.csv": None})
    lines = run("verify", str(shorter)).out.splitlines()
    actual = hashlib.sha256(quotes[:100]).hexdigest()
    assert any(
        line.endswith(
            f"parquet/quotes.parquet: sha256: expected {sums['parquet/quotes.parquet']}, found {actual} (100 bytes)"
        )
        for line in lines
    )
    assert f"{shorter}/{TOP}/csv/documents.csv: file is missing" in lines


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("../evil.txt", "member '../evil.txt' contains '..'"),
        (f"{TOP}/csv/../../evil.txt", "contains '..'"),
        ("/etc/evil.txt", "member '/etc/evil.txt' is absolute"),
        ("C:/evil.txt", "is absolute"),
        (f"{TOP}/csv/topics.csv", "appears twice"),
    ],
)
def test_unsafe_or_ambiguous_members_are_refused(tmp_path: Path, member: str, message: str) -> None:
    bad = tmp_path / "bad.zip"
    with pytest.warns(UserWarning, match="Duplicate name") if "topics" in member else contextlib.nullcontext():
        rewrite(ZIP, bad, {}, extra=((member, b"x"),))
    result = run("verify", str(bad))
    assert result.code == 1 and message in result.err, result.err
    (line,) = result.err.splitlines()  # one line, naming the archive: no traceback
    assert line.startswith(f"Error: {bad}: ")


def test_unsafe_resource_path_inside_the_archive_is_refused(tmp_path: Path) -> None:
    name = f"{TOP}/datapackage.json"
    with zipfile.ZipFile(ZIP) as zf:
        descriptor = json.loads(zf.read(name))
    descriptor["resources"][0]["path"] = "../outside.csv"
    bad = tmp_path / "bad.zip"
    rewrite(ZIP, bad, {name: json.dumps(descriptor).encode()})
    result = run("verify", str(bad))
    assert result.code == 1 and "resource path '../outside.csv' contains '..'" in result.err


def test_archive_without_manifest_or_not_a_zip(tmp_path: Path) -> None:
    bare = tmp_path / "bare.zip"
    rewrite(ZIP, bare, {f"{TOP}/SHA256SUMS": None})
    result = run("verify", str(bare))
    assert result.code == 1 and "no SHA256SUMS in a top folder: not a release archive" in result.err

    # a file that starts like a zip but is not a readable one (a fake, or a truncated download) is
    # reported as a damaged archive, not sent back to `verify` as if it were a good one
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(ZIP.read_bytes()[: ZIP.stat().st_size // 2])
    for damaged in (fake, truncated):
        result = run("verify", str(damaged))
        unreadable = "not a readable zip archive: File is not a zip file"
        assert (result.code, result.err) == (1, f"Error: {damaged}: {unreadable}\n")
        result = run("validate", str(damaged))
        message = "not a readable zip archive (it starts like one, but is damaged or truncated)"
        assert (result.code, result.err) == (1, f"Error: {damaged}: {message}\n")
    result = run("validate", str(ZIP))  # a good archive is verified, not validated
    assert result.code == 1 and "is a zip archive; check it with `natoseoul verify`" in result.err


def test_archive_is_committed() -> None:
    """The archive is a release file like the tables: tracked in git, so a clone has it to verify.
    (The wheel leaves it out and the sdist carries it: tests/test_wheel.py builds both.)"""
    if not (shutil.which("git") and (ROOT / ".git").exists()):
        pytest.skip("not a git checkout (an unpacked sdist): nothing to ask git")
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", str(ZIP)], cwd=ROOT, capture_output=True)
    assert tracked.returncode == 0, tracked.stderr


def test_a_zip_with_a_stub_in_front_is_still_verified(tmp_path: Path) -> None:
    """A zip is found by its end record too (as unzip finds it), not only by its first bytes."""
    prefixed = tmp_path / "prefixed.zip"
    prefixed.write_bytes(b"#!/bin/sh\nexit 0\n" + ZIP.read_bytes())
    result = run("verify", str(prefixed))
    assert result.code == 0, result.err
    assert result.out.strip() == f"ok: {FILES} file(s) match SHA256SUMS and the descriptors"


def _central_entries(data: bytearray) -> list[int]:
    return [i for i in range(len(data) - 4) if data[i : i + 4] == b"PK\x01\x02"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (6, 0xFF, "not a readable zip archive: zip file version 25.5"),  # "version needed to extract"
        (8, 0x01, "SHA256SUMS: cannot read from the archive: File "),  # flag bit 0: every entry claims to be encrypted
    ],
    ids=["unknown-zip-version", "encrypted-entries"],
)
def test_archive_damage_zipfile_cannot_handle_is_one_line(tmp_path: Path, field: int, value: int, message: str) -> None:
    data = bytearray(ZIP.read_bytes())
    for entry in _central_entries(data):
        data[entry + field] |= value
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    result = run("verify", str(damaged), mode="subprocess")
    (line,) = result.err.splitlines()
    assert result.code == 1 and line.startswith(f"Error: {damaged}") and message in line, result.err


@pytest.mark.parametrize("member", ["README.md", "LICENSE", "CITATION.cff", "datapackage.json", "SHA256SUMS"])
def test_a_changed_document_descriptor_or_manifest_in_the_archive_is_reported(tmp_path: Path, member: str) -> None:
    """Every member counts, not only the tables: README, licence, citation, descriptor, manifest."""
    with zipfile.ZipFile(ZIP) as zf:
        data = bytearray(zf.read(f"{TOP}/{member}"))
    data[10] ^= 0x01  # in SHA256SUMS: a hex digit of the first line, which then names a wrong hash
    tampered = tmp_path / "tampered.zip"
    rewrite(ZIP, tampered, {f"{TOP}/{member}": bytes(data)})
    result = run("verify", str(tampered))
    assert result.code == 1, result.out
    assert "sha256: expected " in result.out or "SHA256SUMS:1: expected" in result.err


def test_extra_members_outside_members_and_symlinks_are_reported(tmp_path: Path) -> None:
    link = zipfile.ZipInfo(f"{TOP}/csv/link.csv")
    link.create_system = 3
    link.external_attr = (0o120777) << 16  # a symlink, as `zip --symlinks` stores one
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(ZIP) as old, zipfile.ZipFile(bad, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        new.writestr(f"{TOP}/extra.txt", b"x")
        new.writestr("outside.txt", b"x")
        new.writestr(link, b"documents.csv")
        new.writestr(f"{TOP}/seeds/", b"")  # a folder entry, as `zip -r` writes: no bytes, no problem
    result = run("verify", str(bad))
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{bad}/outside.txt: outside the archive's top folder {TOP}/",
        f"{bad}/{TOP}/extra.txt: not listed in SHA256SUMS",
        f"{bad}/{TOP}/csv/link.csv: is a symlink; a release holds regular files only",
    ]
    assert f"mismatch: 3 of {FILES + 3} file(s)" in result.err


def test_an_archive_of_an_empty_package_is_not_a_release(tmp_path: Path) -> None:
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("datapackage.json", b'{"resources": []}')
    result = run("verify", str(empty))
    assert result.code == 1 and "no SHA256SUMS in a top folder" in result.err
    listed = tmp_path / "listed.zip"
    descriptor = b'{"resources": []}'
    with zipfile.ZipFile(listed, "w") as zf:
        zf.writestr("x/SHA256SUMS", f"{hashlib.sha256(descriptor).hexdigest()}  datapackage.json\n")
        zf.writestr("x/datapackage.json", descriptor)
    result = run("verify", str(listed))
    assert (result.code, result.out) == (1, f"{listed}/x/datapackage.json: describes no resources\n")


def test_sha256sum_checks_the_unzipped_release(tmp_path: Path) -> None:
    with zipfile.ZipFile(ZIP) as zf:
        zf.extractall(tmp_path)
    done = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=tmp_path / TOP, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK\n") == FILES - 1
    assert run("verify", str(tmp_path / TOP)).code == 0
