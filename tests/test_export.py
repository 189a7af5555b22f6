"""``natoseoul export``: every format holds exactly the release rows, read back with independent tools."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cli_helpers import copy_release, release, release_rows, run, set_cell
from natoseoul.io import _tables as tableio
from natoseoul.schema import TABLES

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def typed(table: str, row: dict[str, str]) -> dict[str, object]:
    """A CSV row (csv module) as the JSON values the export should hold."""
    out: dict[str, object] = {}
    for spec in TABLES[table].fields:
        cell = row[spec.name]
        if cell == "":
            out[spec.name] = None
        elif spec.type == "integer":
            out[spec.name] = int(cell)
        elif spec.type == "boolean":
            out[spec.name] = cell == "true"
        else:
            out[spec.name] = cell
    return out


def frictionless_valid(descriptor: Path) -> None:
    proc = subprocess.run(
        [str(FRICTIONLESS), "validate", str(descriptor)], capture_output=True, text=True, cwd=descriptor.parent
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_csv_export_matches_the_release_and_passes_frictionless(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("export", "--format", "csv", "--output", str(out))
    assert result.code == 0, result.err
    for table in TABLES:
        assert (out / f"{table}.csv").read_bytes() == (release() / "csv" / f"{table}.csv").read_bytes()
        assert f"wrote {out / f'{table}.csv'}" in result.err
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in descriptor["resources"]) == sorted(p.name for p in out.glob("*.csv"))
    frictionless_valid(out / "datapackage.json")


def test_parquet_export_of_some_tables_passes_frictionless(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    result = run("export", "-f", "parquet", "-o", str(out), "-t", "quotes", "-t", "participants", "-q")
    assert result.code == 0 and result.err == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "SHA256SUMS",
        "datapackage.json",
        "participants.parquet",
        "quotes.parquet",
    ]
    for table in ("quotes", "participants"):
        assert pq.read_table(out / f"{table}.parquet").equals(pq.read_table(release() / "parquet" / f"{table}.parquet"))
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == ["participants", "quotes"]
    for resource in descriptor["resources"]:  # no reference to a table that was not exported
        for fk in resource["schema"].get("foreignKeys", []):
            assert fk["reference"]["resource"] in ("", "participants", "quotes")
    frictionless_valid(out / "datapackage.json")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_exports_keep_nulls_dates_and_unicode(tmp_path: Path, fmt: str) -> None:
    assert run("export", "-f", fmt, "-o", str(tmp_path), "-q").code == 0
    for table in TABLES:
        text = (tmp_path / f"{table}.{fmt}").read_text(encoding="utf-8")
        records = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
        assert records == [typed(table, r) for r in release_rows(table)]
    aliases = (tmp_path / f"participant_aliases.{fmt}").read_text(encoding="utf-8")
    hangul = [
        r["alias"] for r in release_rows("participant_aliases") if any("\uac00" <= c <= "\ud7a3" for c in r["alias"])
    ]
    assert hangul and hangul[0] in aliases  # written as is, not \\u-escaped


def test_sqlite_export_has_keys_types_and_quote_search(tmp_path: Path) -> None:
    assert run("export", "-f", "sqlite", "-o", str(tmp_path), "-q").code == 0
    db = sqlite3.connect(tmp_path / "natoseoul.sqlite")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for name, table in TABLES.items():
        assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == len(release_rows(name))
        info = {row[1]: row for row in db.execute(f'PRAGMA table_info("{name}")')}
        pk = sorted((row[5], col) for col, row in info.items() if row[5])
        assert [col for _, col in pk] == list(table.primary_key)
        for spec in table.fields:
            assert info[spec.name][2] == ("INTEGER" if spec.type in ("integer", "boolean") else "TEXT")
        declared = {(row[3], row[2], row[4]) for row in db.execute(f'PRAGMA foreign_key_list("{name}")')}
        assert declared == {(fk.fields[0], fk.table, fk.reference[0]) for fk in table.foreign_keys}
    quotes = release_rows("quotes")
    if quotes:
        word = max(quotes[0]["text"].split(), key=len).strip(".,;:!?\"'’“”()")
        found = {
            r[0]
            for r in db.execute(
                "SELECT q.quote_id FROM quotes_fts f JOIN quotes q ON q.rowid = f.rowid WHERE quotes_fts MATCH ?",
                [f'"{word}"'],
            )
        }
        assert quotes[0]["quote_id"] in found
    first = release_rows("documents")[0]
    row = db.execute(
        "SELECT published, title_verbatim, char_count FROM documents WHERE document_id = ?", [first["document_id"]]
    ).fetchone()
    assert row == (first["published"], int(first["title_verbatim"] == "true"), int(first["char_count"]))


def as_excel(table: str, row: dict[str, str]) -> list[object]:
    """A CSV row as openpyxl reads the workbook's cells: dates as datetimes at midnight."""
    out = typed(table, row)
    for spec in TABLES[table].fields:
        if spec.type == "date" and out[spec.name] is not None:
            out[spec.name] = dt.datetime.fromisoformat(str(out[spec.name]))
    return list(out.values())


