"""``natoseoul validate``: the release is valid, and each kind of damage is reported as file:row:field."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cli_helpers import (
    ROOT,
    copy_release,
    csv_rows,
    run,
    set_cell,
    set_first_resource_path,
)
from natoseoul._version import __version__
from natoseoul.schema import TABLES


def test_installed_release_is_valid() -> None:
    result = run("validate")
    assert result.code == 0, result.out
    assert result.out.startswith("valid:") and "spans checked" in result.out


def test_checkout_root_descriptor_is_valid() -> None:
    root = ROOT / "datapackage.json"
    assert run("validate", str(root)).code == 0


def test_copy_with_seeds_inside_or_beside_is_valid_and_checks_spans(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    result = run("validate", str(dist))
    assert result.code == 0 and f"spans checked against {dist / 'seeds'}" in result.out
    (dist / "seeds").rename(tmp_path / "seeds")  # as in a checkout: seeds/ beside dist/
    result = run("validate", str(dist))
    assert result.code == 0 and f"spans checked against {tmp_path / 'seeds'}" in result.out


def test_bad_date_is_reported_with_file_row_and_field(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    events = dist / "csv" / "events.csv"
    row = len(csv_rows(events)) - 1
    set_cell(events, row, "date_start", "2023-13-01")
    result = run("validate", str(dist))
    assert result.code == 1
    assert f"{events}:{row + 2}:date_start: '2023-13-01' is not a date (YYYY-MM-DD)" in result.out.splitlines()
    assert "invalid: 1 problem(s)" in result.err


def test_wrong_header_is_row_1(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    topics = dist / "csv" / "topics.csv"
    text = topics.read_text(encoding="utf-8")
    topics.write_text(text.replace('"label"', '"lable"', 1), encoding="utf-8")
    result = run("validate", str(dist))
    assert result.code == 1
    assert f"{topics}:1: header: missing column(s) label; unexpected column(s) lable" in result.out


def test_duplicate_key_dangling_reference_and_wrong_span(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    participants = dist / "csv" / "participants.csv"
    ids = [r["participant_id"] for r in csv_rows(participants)]
    set_cell(participants, 1, "participant_id", ids[0])
    aliases = dist / "csv" / "participant_aliases.csv"
    alias_rows = csv_rows(aliases)
    set_cell(aliases, 0, "document_id", "no-such-document")
    set_cell(aliases, 2, "alias", alias_rows[2]["alias"] + "x")
    out = run("validate", str(dist)).out.splitlines()
    assert any(line.startswith(f"{participants}:3:participant_id: duplicate primary key") for line in out)
    assert f"{aliases}:2:document_id: 'no-such-document' is not a document_id in documents" in out
    assert any(line.startswith(f"{aliases}:4:alias: does not match {alias_rows[2]['document_id']}[") for line in out)
    # participants that pointed at the duplicated id now dangle
    lost = ids[1]
    for i, r in enumerate(alias_rows):
        if r["participant_id"] == lost:
            assert f"{aliases}:{i + 2}:participant_id: {lost!r} is not a participant_id in participants" in out


def test_seed_file_that_differs_from_its_hash(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    docs = csv_rows(dist / "csv" / "documents.csv")
    seed = dist / docs[0]["path"]
    seed.write_text(seed.read_text(encoding="utf-8") + " ", encoding="utf-8")
    out = run("validate", str(dist)).out
    assert f"{dist / 'csv' / 'documents.csv'}:2:sha256: does not match the seed file" in out


def test_without_seeds_spans_are_not_checked(tmp_path: Path) -> None:
    dist = copy_release(tmp_path, seeds=False)
    result = run("validate", str(dist))
    assert result.code == 0 and "spans not checked" in result.out


def test_truncated_parquet_is_one_line(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    target = dist / "parquet" / "events.parquet"
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    result = run("validate", str(dist))
    assert result.code == 1
    lines = [line for line in result.out.splitlines() if "events.parquet" in line]
    assert lines == [f"{target}: cannot read as Parquet: " + lines[0].split("cannot read as Parquet: ", 1)[1]]


def test_parquet_cells_are_checked_like_csv(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    target = dist / "parquet" / "topics.parquet"
    data = pq.read_table(target)
    labels = data.column("label").to_pylist()
    labels[0] = None
    pq.write_table(
        data.set_column(data.schema.get_field_index("label"), "label", pa.array(labels, pa.string())), target
    )
    dates = dist / "parquet" / "documents.parquet"
    docs = pq.read_table(dates)
    index = docs.schema.get_field_index("published")
    pq.write_table(docs.set_column(index, "published", pc_cast_to_string(docs.column("published"))), dates)
    out = run("validate", str(dist)).out
    assert f"{target}:2:label: required value is missing" in out
    assert f"{dates}:published: stored as string, expected date32[day]" in out


def pc_cast_to_string(column: pa.ChunkedArray) -> pa.ChunkedArray:
    return column.cast(pa.string())


def test_bad_utf8_csv_is_reported(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    topics = dist / "csv" / "topics.csv"
    columns = len(TABLES["topics"].fields)
    topics.write_bytes(topics.read_bytes() + b'"bad-\xff","x","y"' + b"," * (columns - 3) + b"\n")
    result = run("validate", str(dist))
    assert result.code == 1 and f"{topics}: cannot read as CSV: not UTF-8 text (save the file as UTF-8)" in result.out


def test_excel_style_csv_with_bom_and_crlf_is_read(tmp_path: Path) -> None:
    """A byte-order mark and CRLF line ends (as spreadsheet programs save CSV) do not change the cells."""
    dist = copy_release(tmp_path)
    topics = dist / "csv" / "topics.csv"
    header, first, rest = topics.read_bytes().split(b"\n", 2)
    assert header.startswith(b'"topic_id"') and first.startswith(b'"')
    topics.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join([header, first, rest.replace(b"\n", b"\r\n")]))
    assert run("validate", str(dist)).code == 0
    topics.write_bytes(topics.read_bytes().replace(first, b'"Not A Slug"' + first[first.index(b'",') + 1 :], 1))
    assert f"{topics}:2:topic_id: 'Not A Slug' does not match the pattern" in run("validate", str(dist)).out


def test_release_archive_given_to_validate_says_what_to_do(root: Path) -> None:
    archive = root / "dist" / f"natoseoul-{__version__}.zip"
    result = run("validate", str(archive))
    assert result.code == 1
    assert (
        result.err.strip()
        == f"Error: {archive}: is a zip archive; check it with `natoseoul verify`, or unzip it and give the folder"
    )


def test_missing_file_and_unsafe_path(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    (dist / "csv" / "quote_links.csv").unlink()
    set_first_resource_path(dist, "../seeds/x.csv")
    out = run("validate", str(dist)).out
    assert f"{dist / 'csv' / 'quote_links.csv'}: file is missing" in out
    assert "contains '..'" in out


def test_a_path_that_does_not_exist_is_a_usage_error_and_a_folder_without_descriptor_bad_input(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.code == 2
    assert (
        result.err.splitlines()[-1]
        == f"Error: Invalid value for '[TARGET]': Path '{tmp_path / 'nowhere'}' does not exist."
    )
    empty = run("validate", str(tmp_path))  # a directory without datapackage.json
    expected = "no such file (expected a data package directory or its datapackage.json)"
    assert (empty.code, empty.err) == (1, f"Error: {tmp_path / 'datapackage.json'}: {expected}\n")


def test_frictionless_second_opinion(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    assert run("validate", str(dist), "--frictionless").code == 0
    events = dist / "csv" / "events.csv"
    set_cell(events, 0, "date_end", "not-a-date")
    out = run("validate", str(dist), "--frictionless").out
    assert f"{events}:2:date_end:" in out and "[frictionless" in out


def test_export_then_validate_round_trip(tmp_path: Path) -> None:
    for fmt in ("csv", "parquet"):
        assert run("export", "-f", fmt, "-o", str(tmp_path / fmt), "-q").code == 0
        result = run("validate", str(tmp_path / fmt))
        assert result.code == 0, result.out
        assert f"{len(TABLES)} file(s)" in result.out


def large_event_topics(tmp_path: Path, first: str, last: str, n: int = 300_000) -> str:
    """Validate a package of topics and an event_topics.csv of ``n`` good rows (several batches)
    between the record ``first`` and the record ``last``, any topic_id written as TOPIC."""
    dist = copy_release(tmp_path)
    shutil.rmtree(dist / "parquet")
    descriptor = json.loads((dist / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in ("topics", "event_topics")]
    (dist / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    topic = csv_rows(dist / "csv" / "topics.csv")[0]["topic_id"]
    lines = ['"event_id","topic_id"', first] + [f'"e-{i}","TOPIC"' for i in range(n)] + [last]
    text = "\n".join(lines).replace("TOPIC", topic) + "\n"
    (dist / "csv" / "event_topics.csv").write_text(text, encoding="utf-8")
    return run("validate", str(dist)).out


def test_large_csv_streams(tmp_path: Path) -> None:
    """A table far larger than one batch is checked whole: the last row's problem is found."""
    out = large_event_topics(tmp_path, '"e-first","TOPIC"', '"E-bad","TOPIC"')
    assert f"event_topics.csv:{300_000 + 3}:event_id: 'E-bad' does not match the pattern" in out


