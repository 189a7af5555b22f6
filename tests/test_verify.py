"""``natoseoul verify`` on a folder: every byte of every file against SHA256SUMS, extra, missing and
non-regular files, the descriptors against the files, and unsafe paths. (The zip: test_archive.py.)"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from cli_helpers import copy_release, release, release_files, run, set_first_resource_path
from natoseoul._version import __version__
from natoseoul.io._descriptor import stream_digest
from natoseoul.io._manifest import parse, render


def files_checked() -> int:
    """What verify counts for the installed release: its files and SHA256SUMS, and as many again in
    the release zip beside them in a checkout's dist/."""
    count = len(release_files()) + 1
    return 2 * count if (release() / f"natoseoul-{__version__}.zip").is_file() else count


def rewrite_manifest(dist: Path, rel: str) -> None:
    """Record the current sha256 of ``rel`` in the copy's SHA256SUMS (as a careful forger would)."""
    entries = parse((dist / "SHA256SUMS").read_bytes(), "SHA256SUMS")
    entries[rel] = hashlib.sha256((dist / rel).read_bytes()).hexdigest()
    (dist / "SHA256SUMS").write_bytes(render(entries))


def flip(path: Path, at: int = -2) -> bytes:
    data = bytearray(path.read_bytes())
    data[at] ^= 1
    path.write_bytes(bytes(data))
    return bytes(data)


def test_installed_release_matches_its_manifest() -> None:
    result = run("verify")
    assert result.code == 0, result.out + result.err
    assert result.out.strip() == f"ok: {files_checked()} file(s) match SHA256SUMS and the descriptors"


def test_a_clean_copy_is_ok_and_sha256sum_agrees(tmp_path: Path) -> None:
    import subprocess

    dist = copy_release(tmp_path)
    result = run("verify", str(dist))
    assert (result.code, result.out) == (
        0,
        f"ok: {len(release_files()) + 1} file(s) match SHA256SUMS and the descriptors\n",
    )
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK\n") == len(release_files())


