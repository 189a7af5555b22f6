"""The built wheel carries the data and works offline from a fresh environment outside the checkout;
the sdist carries what it takes to build that wheel and to run the tests."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cli_helpers import release_files
from natoseoul.schema import TABLES

PROBE = """
import importlib.metadata, json, natoseoul
from natoseoul._release import data_dir
print(json.dumps({
    "module": natoseoul.__file__,
    "data": str(data_dir()),
    "version": natoseoul.__version__,
    "installed_version": importlib.metadata.version("natoseoul"),
    "descriptor_version": natoseoul.metadata()["version"],
    "rows": {name: natoseoul.load(name).num_rows for name in natoseoul.table_names()},
    "records": {name: len(natoseoul.records(name)) for name in natoseoul.table_names()},
    "pandas_rows": len(natoseoul.load("quotes", engine="pandas")),
    "timeline_rows": natoseoul.timeline().num_rows,
    "verify": [[c.file, c.problems] for c in __import__("natoseoul.check._verify").check._verify.verify_package()],
}))
"""


def _build(kind: str, source: Path, outdir: Path) -> Path:
    """Build a wheel or an sdist of ``source`` (a checkout or an unpacked sdist) with ``python -m build``."""
    command = [sys.executable, "-m", "build", f"--{kind}", "--outdir", str(outdir), str(source)]
    if importlib.util.find_spec("hatchling") is not None:
        command.append("--no-isolation")  # offline and fast when the backend is at hand
    done = subprocess.run(command, capture_output=True, text=True, cwd=outdir.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = outdir.glob("natoseoul-*.whl" if kind == "wheel" else "natoseoul-*.tar.gz")
    return built


def _wheel_data(wheel: Path) -> dict[str, bytes]:
    """The release files a wheel carries, by path under ``natoseoul/_data/``, with their bytes."""
    with zipfile.ZipFile(wheel) as archive:
        prefix = "natoseoul/_data/"
        return {n.removeprefix(prefix): archive.read(n) for n in archive.namelist() if n.startswith(prefix)}


def _fresh_venv(where: Path) -> tuple[Path, Path]:
    """A venv without pip whose site-packages also sees this interpreter's (for pyarrow, pydantic…).

    The .pth line only adds a path: the editable install's hooks in that directory do not run, so
    ``natoseoul`` can only come from the wheel.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (Path(site) / "_host_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return python, Path(site)


@pytest.mark.slow
def test_wheel_installs_and_loads_every_table_outside_the_checkout(
    tmp_path: Path, root: Path, csv_rows: Callable[[str], list[dict[str, str]]]
) -> None:
    wheel = _build("wheel", root, tmp_path / "wheelhouse")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        expected = {"natoseoul/py.typed", "natoseoul/models.py"}
        expected |= {f"natoseoul/_data/{rel}" for rel in release_files()} | {"natoseoul/_data/SHA256SUMS"}
        expected |= {f"natoseoul/_data/{kind}/{t}.{kind}" for t in TABLES for kind in ("csv", "parquet")}
        assert expected <= names
        assert any(n.startswith("natoseoul/_data/seeds/") for n in names)
        assert not [n for n in names if n.endswith(".zip")], "the release archive does not belong in the wheel"
        python, site = _fresh_venv(tmp_path / "venv")
        archive.extractall(site)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    done = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)

    assert Path(probe["module"]).is_relative_to(site)
    assert Path(probe["data"]) == site / "natoseoul" / "_data"
    assert probe["version"] == probe["installed_version"] == probe["descriptor_version"]
    counts = {name: len(csv_rows(name)) for name in TABLES}
    assert probe["rows"] == counts
    assert probe["records"] == counts
    assert probe["pandas_rows"] == counts["quotes"]
    assert probe["timeline_rows"] == counts["events"]
    # the installed release is every file of the release, and verifies clean
    assert len(probe["verify"]) == len(release_files()) + 1
    assert all(problems == [] for _, problems in probe["verify"]), probe["verify"]


@pytest.mark.slow
def test_sdist_builds_the_same_wheel_and_carries_the_tests(tmp_path: Path, root: Path) -> None:
    """pip falls back to the sdist where no wheel fits: the sdist must hold the release files the
    wheel takes from ``dist/`` (hatchling leaves ``dist/`` out unless told) and what the tests read."""
    import _archive as archive
    from natoseoul._version import __version__

    sdist = _build("sdist", root, tmp_path / "sdist")
    top = sdist.name.removesuffix(".tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.removeprefix(f"{top}/") for n in tar.getnames()}
        tar.extractall(tmp_path / "unpacked", filter="data")
    # what the wheel is built from, and every file the tests read (a test reading a file the sdist
    # lacks would fail there: the whole suite is run from an unpacked sdist before a release)
    expected = {archive.archive_path(__version__), "bench/run.py", "docs/bad-inputs.md", "README.md",
                "pyproject.toml", "curation/package.toml", ".github/workflows/release.yml"}  # fmt: skip
    expected |= {"dist/SHA256SUMS"}
    expected |= {f"dist/{rel}" for rel in release_files()}
    expected |= {str(p.relative_to(root)) for p in [*(root / "tests").glob("*.py"), *(root / "seeds").iterdir()]}
    expected |= {f"dist/{kind}/{t}.{kind}" for t in TABLES for kind in ("csv", "parquet")}
    assert expected <= names
    assert not [n for n in names if n.endswith((".whl", ".tar.gz"))]

    from_sdist = _build("wheel", tmp_path / "unpacked" / top, tmp_path / "from-sdist")
    from_checkout = _build("wheel", root, tmp_path / "from-checkout")
    assert _wheel_data(from_sdist) == _wheel_data(from_checkout)
    assert "datapackage.json" in _wheel_data(from_sdist)