def test_a_file_that_breaks_off_still_has_its_earlier_rows_checked(tmp_path: Path) -> None:
    """A bad record batches into the file stops the reading there; what was read before is still
    checked, including the patterns of references, which otherwise wait for the reference check."""
    out = large_event_topics(tmp_path, '"E-bad","Not A Topic"', '"e-last"')
    assert "event_topics.csv:2:event_id: 'E-bad' does not match the pattern" in out
    assert "event_topics.csv:2:topic_id: 'Not A Topic' does not match the pattern" in out
    assert f"event_topics.csv:{300_000 + 3}: cannot read as CSV: expected 2 cells, got 1" in out


def test_a_row_with_the_wrong_number_of_cells_is_named(tmp_path: Path) -> None:
    dist = copy_release(tmp_path, seeds=False)
    quotes = dist / "csv" / "quotes.csv"
    set_cell(quotes, 0, "text", "a turn\nthat breaks a line")  # rows are records, not lines
    with quotes.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows.insert(3, ["only", "three", "cells"])  # after the header and two records: row 4
    with quotes.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    result = run("validate", str(dist))
    assert result.code == 1
    assert f"{quotes}:4: cannot read as CSV: expected 9 cells, got 3: only,three,cells" in result.out.splitlines()


def test_year_0000_is_refused_by_natoseoul_and_frictionless_alike(tmp_path: Path) -> None:
    """Arrow holds the year 0000 and its cast takes it; Python's dates (so frictionless, pandas'
    object dates and ``natoseoul.records()``) do not. Both validators refuse the same cell."""
    dist = copy_release(tmp_path)
    events = dist / "csv" / "events.csv"
    set_cell(events, 0, "date_end", "0000-01-01")
    ours = run("validate", str(dist))
    assert ours.code == 1
    assert f"{events}:2:date_end: '0000-01-01' is not a date (YYYY-MM-DD)" in ours.out.splitlines()
    theirs = run("validate", str(dist), "--frictionless").out.splitlines()
    assert any(line.startswith(f"{events}:2:date_end: [frictionless type-error]") for line in theirs), theirs


