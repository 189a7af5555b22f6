"""``natoseoul diff OLD NEW``: rows added, removed and changed, table by table, by primary key."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from cli_helpers import ROOT, copy_release, csv_rows, run, set_cell
from natoseoul._version import __version__
from natoseoul.schema import TABLES

ZIP = ROOT / "dist" / f"natoseoul-{__version__}.zip"


def drop_rows(path: Path, keep: int) -> list[dict[str, str]]:
    """Keep the first ``keep`` data rows of a CSV file; returns the rows dropped."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        names, rows = list(reader.fieldnames or []), list(reader)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows[:keep])
    return rows[keep:]


@pytest.fixture
def edited(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the release with one event's title changed, the last topic removed, and a
    quote link added; returns it and what was changed."""
    dist = copy_release(tmp_path)
    events = dist / "csv" / "events.csv"
    event = csv_rows(events)[0]
    set_cell(events, 0, "title", "A new title")
    topics = dist / "csv" / "topics.csv"
    (gone,) = drop_rows(topics, len(csv_rows(topics)) - 1)
    links = dist / "csv" / "quote_links.csv"
    first = csv_rows(links)[0]
    with links.open("a", encoding="utf-8", newline="") as f:
        csv.DictWriter(f, list(first), lineterminator="\n").writerow({**first, "related_quote_id": "q-new"})
    return dist, {"event": event["event_id"], "old_title": event["title"], "topic": gone["topic_id"]}


def test_exit_status_says_whether_anything_differs(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    same = run("diff", str(ZIP), str(dist))
    assert same.code == 0, same.err
    lines = same.out.splitlines()
    assert lines[0] == f"old: {ZIP} ({__version__})" and lines[1] == f"new: {dist} ({__version__})"
    assert all(line.endswith("rows: no change") for line in lines[2:-1])
    assert lines[-1] == f"0 of {len(TABLES)} table(s) differ: 0 row(s) added, 0 removed, 0 changed"
    set_cell(dist / "csv" / "topics.csv", 0, "label", "Changed")
    assert run("diff", str(ZIP), str(dist)).code == 1


def test_text_names_each_row_and_each_changed_cell(edited: tuple[Path, dict[str, str]]) -> None:
    dist, what = edited
    result = run("diff", str(ZIP), str(dist))
    assert result.code == 1, result.err
    lines = result.out.splitlines()
    events = len(csv_rows(dist / "csv" / "events.csv"))
    topics = len(csv_rows(dist / "csv" / "topics.csv"))
    assert f"events               {events} → {events} rows: 0 added, 0 removed, 1 changed" in lines
    at = lines.index(f"  ~ {what['event']}")
    assert lines[at + 1] == f'      title: {json.dumps(what["old_title"], ensure_ascii=False)} → "A new title"'
    assert f"topics               {topics + 1} → {topics} rows: 0 added, 1 removed, 0 changed" in lines
    assert f"  - {what['topic']}" in lines
    assert f"  + quote_id={csv_rows(dist / 'csv' / 'quote_links.csv')[0]['quote_id']}, related_quote_id=q-new" in lines
    assert lines[-1] == f"3 of {len(TABLES)} table(s) differ: 1 row(s) added, 1 removed, 1 changed"
    counts = run("diff", str(ZIP), str(dist), "--counts").out.splitlines()
    assert counts == [line for line in lines if not line.startswith("  ")]


def test_json_has_every_row_and_cell(edited: tuple[Path, dict[str, str]]) -> None:
    dist, what = edited
    result = run("diff", str(ZIP), str(dist), "--format", "json")
    assert result.code == 1
    report = json.loads(result.out)
    assert report["differs"] is True
    assert report["totals"] == {"tables_changed": 3, "added": 1, "removed": 1, "changed": 1}
    tables = {t["name"]: t for t in report["tables"]}
    assert list(tables) == list(TABLES)
    assert tables["events"]["key"] == ["event_id"]
    assert tables["events"]["changed"] == [
        {"key": {"event_id": what["event"]}, "cells": {"title": {"old": what["old_title"], "new": "A new title"}}}
    ]
    assert [row["topic_id"] for row in tables["topics"]["removed"]] == [what["topic"]]
    assert tables["topics"]["rows"]["old"] == tables["topics"]["rows"]["new"] + 1
    (added,) = tables["quote_links"]["added"]
    assert added["related_quote_id"] == "q-new"


def test_markdown_counts_paste_into_a_changelog(edited: tuple[Path, dict[str, str]]) -> None:
    dist, _ = edited
    result = run("diff", str(ZIP), str(dist), "-f", "markdown")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0] == f"Rows by table, {__version__} → {__version__} (`natoseoul diff`):"
    assert lines[2:4] == ["| table | rows | added | removed | changed |", "|---|---:|---:|---:|---:|"]
    rows = {line.split(" | ")[0].strip("| `"): line for line in lines[4:]}
    events = len(csv_rows(dist / "csv" / "events.csv"))
    assert rows["events"] == f"| `events` | {events} → {events} | 0 | 0 | 1 |"
    assert rows["all"].endswith(" | 1 | 1 | 1 |")
    assert len(rows) == len(TABLES) + 1


def test_csv_and_parquet_copies_compare_equal(tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        assert run("export", "-f", fmt, "-o", str(tmp_path / fmt), "-q").code == 0
    result = run("diff", str(tmp_path / "csv"), str(tmp_path / "parquet" / "datapackage.json"))
    assert result.code == 0, result.out + result.err
    assert run("diff", str(tmp_path / "parquet")).code == 0  # against the installed release
    assert "new: the installed release" in run("diff", str(tmp_path / "parquet")).out


def test_a_column_one_side_lacks_is_listed_and_the_rest_compared(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    topics = dist / "csv" / "topics.csv"
    rows = csv_rows(topics)
    with topics.open("w", encoding="utf-8", newline="") as f:
        names = [n for n in rows[0] if n != "description"]
        writer = csv.DictWriter(f, names, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    result = run("diff", str(ZIP), str(dist))
    assert result.code == 1
    assert "  columns removed: description" in result.out.splitlines()
    assert "topics" in result.out and "0 added, 0 removed, 0 changed" in result.out


def test_a_table_only_one_side_has(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "quote_links"]
    (dist / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    result = run("diff", str(ZIP), str(dist))
    assert result.code == 1
    links = len(csv_rows(dist / "csv" / "quote_links.csv"))
    assert f"quote_links          {links} → - rows: table removed" in result.out.splitlines()
    assert run("diff", str(dist), str(ZIP), "--counts").out.count("table added") == 1


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    bare = tmp_path / "bare.zip"
    with zipfile.ZipFile(bare, "w") as zf:
        zf.writestr("x/readme.txt", "no descriptor")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(ZIP.read_bytes()[:1000])
    dist = copy_release(tmp_path)
    events = dist / "csv" / "events.csv"
    set_cell(events, 1, "event_id", csv_rows(events)[0]["event_id"])
    cases = [
        (empty, "datapackage.json: no such file"),
        (bare, "no datapackage.json at the top of the archive or in its top folder"),
        (broken, "not a readable zip archive"),
        (dist, f"{events}: duplicate primary key (event_id="),
    ]
    for target, message in cases:
        result = run("diff", str(target), str(ZIP))
        assert result.code == 2 and message in result.err, (target, result.err)
        assert len(result.err.strip().splitlines()) == 1 and result.out == ""
    missing = run("diff", str(tmp_path / "nowhere"))
    assert missing.code == 2 and "does not exist" in missing.err


def test_the_previous_release_from_git_history_is_read() -> None:
    """1.1.0's zip had one descriptor for both formats (resources events and events-parquet)."""
    if not (shutil.which("git") and (ROOT / ".git").exists()):
        pytest.skip("not a git checkout (an unpacked sdist): no history to read the previous release from")
    done = subprocess.run(["git", "show", "268c532:dist/natoseoul-1.1.0.zip"], cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        pytest.skip("the history holds no 1.1.0 release zip (a shallow clone)")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "natoseoul-1.1.0.zip"
        old.write_bytes(done.stdout)
        result = run("diff", str(old), "--counts")
    assert result.code in (0, 1) and result.err == "", result.err
    assert result.out.splitlines()[0] == f"old: {old} (1.1.0)"
    assert len(result.out.splitlines()) == 2 + len(TABLES) + 1