def test_xlsx_export_reads_back_with_openpyxl(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    assert run("export", "-f", "xlsx", "-o", str(tmp_path), "-q").code == 0
    book = openpyxl.load_workbook(tmp_path / "natoseoul.xlsx")
    assert book.sheetnames == ["about", *TABLES, "fields"]
    for table in TABLES:
        sheet = book[table]
        rows = list(sheet.iter_rows(values_only=True))
        assert list(rows[0]) == TABLES[table].field_names
        assert [list(r) for r in rows[1:]] == [as_excel(table, r) for r in release_rows(table)]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    fields = list(book["fields"].iter_rows(values_only=True))
    assert len(fields) - 1 == sum(len(t.fields) for t in TABLES.values())


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    tricky = ["=1+1", "+SUM(A1)", "-2", "@cmd", "a\nb", "tab\there", "_x0041_", "bell\x07", "<&>", "한국", "042"]
    source = tmp_path / "csv"
    assert run("export", "-f", "csv", "-o", str(source), "-q", "-t", "topics").code == 0
    for i, text in enumerate(tricky):
        set_cell(source / "topics.csv", i, "description", text)
    for out in ("a", "b"):
        result = run("export", "--from", str(source), "-t", "topics", "-f", "xlsx", "-o", str(tmp_path / out), "-q")
        assert result.code == 0, result.err
    data = (tmp_path / "a" / "natoseoul.xlsx").read_bytes()
    assert data == (tmp_path / "b" / "natoseoul.xlsx").read_bytes()  # deterministic
    sheet = openpyxl.load_workbook(tmp_path / "a" / "natoseoul.xlsx")["topics"]
    column = TABLES["topics"].field_names.index("description")
    cells = [row[column] for row in sheet.iter_rows(min_row=2, max_row=len(tricky) + 1)]
    assert all(c.data_type == "s" for c in cells)
    readable = [i for i, t in enumerate(tricky) if "_x" not in t and "\x07" not in t]
    assert [cells[i].value for i in readable] == [tricky[i] for i in readable]
    # Characters XML cannot carry, and text that looks like such an escape, use SpreadsheetML's
    # _xHHHH_ escape, which Excel decodes (openpyxl shows it raw).
    with zipfile.ZipFile(tmp_path / "a" / "natoseoul.xlsx") as book:
        xml = book.read("xl/worksheets/sheet2.xml").decode("utf-8")  # about, then the topics sheet
    assert "_x005F_x0041_" in xml and "bell_x0007_" in xml


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("mine\n", encoding="utf-8")
    result = run("export", "-f", "csv", "-o", str(tmp_path))
    assert result.code == 1
    assert result.err.strip().startswith(f"Error: {tmp_path / 'events.csv'}: already exists")
    assert len(result.err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv"]
    assert (tmp_path / "events.csv").read_text(encoding="utf-8") == "mine\n"
    assert run("export", "-f", "csv", "-o", str(tmp_path), "--force").code == 0
    assert (tmp_path / "events.csv").read_bytes() == (release() / "csv" / "events.csv").read_bytes()


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    for target in (blocker, blocker / "sub"):
        result = run("export", "-f", "json", "-o", str(target))
        assert result.code == 1 and str(blocker) in result.err
        assert len(result.err.strip().splitlines()) == 1


def test_a_failure_midway_leaves_nothing_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(tableio.os, "fsync", failing_fsync)
    result = run("export", "-f", "jsonl", "-o", str(tmp_path / "out"))
    assert result.code == 1 and "No space left on device" in result.err
    assert not (tmp_path / "out").exists()  # no finished file, no temporary one, not even the directory


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl", "sqlite", "xlsx"])
def test_export_bytes_depend_on_the_data_alone(tmp_path: Path, fmt: str) -> None:
    """Two exports, one in this process and one in another time zone and folder, write the same
    bytes; the workbook (a zip) carries no time from the clock."""
    assert run("export", "-f", fmt, "-o", str(tmp_path / "a"), "-q").code == 0
    elsewhere = run("export", "-f", fmt, "-o", str(tmp_path / "b"), "-q", mode="subprocess", cwd=tmp_path,
                    env={"TZ": "Asia/Seoul"})  # fmt: skip
    assert elsewhere.code == 0, elsewhere.err
    written = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert written and written == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in written:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    if fmt == "xlsx":
        today = dt.date.today()
        with zipfile.ZipFile(tmp_path / "a" / "natoseoul.xlsx") as workbook:
            assert all(dt.date(*info.date_time[:3]) != today for info in workbook.infolist())


def test_from_a_copy_converts_back_to_the_release_byte_for_byte(tmp_path: Path) -> None:
    assert run("export", "-f", "csv", "-o", str(tmp_path / "csv"), "-q").code == 0
    result = run("export", "--from", str(tmp_path / "csv"), "-f", "parquet", "-o", str(tmp_path / "pq"))
    assert result.code == 0, result.err
    descriptor = tmp_path / "pq" / "datapackage.json"
    result = run("export", "--from", str(descriptor), "-f", "csv", "-o", str(tmp_path / "back"), "-q")
    assert result.code == 0, result.err
    for table in TABLES:
        parquet = (tmp_path / "pq" / f"{table}.parquet").read_bytes()
        assert parquet == (release() / "parquet" / f"{table}.parquet").read_bytes(), table
        assert (tmp_path / "back" / f"{table}.csv").read_bytes() == (release() / "csv" / f"{table}.csv").read_bytes()
    frictionless_valid(tmp_path / "back" / "datapackage.json")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_start", "2023-02-30", "date_start: '2023-02-30' is not a date (YYYY-MM-DD)"),
        ("event_id", "", "event_id: required value is missing"),
    ],
)
def test_from_a_copy_with_a_bad_cell_names_it_and_writes_nothing(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    source = tmp_path / "csv"
    assert run("export", "-f", "csv", "-o", str(source), "-q").code == 0
    set_cell(source / "events.csv", 3, field, value)
    out = tmp_path / "new" / "out"
    result = run("export", "--from", str(source), "-f", "parquet", "-o", str(out), mode="subprocess")
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"Error: {source / 'events.csv'}:5:{message}; `natoseoul validate` lists every problem"
    ]
    assert not (tmp_path / "new").exists()  # no file, no temporary file, not even the directories