def test_a_parquet_column_stored_as_day_numbers_is_reported(tmp_path: Path) -> None:
    """The Parquet copy holds the CSV copy's dates as the numbers Arrow stores them as (days since
    1970), in a type the schema does not give: the same bytes, but not dates to its readers."""
    dist = copy_release(tmp_path)
    target = dist / "parquet" / "documents.parquet"
    data = pq.read_table(target)
    index = data.schema.get_field_index("published")
    pq.write_table(data.set_column(index, "published", data.column("published").cast(pa.int32())), target)
    result = run("validate", str(dist))
    assert result.code == 1
    assert f"{target}:published: stored as int32, expected date32[day]" in result.out.splitlines()


def test_integer_keys_are_compared_as_numbers(tmp_path: Path) -> None:
    """``+12`` and ``12`` are the same integer, so two evidence rows that differ only so share a key."""
    dist = copy_release(tmp_path)
    evidence = dist / "csv" / "event_evidence.csv"
    with evidence.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    start = rows[0].index("char_start")
    twin = list(rows[1])
    twin[start] = "+" + twin[start]
    with evidence.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([*rows, twin])
    out = run("validate", str(dist)).out.splitlines()
    key = ", ".join(TABLES["event_evidence"].primary_key)
    assert any(line.startswith(f"{evidence}:{len(rows) + 1}:event_id: duplicate primary key ({key})") for line in out)


