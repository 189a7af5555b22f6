"""Every export opens right in the tool it is for, checked through that tool: Datasette (its own
command line, serving the exported folder), openpyxl reading the workbook as Excel would, and pandas,
polars and DuckDB reading the CSV files with the recipes of docs/recipes.md."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import ROOT, release_descriptor, release_rows, run, set_cell
from natoseoul.export import _xlsx
from natoseoul.export._datasette import QUERIES
from natoseoul.schema import TABLES

# --- SQLite and Datasette --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite export, made as the README says."""
    folder = tmp_path_factory.mktemp("datasette") / "natoseoul-sqlite"
    assert run("export", "-f", "sqlite", "-o", str(folder), "-q").code == 0
    return folder


def get(folder: Path, path: str) -> str:
    """What `datasette FOLDER` (the README's command) serves at ``path``, through Datasette's CLI."""
    pytest.importorskip("datasette")
    from click.testing import CliRunner
    from datasette.cli import cli

    result = CliRunner().invoke(cli, ["serve", str(folder), "--get", path])
    assert result.exit_code == 0, result.output[-2000:]
    return result.output


def get_json(folder: Path, path: str) -> Any:
    return json.loads(get(folder, path))


def test_datasette_version_is_the_one_documented() -> None:
    datasette = pytest.importorskip("datasette.version")
    assert datasette.__version__.startswith("0.65."), "docs/recipes.md and _datasette.py say Datasette 0.65"


def test_datasette_pages_show_the_licence_sources_and_citation(served: Path) -> None:
    meta = release_descriptor()
    licence = meta["licenses"][0]
    for path in ("/", "/natoseoul", "/natoseoul/quotes"):
        page = get(served, path)
        assert f'href="{licence["path"]}"' in page and licence["name"] in page, path  # the footer of every page
    index = get(served, "/")
    assert html.escape(meta["title"]) in index
    for source in meta["sources"]:
        assert source["title"] in html.unescape(index)
    assert "How to cite" in index and meta["version"] in html.unescape(index)


def test_datasette_describes_every_table_and_column(served: Path) -> None:
    for name, table in TABLES.items():
        page = html.unescape(get(served, f"/natoseoul/{name}"))
        assert table.description in page, name
        info = get_json(served, f"/natoseoul/{name}.json?_size=0&_extra=columns")
        assert info["columns"] == table.field_names
        for spec in table.fields:  # Datasette 0.65 shows column descriptions in the header's title
            assert spec.description in page, f"{name}.{spec.name}"


def test_datasette_shows_labels_instead_of_ids(served: Path) -> None:
    topics = {t["topic_id"]: t["label"] for t in release_rows("topics")}
    events = {e["event_id"]: e["title"] for e in release_rows("events")}
    shown = get_json(served, "/natoseoul/event_topics.json?_labels=on&_shape=objects&_size=max")["rows"]
    assert len(shown) == len(release_rows("event_topics"))
    for row in shown:
        assert row["topic_id"]["label"] == topics[row["topic_id"]["value"]]
        assert row["event_id"]["label"] == events[row["event_id"]["value"]]
    page = get(served, "/natoseoul/event_topics")
    first = release_rows("event_topics")[0]["topic_id"]
    assert f">{html.escape(topics[first])}</a>&nbsp;<em>{first}</em>" in page  # the label, the id beside it
    people = {p["participant_id"]: p["name"] for p in release_rows("participants")}
    quotes = get_json(served, "/natoseoul/quotes.json?_labels=on&_shape=objects&_size=5")["rows"]
    assert all(q["speaker_id"]["label"] == people[q["speaker_id"]["value"]] for q in quotes)


