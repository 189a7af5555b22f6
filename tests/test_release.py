"""The release as its users get it: the layout of dist/ (and of the zip), checked with their own tools
(frictionless, sha256sum), the CHANGELOG's counts, the citation metadata, and the release workflow."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from cli_helpers import ROOT, csv_rows, release_files, run
from natoseoul._version import __version__
from natoseoul.schema import TABLES
from natoseoul.site import site_files

DIST = ROOT / "dist"
ZIP = DIST / f"natoseoul-{__version__}.zip"
TOP = f"natoseoul-{__version__}"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release zip, unzipped as a user would (with the system's unzip)."""
    where = tmp_path_factory.mktemp("download")
    shutil.copy(ZIP, where)
    done = subprocess.run(["unzip", "-q", ZIP.name], cwd=where, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return where / TOP


def test_dist_is_the_release_layout() -> None:
    expected = {"datapackage.json", "datapackage-parquet.json", "SHA256SUMS", ZIP.name}
    expected |= {"README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md"}
    expected |= {f"{fmt}/{t}.{fmt}" for fmt in ("csv", "parquet") for t in TABLES}
    expected |= {row["path"] for row in csv_rows(DIST / "csv" / "documents.csv")}
    expected |= {f"site/{rel}" for rel in site_files()}  # the static site (natoseoul site)
    found = {p.relative_to(DIST).as_posix() for p in DIST.rglob("*") if p.is_file()}
    found -= {p for p in found if p.endswith((".whl", ".tar.gz"))}  # `python -m build` leaves them (gitignored)
    assert found == expected
    assert set(release_files()) == expected - {"SHA256SUMS", ZIP.name}
    assert len(list((DIST / "seeds").iterdir())) == 5


def test_both_descriptors_describe_the_same_tables() -> None:
    """Same names, schemas and keys; the Parquet one declares nothing frictionless cannot check."""
    csv_descriptor = json.loads((DIST / "datapackage.json").read_text(encoding="utf-8"))
    parquet_descriptor = json.loads((DIST / "datapackage-parquet.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in csv_descriptor["resources"]] == list(TABLES)
    assert [r["name"] for r in parquet_descriptor["resources"]] == list(TABLES)
    for csv_resource, parquet_resource in zip(
        csv_descriptor["resources"], parquet_descriptor["resources"], strict=True
    ):
        assert parquet_resource["schema"] == csv_resource["schema"]
        assert parquet_resource["path"] == f"parquet/{parquet_resource['name']}.parquet"
        assert parquet_resource["format"] == "parquet"
        assert "bytes" not in parquet_resource and "hash" not in parquet_resource
        assert csv_resource["hash"].startswith("sha256:") and csv_resource["bytes"] > 0
    meta = {k: v for k, v in csv_descriptor.items() if k != "resources"}
    assert meta == {k: v for k, v in parquet_descriptor.items() if k != "resources"}
    # the repository root's descriptor keeps describing the CSV tables in dist/
    root = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in root["resources"]] == [f"dist/csv/{t}.csv" for t in TABLES]


def test_the_unzipped_release_passes_sha256sum_frictionless_and_natoseoul(unzipped: Path) -> None:
    done = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=unzipped, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(line.removesuffix(": OK") for line in done.stdout.splitlines()) == sorted(release_files())
    for descriptor in ("datapackage.json", "datapackage-parquet.json"):
        done = subprocess.run(
            [str(BIN / "frictionless"), "validate", "--json", descriptor], cwd=unzipped, capture_output=True, text=True
        )
        report = json.loads(done.stdout)
        assert done.returncode == 0 and report["valid"], done.stdout[-3000:]
        rows = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
        assert rows == {t: len(csv_rows(unzipped / "csv" / f"{t}.csv")) for t in TABLES}, descriptor
    verified = run("verify", str(unzipped))
    assert (
        verified.code == 0
        and verified.out == f"ok: {len(release_files()) + 1} file(s) match SHA256SUMS and the descriptors\n"
    )
    validated = run("validate", str(unzipped))
    rows = sum(len(csv_rows(unzipped / "csv" / f"{t}.csv")) for t in TABLES)
    files = f"{2 * len(TABLES)} file(s), {2 * rows} row(s)"  # both descriptors' tables
    assert (validated.code, validated.out) == (0, f"valid: {files}; spans checked against {unzipped / 'seeds'}\n")
    for row in csv_rows(unzipped / "csv" / "documents.csv"):
        assert (unzipped / row["path"]).is_file(), row["path"]


@pytest.mark.slow
def test_frictionless_alone_validates_the_csv_descriptor(unzipped: Path, tmp_path: Path) -> None:
    """As a user with nothing but `pip install frictionless` (no pandas, no pyarrow, no natoseoul)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "frictionless"],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    if pip.returncode != 0:
        pytest.skip(f"cannot install frictionless into a fresh venv here: {pip.stderr.strip()[-300:]}")
    present = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "list"], capture_output=True, text=True)
    assert not re.search(r"^(pandas|pyarrow|natoseoul) ", present.stdout, re.M | re.I)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(
        [str(venv / "bin" / "frictionless"), "validate", "--json", "datapackage.json"],
        cwd=unzipped, capture_output=True, text=True, env=env,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], done.stdout[-3000:]
    assert {task["name"]: task["stats"]["rows"] for task in report["tasks"]} == {
        t: len(csv_rows(unzipped / "csv" / f"{t}.csv")) for t in TABLES
    }


def test_the_zip_and_dist_hold_the_same_files() -> None:
    with zipfile.ZipFile(ZIP) as zf:
        members = {n.removeprefix(f"{TOP}/"): zf.read(n) for n in zf.namelist()}
    assert all(name.startswith(f"{TOP}/") for name in zipfile.ZipFile(ZIP).namelist())
    assert members == {rel: (DIST / rel).read_bytes() for rel in [*release_files(), "SHA256SUMS"]}


# --- what changed, and how to cite it -------------------------------------------------------------

ENTRY = re.compile(r"^## (\d+\.\d+\.\d+) — (\d{4}-\d{2}-\d{2})$", re.M)


def test_each_changelog_entry_carries_its_counts_against_the_previous_release() -> None:
    """Pasted from `natoseoul diff PREVIOUS.zip dist/ --format markdown` (the first release aside)."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = ENTRY.findall(text)
    assert entries and entries[0][0] == __version__, "the newest CHANGELOG entry is this version's"
    bodies = ENTRY.split(text)[1:]
    for i, (version, _) in enumerate(entries[:-1]):
        body = bodies[3 * i + 2]
        previous = entries[i + 1][0]
        assert f"Rows by table, {previous} → {version} (`natoseoul diff`):" in body, version
        rows = re.findall(r"^\| `(\w+)`[^|]* \| (\d+|-) → (\d+|-) \| (\d+) \| (\d+) \| (\d+) \|$", body, re.M)
        assert [r[0] for r in rows] == list(TABLES), version
    newest = bodies[2]
    assert re.search(r"^\| all \| \d+ → (\d+) \|", newest, re.M)
    total = int(re.search(r"^\| all \| \d+ → (\d+) \|", newest, re.M).group(1))  # type: ignore[union-attr]
    if len(entries) > 1:  # the counts are this release's: its row total is the data's
        assert total == sum(len(csv_rows(DIST / "csv" / f"{t}.csv")) for t in TABLES)


def test_citation_carries_what_an_archive_needs_for_a_doi() -> None:
    """Zenodo reads CITATION.cff: title, creators (authors), licence, version, date, keywords, repository."""
    pytest.importorskip("yaml")
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    created = tomllib.loads((ROOT / "curation" / "package.toml").read_text(encoding="utf-8"))["created"]
    assert cff["version"] == __version__
    assert str(cff["date-released"]) == created[:10]
    assert cff["title"] and cff["authors"] and cff["keywords"] and cff["license"] == "CC-BY-4.0"
    assert cff["repository-code"].startswith("https://github.com/")
    assert cff["type"] == "dataset"
    done = subprocess.run(
        [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.citation-file-format", str(ROOT / "CITATION.cff")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


# --- publishing -----------------------------------------------------------------------------------


def lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, paths)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.skipif(not WORKFLOWS, reason="no .github/workflows here")
def test_every_workflow_passes_the_linter(tmp_path: Path) -> None:
    done = lint(*WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "broken.yml"  # the linter does fail on a bad workflow
    broken.write_text(WORKFLOWS[0].read_text(encoding="utf-8").replace("runs-on:", "run-on:", 1), encoding="utf-8")
    assert lint(broken).returncode != 0


@pytest.mark.skipif(not (ROOT / ".github" / "workflows" / "release.yml").is_file(), reason="no release workflow")
def test_release_workflow_builds_checks_verifies_and_publishes() -> None:
    yaml = pytest.importorskip("yaml")
    text = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    flow = yaml.safe_load(text)
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert list(triggers) == ["push"] and triggers["push"]["tags"]
    uses = re.findall(r"uses: (\S+)", text)
    assert "actions/checkout@v5" in uses and "actions/setup-python@v6" in uses
    assert not [u for u in uses if u.startswith(("actions/checkout@", "actions/setup-python@"))
                and u not in ("actions/checkout@v5", "actions/setup-python@v6")]  # fmt: skip
    for step in ("python tools/build.py --check", "pytest", 'natoseoul verify "dist/natoseoul-${VERSION}.zip"',
                 "sha256sum -c", "frictionless validate datapackage.json", "python -m build",
                 "gh release create", "pypa/gh-action-pypi-publish"):  # fmt: skip
        assert step in text, step
    assert flow["permissions"] == {"contents": "read"}
    assert flow["jobs"]["pypi"]["permissions"] == {"id-token": "write"}  # trusted publishing, no token
    assert flow["jobs"]["github-release"]["permissions"] == {"contents": "write"}
    assert "password" not in text and "PYPI_API_TOKEN" not in text