def write_label_column(dist: Path, column: pa.Array) -> Path:
    """topics.parquet with its label column replaced (same rows, another Arrow type)."""
    target = dist / "parquet" / "topics.parquet"
    data = pq.read_table(target)
    pq.write_table(data.set_column(data.schema.get_field_index("label"), "label", column), target)
    return target


def test_a_parquet_column_with_no_text_form_is_one_line_per_command(tmp_path: Path) -> None:
    """A list column cannot be read as cells: each command that reads the file says so on one line."""
    dist = copy_release(tmp_path)
    labels = TABLES["topics"].field_index["label"]
    assert labels.type == "string"
    rows = pq.read_table(dist / "parquet" / "topics.parquet").column("label").to_pylist()
    target = write_label_column(dist, pa.array([[v] for v in rows]))
    result = run("validate", str(dist))
    assert result.code == 1
    assert any(line.startswith(f"{target}: cannot read as Parquet: ") for line in result.out.splitlines())
    assert f"{target}:label: stored as list<element: string>, expected string" in result.out.splitlines()
    exported = run("export", "--from", str(dist), "--from-format", "parquet", "-f", "csv", "-o", str(tmp_path / "o"))
    assert exported.code == 1 and exported.err.startswith(f"Error: {target}: cannot read as Parquet: ")


def test_parquet_text_that_is_not_utf8_is_reported_in_any_text_type(tmp_path: Path) -> None:
    for name, column in {
        "binary": pa.array([b"diplomatic\xff"], pa.binary()),
        "string_view": pa.array([b"diplomatic\xff"], pa.binary_view()).view(pa.string_view()),
    }.items():
        dist = copy_release(tmp_path / name)
        rows = pq.read_table(dist / "parquet" / "topics.parquet").num_rows
        target = write_label_column(dist, pa.concat_arrays([column, pa.array([b"x"] * (rows - 1), column.type)]))
        result = run("validate", str(dist))
        assert result.code == 1, name
        lines = result.out.splitlines()
        assert f"{target}:label: a text value is not UTF-8 (the file is damaged)" in lines or any(
            line.startswith(f"{target}: cannot read as Parquet: ") and "UTF8" in line for line in lines
        ), (name, lines)


def test_a_span_table_with_no_complete_span_is_reported_not_a_crash(tmp_path: Path) -> None:
    dist = copy_release(tmp_path)
    notes = dist / "csv" / "source_notes.csv"
    for row in range(len(csv_rows(notes))):
        set_cell(notes, row, "char_start", "")
    result = run("validate", str(dist))
    assert result.code == 1
    assert f"{notes}:2:char_start: required value is missing" in result.out.splitlines()