def test_datasette_facets_the_categorical_columns(served: Path) -> None:
    expected = {
        "events": {"event_type", "status", "plover_type", "date_precision"},
        "quotes": {"quote_type", "speaker_id"},
        "participants": {"kind"},
        "event_participants": {"role"},
        "source_notes": {"kind"},
    }
    for name, columns in expected.items():
        facets = get_json(served, f"/natoseoul/{name}.json?_size=0")["facet_results"]
        facets = facets.get("results", facets)  # 0.65 puts them under "results" in some shapes
        assert columns <= set(facets), name
    counts = get_json(served, "/natoseoul/events.json?_size=0")["facet_results"]
    counts = counts.get("results", counts)
    by_type = {f["value"]: f["count"] for f in counts["event_type"]["results"]}
    assert by_type == {t: [e["event_type"] for e in release_rows("events")].count(t) for t in by_type}


def test_datasette_search_finds_quotes(served: Path) -> None:
    found = get_json(served, "/natoseoul/quotes.json?_search=partners&_shape=array&_size=max")
    word = re.compile(r"\bpartners\b", re.I)
    assert sorted(q["quote_id"] for q in found) == sorted(
        q["quote_id"] for q in release_rows("quotes") if word.search(q["text"])
    )
    assert found and "search" in get(served, "/natoseoul/quotes").lower()


@pytest.mark.parametrize(
    ("query", "argument", "value"),
    [
        ("quotes_by_speaker", "speaker_id", "stoltenberg-jens"),
        ("evidence_for_event", "event_id", "2023-01-30-yoon-talks"),
        ("events_of_participant", "participant_id", "yoon-suk-yeol"),
    ],
)
def test_datasette_canned_queries_run(served: Path, query: str, argument: str, value: str) -> None:
    assert f":{argument}" in QUERIES[query]["sql"]
    assert QUERIES[query]["title"] in get(served, "/natoseoul")
    rows = get_json(served, f"/natoseoul/{query}.json?{argument}={value}&_shape=array")
    assert rows
    if query == "quotes_by_speaker":
        assert len(rows) == sum(q["speaker_id"] == value for q in release_rows("quotes"))
    elif query == "evidence_for_event":
        assert [r["text"] for r in rows] == [
            e["text"]
            for e in sorted(release_rows("event_evidence"), key=lambda e: (e["document_id"], int(e["char_start"])))
            if e["event_id"] == value
        ]
    else:
        assert {r["event_id"] for r in rows} == {
            p["event_id"] for p in release_rows("event_participants") if p["participant_id"] == value
        }


def test_sqlite_carries_its_licence_and_citation(served: Path) -> None:
    import sqlite3

    meta = release_descriptor()
    with sqlite3.connect(served / "natoseoul.sqlite") as db:
        about = dict(db.execute("SELECT key, value FROM _metadata").fetchall())
        described = db.execute("SELECT count(*) FROM _fields").fetchone()[0]
    assert about["license"] == meta["licenses"][0]["name"] and about["license_url"] == meta["licenses"][0]["path"]
    assert about["version"] == meta["version"] and meta["version"] in about["citation"]
    assert json.loads(about["sources"]) == meta["sources"]
    assert described == sum(len(t.fields) for t in TABLES.values())


def test_some_tables_offer_only_the_queries_they_can_run(tmp_path: Path) -> None:
    assert run("export", "-f", "sqlite", "-o", str(tmp_path), "-q", "-t", "quotes", "-t", "participants").code == 0
    meta = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    database = meta["databases"]["natoseoul"]
    assert set(database["tables"]) == {"participants", "quotes", "quotes_fts", "_metadata", "_fields"}
    assert database["queries"] == {}  # each reads a table that was not exported
    assert "Stoltenberg" in get(tmp_path, "/natoseoul/quotes")


# --- Excel ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Any:
    openpyxl = pytest.importorskip("openpyxl")
    folder = tmp_path_factory.mktemp("xlsx")
    assert run("export", "-f", "xlsx", "-o", str(folder), "-q").code == 0
    return openpyxl.load_workbook(folder / "natoseoul.xlsx")