def test_from_a_copy_with_a_wrong_header_or_a_missing_table(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)  # CSV and Parquet: --from-format says which is read
    events = dist / "parquet" / "events.parquet"
    data = pq.read_table(events)
    pq.write_table(data.rename_columns([n.replace("date_start", "start") for n in data.column_names]), events)
    result = run("export", "--from", str(dist), "--from-format", "parquet", "-f", "csv", "-o", str(tmp_path / "out"))
    assert (
        result.code == 1
        and f"Error: {events}:1: header: missing column(s) date_start; unexpected column(s) start" in result.err
    )
    assert run("export", "-f", "csv", "-o", str(tmp_path / "two"), "-t", "quotes", "-q").code == 0
    result = run("export", "--from", str(tmp_path / "two"), "-f", "jsonl", "-o", str(tmp_path / "out"))
    assert result.code == 1
    assert f"{tmp_path / 'two' / 'datapackage.json'}: no CSV or Parquet resource for table 'documents'" in result.err
    result = run("export", "--from", str(tmp_path / "two"), "-t", "quotes", "-f", "jsonl", "-o", str(tmp_path / "out"))
    assert result.code == 0 and (tmp_path / "out" / "quotes.jsonl").read_bytes().count(b"\n") == len(
        release_rows("quotes")
    )


@pytest.mark.parametrize("batch_rows", [1, 7, 250, 1000])
def test_streamed_parquet_has_the_bytes_of_the_whole_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_rows: int
) -> None:
    """Row groups gathered from batches of any size are those ``write_table`` cuts from the whole table."""
    monkeypatch.setattr(tableio, "ROW_GROUP_ROWS", 100)
    data = pq.read_table(release() / "parquet" / "event_participants.parquet")
    assert data.num_rows > 100  # more than one row group
    for rows, name in ((data.num_rows, "all"), (0, "empty")):
        part = data.slice(0, rows)
        tableio.write_parquet(tmp_path / name, part.schema, part.to_batches(max_chunksize=batch_rows))
        assert (tmp_path / name).read_bytes() == tableio.parquet_bytes(part)
        assert pq.ParquetFile(tmp_path / name).metadata.num_row_groups == max(1, -(-rows // 100))
