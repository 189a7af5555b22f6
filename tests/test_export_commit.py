"""An export is committed as a whole: a failure, Ctrl-C, SIGTERM or kill at any point leaves the
output folder as it was or complete; the descriptor describes exactly the table files present; two
exports into one folder at once cannot both succeed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import ROOT, release, run
from natoseoul.export import _export
from natoseoul.schema import TABLES


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` with its bytes (None for a directory)."""
    return {str(p.relative_to(folder)): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def beside(folder: Path) -> list[str]:
    """What the export left beside the folder: hidden staging folders or lock files."""
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}"))


def full_export(folder: Path, fmt: str = "csv") -> dict[str, bytes | None]:
    assert run("export", "-f", fmt, "-o", str(folder), "-q").code == 0
    (folder / "events.csv" if fmt == "csv" else folder / f"events.{fmt}").write_bytes(b"edited\n")
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "more.txt").write_text("also mine", encoding="utf-8")
    return snapshot(folder)


def test_some_tables_into_a_full_export_are_described_with_the_rest(tmp_path: Path) -> None:
    """The issue's case: `-t events --force` into a full export; validate then sees all 12 files."""
    out = tmp_path / "mycopy"
    assert run("export", "-f", "csv", "-o", str(out), "-q").code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("export", "-f", "csv", "-o", str(out), "-t", "events", "--force")
    assert result.code == 0, result.err
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [f"{t}.csv" for t in TABLES]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    validated = run("validate", str(out))
    assert validated.code == 0 and validated.out.startswith(f"valid: {len(TABLES)} file(s)"), validated.out
    assert run("verify", str(out)).code == 0  # every recorded size and sha256 is the file's


def test_a_folder_holding_the_other_format_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", "-f", "csv", "-o", str(out), "-q").code == 0
    before = snapshot(out)
    result = run("export", "-f", "parquet", "-o", str(out), "--force")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    assert "holds a csv export" in result.err and "export parquet to another folder" in result.err
    assert snapshot(out) == before and beside(out) == []


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "sqlite", "xlsx"])
def test_a_failure_part_way_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    out = tmp_path / "out"
    before = full_export(out, fmt="csv" if fmt == "csv" else "jsonl")
    if fmt == "jsonl":
        before = snapshot(out)
    real = _export.WRITERS[fmt]

    def failing(job: _export.Job) -> None:
        real(job)  # every file written into the staging folder, then:
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(_export.WRITERS, fmt, failing)
    result = run("export", "-f", fmt, "-o", str(out), "--force")
    assert result.code == 1 and "No space left on device" in result.err
    assert snapshot(out) == before and beside(out) == []


def test_foreign_files_and_folders_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    full_export(out)
    assert run("export", "-f", "csv", "-o", str(out), "--force", "-q").code == 0
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "sub" / "more.txt").read_text(encoding="utf-8") == "also mine"
    assert (out / "events.csv").read_bytes() == (release() / "csv" / "events.csv").read_bytes()
    assert beside(out) == []


def test_a_symlinked_output_folder_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    for _ in range(2):
        assert run("export", "-f", "jsonl", "-o", str(tmp_path / "link"), "-q", "--force").code == 0
    assert (tmp_path / "link").is_symlink() and (real / "quotes.jsonl").is_file()


# --- in another process: paused mid-export, then terminated, killed or raced --------------------

PAUSED = """
import sys, time
from pathlib import Path
from natoseoul.cli import main
from natoseoul.export import _export

ready, go = Path(sys.argv[1]), Path(sys.argv[2])
real = _export.WRITERS["jsonl"]

def paused(job):
    real(job)
    ready.touch()
    while not go.exists():
        time.sleep(0.02)

_export.WRITERS["jsonl"] = paused
main(sys.argv[3:], prog_name="natoseoul")
"""


def start_paused(tmp_path: Path, out: Path, *args: str) -> tuple[subprocess.Popen[str], Path]:
    """An export of jsonl to ``out`` that stops after writing every file, before the commit, until
    ``go`` exists; returns the process once it has stopped there."""
    ready, go = tmp_path / "ready", tmp_path / "go"
    ready.unlink(missing_ok=True)
    go.unlink(missing_ok=True)
    script = tmp_path / "paused.py"
    script.write_text(PAUSED, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(ready), str(go), "export", "-f", "jsonl", "-o", str(out), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the export did not reach its pause"
        time.sleep(0.02)
    return proc, go


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_or_ctrl_c_part_way_cleans_up_and_says_so(tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out"
    assert run("export", "-f", "jsonl", "-o", str(out), "-q").code == 0
    (out / "quotes.jsonl").write_bytes(b"edited\n")
    before = snapshot(out)
    proc, _ = start_paused(tmp_path, out, "--force")
    assert beside(out)  # the staging folder and the lock exist while it writes
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and err.strip().splitlines() == [
            f"Error: terminated (SIGTERM); {out} is left as it was"
        ]
    else:
        assert proc.returncode != 0
    assert snapshot(out) == before and beside(out) == []


def test_a_kill_part_way_leaves_the_folder_as_it_was_and_the_next_export_works(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("export", "-f", "jsonl", "-o", str(out), "-q").code == 0
    (out / "quotes.jsonl").write_bytes(b"edited\n")
    before = snapshot(out)
    proc, _ = start_paused(tmp_path, out, "--force")
    proc.kill()
    proc.communicate(timeout=60)
    assert snapshot(out) == before  # the staging folder is left beside it: a kill runs no clean-up
    assert run("export", "-f", "jsonl", "-o", str(out), "--force", "-q").code == 0
    assert (out / "quotes.jsonl").read_bytes() != b"edited\n"
    assert beside(out) == []  # the next export removed what the killed one left


def test_two_exports_into_one_folder_cannot_both_succeed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    first, go = start_paused(tmp_path, out)
    second = run("export", "-f", "jsonl", "-o", str(out), "--force", "-t", "quotes")
    assert second.code == 1 and second.err.strip().splitlines() == [
        f"Error: {out}: another export is writing to this folder; try again when it has finished"
    ]
    go.touch()
    _, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{t}.jsonl" for t in TABLES] + [_export.JSON_METADATA, "SHA256SUMS"]
    )
    assert beside(out) == []


def test_a_new_folder_that_appears_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc, go = start_paused(tmp_path, out)
    out.mkdir()
    (out / "theirs.txt").write_text("someone else's", encoding="utf-8")
    go.touch()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and err.strip().splitlines() == [
        f"Error: {out}: appeared while the export was written; nothing was changed"
    ]
    assert sorted(p.name for p in out.iterdir()) == ["theirs.txt"] and beside(out) == []