def test_workbook_first_sheet_says_what_it_is_and_how_to_cite_it(workbook: Any) -> None:
    import natoseoul

    meta = release_descriptor()
    assert workbook.sheetnames[0] == "about" and workbook.active.title == "about"
    rows = [r for r in workbook["about"].iter_rows(values_only=True) if r[0] is not None]
    about = {r[0]: r[1] for r in rows}
    assert about["title"] == meta["title"] and about["version"] == meta["version"]
    assert meta["licenses"][0]["name"] in about["licence"] and meta["licenses"][0]["path"] in about["licence"]
    assert about["how to cite"] == natoseoul.citation()
    assert [r[1] for r in rows if r[0] == "source"] == [
        " — ".join(s[k] for k in ("title", "path") if k in s) for s in meta["sources"]
    ]
    tables = {r[0]: (r[1], r[2]) for r in rows if r[0] in TABLES}
    for name, table in TABLES.items():
        assert table.description in tables[name][0] and tables[name][1] == len(release_rows(name))


def test_workbook_cells_have_their_types(workbook: Any) -> None:
    for name, table in TABLES.items():
        sheet = workbook[name]
        for spec_index, spec in enumerate(table.fields):
            cells = [row[spec_index] for row in sheet.iter_rows(min_row=2)]
            values = [c.value for c in cells if c.value is not None]
            expected = {
                "string": str,
                "integer": int,
                "boolean": bool,
                "date": dt.datetime,
            }[spec.type]
            assert all(isinstance(v, expected) for v in values), f"{name}.{spec.name}"
            if spec.type == "date":
                assert all(c.is_date and c.number_format == "yyyy-mm-dd" for c in cells if c.value is not None)
            if spec.type == "string":
                assert all(c.data_type == "s" for c in cells if c.value is not None)
    cameo = [r[0] for r in workbook["events"].iter_rows(min_row=2, values_only=True, min_col=13, max_col=13)]
    assert "042" in cameo  # text stays text


def test_workbook_sheets_have_a_frozen_header_a_filter_and_widths(workbook: Any) -> None:
    for name, table in TABLES.items():
        sheet = workbook[name]
        last = string.ascii_uppercase[len(table.fields) - 1]
        assert sheet.freeze_panes == "A2", name
        assert sheet.auto_filter.ref == f"A1:{last}{len(release_rows(name)) + 1}", name
        assert all(cell.font.b for cell in sheet[1])
        widths = {}
        for dim in sheet.column_dimensions.values():  # openpyxl groups equal neighbours (min..max)
            for col in range(dim.min, dim.max + 1):
                widths[col] = dim.width
        assert sorted(widths) == list(range(1, len(table.fields) + 1)), name
        assert all(_xlsx.MIN_WIDTH <= w <= _xlsx.MAX_WIDTH + 1 for w in widths.values()), (name, widths)
    events = workbook["events"]
    header = [c.value for c in events[1]]
    width = {h: events.column_dimensions[string.ascii_uppercase[i]].width for i, h in enumerate(header)}
    assert width["description"] > width["status"]  # fitted to the text, not one width for all


@pytest.mark.parametrize(("limit", "value", "message"), [
    ("MAX_CELL_CHARS", 50, "field description: {n} characters, more than an Excel cell holds (50)"),
    ("MAX_ROWS", 10, "has more than 9 rows, more than an Excel sheet holds"),
])  # fmt: skip
def test_a_table_beyond_excels_limits_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int, message: str
) -> None:
    monkeypatch.setattr(_xlsx, limit, value)
    result = run("export", "-f", "xlsx", "-o", str(tmp_path / "out"), "-t", "topics")
    assert result.code == 1 and len(result.err.strip().splitlines()) == 1
    first = next(t for t in release_rows("topics") if len(t["description"]) > 50)
    assert "xlsx export: table topics" in result.err
    assert message.format(n=f"{len(first['description']):,}") in result.err
    assert not (tmp_path / "out").exists()


# --- the CSV in pandas, polars and DuckDB (the recipes of docs/recipes.md) --------------------------


