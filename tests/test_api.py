"""The Python API a user sees: table names, load with each engine, records, metadata, citation, errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import natoseoul
from cli_helpers import loaded_modules
from natoseoul import models
from natoseoul.schema import TABLES

CONTRACT = {"documents", "participants", "participant_aliases", "events", "event_participants", "event_evidence",
            "quotes", "topics", "event_topics", "quote_topics", "source_notes"}  # fmt: skip
NAMES = natoseoul.table_names()

CsvRows = Callable[[str], list[dict[str, str]]]


def _as_text(value: Any) -> str:
    """A loaded value as the CSV writes it: null empty, booleans lower case, dates ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def test_table_names_are_the_release_tables_in_the_descriptors_order(root: Path) -> None:
    """What a user can load is what the release publishes: its CSV resources, in the descriptor's
    order, each with its CSV and Parquet file, and at least the tables of the contract."""
    descriptor = json.loads((root / "dist" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"] if r["format"] == "csv"] == NAMES
    assert {p.stem for p in (root / "dist" / "csv").glob("*.csv")} == set(NAMES)
    assert {p.stem for p in (root / "dist" / "parquet").glob("*.parquet")} == set(NAMES)
    assert set(NAMES) >= CONTRACT


@pytest.mark.parametrize("name", NAMES)
def test_load_gives_an_arrow_table_typed_as_its_table_schema(name: str) -> None:
    table = natoseoul.load(name)
    assert isinstance(table, pa.Table)
    assert table.schema.equals(TABLES[name].arrow_schema(), check_metadata=True)
    assert table.schema.field(TABLES[name].fields[0].name).metadata[b"description"]


@pytest.mark.parametrize("name", NAMES)
def test_loaded_rows_are_the_csv_rows(name: str, csv_rows: CsvRows) -> None:
    loaded = [{k: _as_text(v) for k, v in row.items()} for row in natoseoul.load(name).to_pylist()]
    assert loaded == csv_rows(name)


PANDAS_DTYPES = {"string": pd.StringDtype(), "integer": pd.Int64Dtype(), "boolean": pd.BooleanDtype(),
                 "date": pd.ArrowDtype(pa.date32())}  # fmt: skip
POLARS_DTYPES = {"string": pl.String, "integer": pl.Int64, "boolean": pl.Boolean, "date": pl.Date}


@pytest.mark.parametrize("name", NAMES)
def test_pandas_engine_keeps_types_and_nulls(name: str) -> None:
    frame = natoseoul.load(name, engine="pandas")
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == TABLES[name].field_names
    assert {c: frame[c].dtype for c in frame.columns} == {f.name: PANDAS_DTYPES[f.type] for f in TABLES[name].fields}
    assert not any(frame[c].dtype == object for c in frame.columns)
    expected = natoseoul.load(name)
    assert len(frame) == expected.num_rows
    for field in TABLES[name].fields:  # nulls stay nulls (pd.NA), not NaN or the string "None"
        assert frame[field.name].isna().sum() == expected[field.name].null_count


@pytest.mark.parametrize("name", NAMES)
def test_polars_engine_keeps_types_and_values(name: str) -> None:
    frame = natoseoul.load(name, engine="polars")
    assert isinstance(frame, pl.DataFrame)
    assert dict(frame.schema) == {f.name: POLARS_DTYPES[f.type] for f in TABLES[name].fields}
    assert frame.to_dicts() == natoseoul.load(name).to_pylist()


def test_dates_are_dates_in_every_engine() -> None:
    arrow = natoseoul.load("documents")
    first = arrow["published"][0].as_py()
    assert isinstance(first, dt.date)
    assert natoseoul.load("documents", engine="pandas")["published"].iloc[0] == first
    assert natoseoul.load("documents", engine="polars")["published"][0] == first


@pytest.mark.parametrize(("engine", "module"), [("pandas", "pandas"), ("polars", "polars")])
def test_a_missing_extra_raises_importerror_naming_it(
    engine: str, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    with pytest.raises(ImportError, match=re.escape(f"pip install 'natoseoul[{module}]'")):
        natoseoul.load("topics", engine=engine)


def test_unknown_table_suggests_the_closest_and_lists_all() -> None:
    with pytest.raises(natoseoul.UnknownNameError) as info:
        natoseoul.load("quote")
    message = str(info.value)
    assert message.startswith("unknown table 'quote'. Did you mean 'quotes'?")
    assert all(name in message for name in NAMES)
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, natoseoul.DataError)


def test_unknown_engine_is_a_clear_error() -> None:
    with pytest.raises(natoseoul.UnknownNameError, match="Did you mean 'polars'"):
        natoseoul.load("topics", engine="polar")


@pytest.mark.parametrize("name", NAMES)
def test_records_are_validated_models_of_every_row(name: str) -> None:
    rows = natoseoul.records(name)
    model = models.MODELS[name]
    assert model is getattr(natoseoul.models, TABLES[name].model)
    assert all(type(r) is model for r in rows)
    assert [r.model_dump() for r in rows] == natoseoul.load(name).to_pylist()


def test_records_by_model_class_and_models_are_immutable() -> None:
    topics = natoseoul.records(models.Topic)
    assert [t.topic_id for t in topics] == natoseoul.load("topics")["topic_id"].to_pylist()
    if topics:
        with pytest.raises(Exception, match="frozen"):
            topics[0].label = "changed"  # type: ignore[misc]


def test_metadata_is_the_release_descriptor(root: Any) -> None:
    meta = natoseoul.metadata()
    assert meta == json.loads((root / "dist" / "datapackage.json").read_text(encoding="utf-8"))
    meta["name"] = "changed"
    assert natoseoul.metadata()["name"] != "changed"  # a fresh copy each call


def test_version_is_the_descriptors_and_semver() -> None:
    assert natoseoul.__version__ == natoseoul.metadata()["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+([-+.].*)?", natoseoul.__version__)


def test_every_place_that_states_the_version_agrees(root: Any) -> None:
    """_version.py is the one place the version is set; everything else must say the same, and the
    release date must be the same in the descriptor, CITATION.cff and CHANGELOG.md."""
    from click.testing import CliRunner

    from natoseoul.cli import main

    version, meta = natoseoul.__version__, natoseoul.metadata()
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/natoseoul/_version.py"
    for descriptor in ("datapackage.json", "dist/datapackage.json"):
        assert json.loads((root / descriptor).read_text(encoding="utf-8"))["version"] == version, descriptor
    cff = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r"^version: \"?([^\"\n]+)\"?$", cff, re.M).group(1) == version  # type: ignore[union-attr]
    released = re.search(r'^date-released: "?(\d{4}-\d{2}-\d{2})"?$', cff, re.M).group(1)  # type: ignore[union-attr]
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    top = re.search(r"^## (\S+) — (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert top is not None and top.groups() == (version, released), "CHANGELOG.md's top entry is not this release"
    assert meta["created"][:10] == released
    result = CliRunner().invoke(main, ["--version"], prog_name="natoseoul")
    assert result.output.strip() == f"natoseoul, version {version}"
    assert (root / "dist" / f"natoseoul-{version}.zip").is_file()


def test_citation_names_the_release() -> None:
    meta = natoseoul.metadata()
    text = natoseoul.citation()
    assert meta["title"] in text
    assert f"Version {natoseoul.__version__}" in text
    assert f"({meta['created'][:4]})" in text
    assert all(lic["name"] in text for lic in meta["licenses"])
    assert meta["homepage"] in text
    assert all(c["title"] in text for c in meta["contributors"] if "creator" in c.get("roles", []))


def test_import_is_cheap_and_loading_does_not_import_pandas() -> None:
    # (The joins may import pandas when it is installed: pyarrow's own pandas shim does so on the
    # first pa.array or pa.scalar built from Python values.)
    heavy = {"pandas", "polars", "frictionless"}
    _, _, after_import = loaded_modules("import natoseoul")
    _, _, after_load = loaded_modules("import natoseoul\n[natoseoul.load(name) for name in natoseoul.table_names()]")
    assert "natoseoul" in after_import and "pyarrow" in after_load
    assert heavy & after_import == set() and heavy & after_load == set()


def test_public_names_are_exported() -> None:
    for name in natoseoul.__all__:
        assert getattr(natoseoul, name) is not None
    assert {"load", "table_names", "records", "metadata", "citation", "timeline"} <= set(dir(natoseoul))
    with pytest.raises(AttributeError):
        natoseoul.no_such_thing  # noqa: B018


def test_docstring_examples_hold() -> None:
    import doctest
    import importlib

    for module in ["natoseoul", "natoseoul._loading", "natoseoul._frames", "natoseoul._joins", "natoseoul.errors",
                   "natoseoul._release", "natoseoul._dtypes"]:  # fmt: skip
        result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module  # a module without examples is a mistake here


def test_tables_load_through_the_public_parquet_reader_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loaders use pyarrow's private Parquet module when it is there, and pyarrow.parquet when
    a pyarrow release moves it: the same tables either way."""
    import pyarrow.parquet  # noqa: F401  # loaded before the private module goes, as a moved one would be

    fast = {name: natoseoul.load(name) for name in natoseoul.table_names()}
    monkeypatch.setitem(sys.modules, "pyarrow._parquet", None)  # `from pyarrow._parquet import ...` fails
    for name, table in fast.items():
        assert natoseoul.load(name).equals(table), name
