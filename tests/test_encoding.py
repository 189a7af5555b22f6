"""Any output encoding: a command writing to a stdout that is not UTF-8 writes correct output or
fails with one line, never a traceback (run as the installed program, PYTHONIOENCODING set)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from cli_helpers import ENTRY_POINT, release_rows

ENCODINGS = ["cp1252", "latin-1", "ascii", "utf-8"]


def program(*args: str, encoding: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    env.pop("PYTHONUTF8", None)
    done = subprocess.run([str(ENTRY_POINT), *args], capture_output=True, cwd=cwd, env=env, timeout=120)
    assert b"Traceback" not in done.stdout + done.stderr, done.stderr.decode("utf-8", "replace")
    return done


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_show_csv_and_json_are_utf8_whatever_the_encoding(tmp_path: Path, encoding: str) -> None:
    """The issue's command: Hangul aliases, written to a file through a cp1252 stdout."""
    done = program("show", "participant_aliases", "--limit", "0", "--format", "csv", encoding=encoding, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
    assert rows == release_rows("participant_aliases")
    assert any("\uac00" <= c <= "\ud7a3" for r in rows for c in r["alias"])
    done = program("show", "participant_aliases", "-n", "0", "-f", "json", encoding=encoding, cwd=tmp_path)
    assert done.returncode == 0
    assert [r["alias"] for r in json.loads(done.stdout.decode("utf-8"))] == [
        r["alias"] for r in release_rows("participant_aliases")
    ]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_show_table_that_the_encoding_cannot_carry_is_one_line(tmp_path: Path, encoding: str) -> None:
    done = program("show", "participant_aliases", "--limit", "0", encoding=encoding, cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == b""  # nothing half-written
    message = done.stderr.decode(encoding, "replace").strip().splitlines()
    assert len(message) == 1 and "in its encoding" in message[0] and "PYTHONIOENCODING" in message[0]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_command_writes_or_fails_in_one_line(tmp_path: Path, encoding: str) -> None:
    for args in (["info"], ["validate"], ["verify"], ["show", "topics"], ["show", "quotes", "-w", "quote_id=x"]):
        done = program(*args, encoding=encoding, cwd=tmp_path)
        assert done.returncode in (0, 1), (args, done.stderr)
        if done.returncode:
            assert len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)
        else:
            done.stdout.decode(encoding if encoding != "ascii" else "utf-8")  # what the terminal can read
