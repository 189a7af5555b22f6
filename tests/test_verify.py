"""``natoseoul verify``: sizes and hashes of the files a release descriptor lists, and unsafe paths."""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest

from cli_helpers import MODES, copy_release, release_descriptor, run, set_first_resource_path
from natoseoul.io._descriptor import stream_digest


@pytest.mark.parametrize("mode", MODES)
def test_installed_release_matches_its_descriptor(mode: str) -> None:
    result = run("verify", mode=mode)
    assert result.code == 0
    assert result.out.strip() == f"ok: {len(release_descriptor()['resources'])} file(s) match the descriptor"


@pytest.mark.parametrize("mode", MODES)
def test_changed_truncated_and_missing_files_are_each_reported(tmp_path: Path, mode: str) -> None:
    dist = copy_release(tmp_path)
    changed = dist / "csv" / "topics.csv"
    data = bytearray(changed.read_bytes())
    data[-2] ^= 1
    changed.write_bytes(bytes(data))
    truncated = dist / "parquet" / "events.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    (dist / "csv" / "quotes.csv").unlink()
    result = run("verify", str(dist), mode=mode)
    assert result.code == 1
    lines = result.out.splitlines()
    actual = hashlib.sha256(bytes(data)).hexdigest()
    assert any(
        line.startswith(f"{changed}: hash: expected sha256:") and line.endswith(f"found sha256:{actual}")
        for line in lines
    )
    assert any(line.startswith(f"{truncated}: bytes: expected ") and line.endswith("found 100") for line in lines)
    assert f"{dist / 'csv' / 'quotes.csv'}: file is missing" in lines
    assert "3 of" in result.err


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("path", "message"), [("../seeds/x.txt", "contains '..'"), ("/etc/passwd", "is absolute")])
def test_paths_leading_outside_are_refused(tmp_path: Path, mode: str, path: str, message: str) -> None:
    dist = copy_release(tmp_path)
    set_first_resource_path(dist, path)
    result = run("verify", str(dist), mode=mode)
    assert result.code == 1 and message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_symlink_leading_outside_is_refused_inside_is_fine(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    outside = tmp_path / "secret.csv"
    outside.write_bytes((dist / "csv" / "documents.csv").read_bytes())
    (dist / "csv" / "documents.csv").unlink()
    os.symlink(outside, dist / "csv" / "documents.csv")
    result = run("verify", str(dist))
    assert result.code == 1 and "symlink leading outside the package" in result.err
    (dist / "csv" / "documents.csv").unlink()
    os.replace(outside, dist / "documents-real.csv")
    os.symlink(Path("..") / "documents-real.csv", dist / "csv" / "documents.csv")
    assert run("verify", str(dist)).code == 0


def test_descriptor_file_can_be_given_directly(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    assert run("verify", str(dist / "datapackage.json")).code == 0
    (dist / "datapackage.json").write_text("{not json", encoding="utf-8")
    result = run("verify", str(dist))
    assert result.code == 1 and "cannot read as JSON" in result.err


def test_stream_digest_reads_in_chunks_and_counts_every_byte() -> None:
    data = bytes(range(256)) * 41 + b"tail"  # not a multiple of the chunk size
    for chunk_size in (1, 7, 4096, 1 << 20):
        assert stream_digest(io.BytesIO(data), "sha256", chunk_size) == (len(data), hashlib.sha256(data).hexdigest())


def test_a_shake_hash_is_an_unknown_algorithm_not_a_crash(tmp_path: Path) -> None:
    """shake_128 is in hashlib's list, but its digest has no fixed length to compare with."""
    dist = copy_release(tmp_path, seeds=False)
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"][0]["hash"] = "shake_128:" + "0" * 32
    (dist / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run("verify", str(dist))
    assert result.code == 1 and "unknown hash algorithm 'shake_128'" in result.out, result.out + result.err