@pytest.mark.parametrize(
    "rel",
    [
        "csv/topics.csv",
        "parquet/events.parquet",
        "datapackage.json",
        "datapackage-parquet.json",
        "README.md",
        "LICENSE",
        "CITATION.cff",
        "CHANGELOG.md",
        "seeds/000_a9f0412bfe38d5ae.txt",
    ],
)
def test_one_changed_byte_in_any_file_is_reported(tmp_path: Path, rel: str) -> None:
    dist = copy_release(tmp_path)
    data = flip(dist / rel, len((dist / rel).read_bytes()) // 2)
    result = run("verify", str(dist))
    assert result.code == 1
    actual = hashlib.sha256(data).hexdigest()
    assert f"{dist / rel}: sha256: expected " in result.out
    assert f"found {actual} ({len(data)} bytes)" in result.out
    assert "mismatch: " in result.err


def test_descriptor_metadata_changed_is_reported(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["licenses"][0]["name"] = "CC0-1.0"
    (dist / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    result = run("verify", str(dist))
    assert result.code == 1 and result.out.startswith(f"{dist / 'datapackage.json'}: sha256: expected ")


def test_changed_truncated_missing_and_extra_files_are_each_reported(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    flip(dist / "csv" / "topics.csv")
    truncated = dist / "parquet" / "events.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    (dist / "csv" / "quotes.csv").unlink()
    (dist / "seeds" / "notes.txt").write_text("mine\n", encoding="utf-8")
    (dist / ".hidden").write_text("", encoding="utf-8")
    result = run("verify", str(dist))
    assert result.code == 1
    lines = result.out.splitlines()
    assert any(line.startswith(f"{dist / 'csv' / 'topics.csv'}: sha256: expected ") for line in lines)
    assert any(line.startswith(f"{truncated}: sha256: ") and line.endswith("(100 bytes)") for line in lines)
    assert f"{dist / 'csv' / 'quotes.csv'}: file is missing" in lines
    assert f"{dist / 'seeds' / 'notes.txt'}: not listed in SHA256SUMS" in lines
    assert f"{dist / '.hidden'}: not listed in SHA256SUMS" in lines
    assert f"mismatch: 5 of {len(release_files()) + 3} file(s)" in result.err, result.out


def test_symlinks_and_other_non_regular_files_are_reported(tmp_path: Path) -> None:
    """Even a symlink to a file with the right bytes, inside the release: a release is plain files."""
    dist = copy_release(tmp_path)
    documents = dist / "csv" / "documents.csv"
    os.replace(documents, dist / "documents-real.csv")
    os.symlink(Path("..") / "documents-real.csv", documents)
    os.symlink(dist / "seeds", dist / "more-seeds")
    os.mkfifo(dist / "pipe")
    result = run("verify", str(dist))
    assert result.code == 1
    lines = result.out.splitlines()
    assert f"{documents}: is a symlink; a release holds regular files only" in lines
    assert f"{dist / 'more-seeds'}: is a symlink; a release holds regular files only" in lines
    assert f"{dist / 'pipe'}: is not a regular file" in lines
    assert f"{dist / 'documents-real.csv'}: not listed in SHA256SUMS" in lines


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda b: b.replace(b"\n", b"\r\n"), "expected '<64 lowercase hex digits>  <path>'"),
        (lambda b: b + b"\n", "expected '<64 lowercase hex digits>  <path>'"),
        (lambda b: b.rstrip(b"\n"), "the last line does not end with a newline"),
        (lambda b: b"".join(reversed(b.splitlines(keepends=True))), "out of order"),
        (lambda b: b.replace(b"  ", b" *", 1), "expected '<64 lowercase hex digits>  <path>'"),
        (lambda b: b.splitlines(keepends=True)[0] * 2 + b, "listed twice"),
        (lambda b: b"", "lists no file"),
    ],
    ids=["crlf", "blank-line", "no-final-newline", "reordered", "binary-marker", "repeated", "empty"],
)
def test_a_manifest_in_any_other_form_is_one_line(tmp_path: Path, mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    dist = copy_release(tmp_path)
    manifest = dist / "SHA256SUMS"
    manifest.write_bytes(mangle(manifest.read_bytes()))
    result = run("verify", str(dist))
    assert result.code == 1 and message in result.err, result.err
    (line,) = result.err.splitlines()
    assert line.startswith(f"Error: {manifest}")


def test_a_folder_without_manifest_cannot_be_verified(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    (dist / "SHA256SUMS").unlink()
    result = run("verify", str(dist))
    assert (result.code, result.err) == (
        1,
        f"Error: {dist}: no SHA256SUMS: not a release or export folder (releases before 1.2.0 have none)\n",
    )


def test_a_descriptor_that_disagrees_with_a_file_is_reported(tmp_path: Path) -> None:
    """A file changed and its manifest line forged to match: the descriptor's hash still catches it."""
    dist = copy_release(tmp_path)
    flip(dist / "csv" / "topics.csv")
    rewrite_manifest(dist, "csv/topics.csv")
    result = run("verify", str(dist))
    assert result.code == 1
    (line,) = result.out.splitlines()
    assert line.startswith(f"{dist / 'datapackage.json'}: resource 'topics': hash: expected sha256:")


def test_a_resource_the_manifest_does_not_list_is_reported(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    set_first_resource_path(dist, "csv/elsewhere.csv")
    rewrite_manifest(dist, "datapackage.json")
    result = run("verify", str(dist))
    assert result.code == 1
    assert f"{dist / 'datapackage.json'}: resource 'documents': csv/elsewhere.csv is not a file SHA256SUMS lists" in (
        result.out.splitlines()
    )


def test_a_descriptor_without_resources_is_reported(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    (dist / "datapackage-parquet.json").write_text('{"resources": []}\n', encoding="utf-8")
    rewrite_manifest(dist, "datapackage-parquet.json")
    result = run("verify", str(dist))
    assert result.code == 1
    assert result.out.splitlines() == [f"{dist / 'datapackage-parquet.json'}: describes no resources"]


@pytest.mark.parametrize(("path", "message"), [("../seeds/x.txt", "contains '..'"), ("/etc/passwd", "is absolute")])
def test_paths_leading_outside_are_refused(tmp_path: Path, path: str, message: str) -> None:
    dist = copy_release(tmp_path)
    set_first_resource_path(dist, path)
    result = run("verify", str(dist))
    assert result.code == 1 and message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_file_of_the_release_can_be_given_for_its_folder(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    assert run("verify", str(dist / "datapackage.json")).code == 0
    (dist / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run("verify", str(dist / "datapackage.json"))
    assert result.code == 1 and "cannot read as JSON" in result.out


def test_stream_digest_reads_in_chunks_and_counts_every_byte() -> None:
    data = bytes(range(256)) * 41 + b"tail"  # not a multiple of the chunk size
    for chunk_size in (1, 7, 4096, 1 << 20):
        assert stream_digest(io.BytesIO(data), "sha256", chunk_size) == (len(data), hashlib.sha256(data).hexdigest())


def test_a_shake_hash_is_an_unknown_algorithm_not_a_crash(tmp_path: Path) -> None:
    """shake_128 is in hashlib's list, but its digest has no fixed length to compare with."""
    dist = copy_release(tmp_path)
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["hash"] = "shake_128:" + "0" * 32
    (dist / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rewrite_manifest(dist, "datapackage.json")
    result = run("verify", str(dist))
    assert result.code == 1 and "unknown hash algorithm 'shake_128'" in result.out, result.out + result.err


@pytest.mark.parametrize("fmt", ["csv", "parquet", "json", "jsonl", "sqlite", "xlsx"])
def test_every_export_verifies_clean_as_written_and_sha256sum_agrees(tmp_path: Path, fmt: str) -> None:
    import subprocess

    out = tmp_path / fmt
    assert run("export", "-f", fmt, "-o", str(out), "-q").code == 0
    result = run("verify", str(out))
    files = sorted(p.name for p in out.iterdir())
    assert "SHA256SUMS" in files
    assert (result.code, result.out) == (0, f"ok: {len(files)} file(s) match SHA256SUMS and the descriptors\n")
    done = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    flip(out / files[-1])
    assert run("verify", str(out)).code == 1


def test_a_second_export_into_the_folder_keeps_the_first_in_the_manifest(tmp_path: Path) -> None:
    assert run("export", "-f", "parquet", "-o", str(tmp_path), "-q", "-t", "events").code == 0
    assert run("export", "-f", "sqlite", "-o", str(tmp_path), "-q").code == 0
    assert run("verify", str(tmp_path)).out == "ok: 5 file(s) match SHA256SUMS and the descriptors\n"
    (tmp_path / "SHA256SUMS").write_text("garbage\n", encoding="utf-8")
    result = run("export", "-f", "jsonl", "-o", str(tmp_path), "-q", "-t", "topics")
    assert result.code == 1 and "cannot add to it (use --force to replace it)" in result.err
    assert not (tmp_path / "topics.jsonl").exists()
    assert run("export", "-f", "jsonl", "-o", str(tmp_path), "-q", "-t", "topics", "--force").code == 0
    assert (tmp_path / "SHA256SUMS").read_text(encoding="utf-8").endswith("  topics.jsonl\n")