def recipe(contains: str) -> str:
    """The python block of docs/recipes.md that contains ``contains``."""
    text = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"^```python\n(.*?)^```", text, re.M | re.S) if contains in b]
    return str(block)


@pytest.fixture
def csv_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding natoseoul-csv/, as the recipes expect, with one integer cell emptied (no
    integer column of the release has a null; an edited copy can)."""
    assert run("export", "-f", "csv", "-o", str(tmp_path / "natoseoul-csv"), "-q").code == 0
    set_cell(tmp_path / "natoseoul-csv" / "participant_aliases.csv", 0, "char_start", "")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_events(cameo: list[Any], dates: list[Any]) -> None:
    expected = [e["cameo_code"] or None for e in release_rows("events")]
    assert cameo == expected and "042" in cameo
    assert dates == [
        dt.date.fromisoformat(e["date_start"]) if e["date_start"] else None for e in release_rows("events")
    ]


def check_aliases(starts: list[Any]) -> None:
    assert starts[0] is None and all(isinstance(s, int) for s in starts[1:])
    assert starts[1:] == [int(a["char_start"]) for a in release_rows("participant_aliases")[1:]]


def test_pandas_recipe_keeps_codes_dates_and_nullable_integers(csv_folder: Path) -> None:
    pd = pytest.importorskip("pandas")
    namespace: dict[str, Any] = {}
    exec(recipe("pd.read_csv"), namespace)
    frames = namespace["frames"]
    assert set(frames) == set(TABLES)
    events = frames["events"]
    assert str(events["cameo_code"].dtype) == "string" and str(events["date_start"].dtype) == "date32[day][pyarrow]"
    check_events([None if pd.isna(v) else v for v in events["cameo_code"]],
                 [None if pd.isna(v) else v for v in events["date_start"]])  # fmt: skip
    aliases = frames["participant_aliases"]
    assert str(aliases["char_start"].dtype) == "Int64"
    check_aliases([None if pd.isna(v) else int(v) for v in aliases["char_start"]])
    documents = frames["documents"]
    assert str(documents["title_verbatim"].dtype) == "boolean"
    assert pd.read_csv("natoseoul-csv/events.csv")["cameo_code"].dropna().iloc[0] == 42.0  # what the issue found


def test_polars_recipe_keeps_codes_dates_and_nullable_integers(csv_folder: Path) -> None:
    pl = pytest.importorskip("polars")
    namespace: dict[str, Any] = {}
    exec(recipe("pl.read_csv"), namespace)
    tables = namespace["tables"]
    events = tables["events"]
    assert events.schema["cameo_code"] == pl.String and events.schema["date_start"] == pl.Date
    check_events(events["cameo_code"].to_list(), events["date_start"].to_list())
    aliases = tables["participant_aliases"]
    assert aliases.schema["char_start"] == pl.Int64
    check_aliases(aliases["char_start"].to_list())
    assert tables["documents"].schema["title_verbatim"] == pl.Boolean


def test_duckdb_recipe_keeps_codes_dates_and_nullable_integers(csv_folder: Path) -> None:
    pytest.importorskip("duckdb")
    namespace: dict[str, Any] = {}
    exec(recipe("con.read_csv"), namespace)
    con = namespace["con"]
    types = dict(con.sql("SELECT column_name, data_type FROM information_schema.columns "
                         "WHERE table_name = 'events'").fetchall())  # fmt: skip
    assert types["cameo_code"] == "VARCHAR" and types["date_start"] == "DATE"
    check_events(
        [r[0] for r in con.sql("SELECT cameo_code FROM events").fetchall()],
        [r[0] for r in con.sql("SELECT date_start FROM events").fetchall()],
    )
    check_aliases([r[0] for r in con.sql("SELECT char_start FROM participant_aliases").fetchall()])
    assert con.sql("SELECT typeof(title_verbatim) FROM documents LIMIT 1").fetchall() == [("BOOLEAN",)]
