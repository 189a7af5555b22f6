"""Where the release data lives: inside the installed wheel, or in ``dist/`` of a source checkout.

The wheel carries ``dist/`` as package data under ``natoseoul/_data`` and it is read through
``importlib.resources``, so the package works offline from any install location. In a source
checkout (an editable install, or ``PYTHONPATH=src``) the same files are read from the project's
``dist/`` and ``seeds/``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_dir() -> Path:
    """The directory holding ``datapackage.json``, ``csv/``, ``parquet/`` (and ``seeds/`` in a wheel)."""
    packaged = resources.files("natoseoul") / "_data"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "dist"
    if (checkout / "datapackage.json").is_file():
        return checkout
    raise FileNotFoundError("natoseoul: no release data found (neither natoseoul/_data nor a checkout's dist/)")


@cache
def seeds_dir() -> Path:
    """The directory holding the five seed documents."""
    packaged = data_dir() / "seeds"
    return packaged if packaged.is_dir() else data_dir().parent / "seeds"


def parquet_path(name: str) -> Path:
    """The Parquet file of table ``name`` (not checked: see :func:`natoseoul.loading.check_name`)."""
    return data_dir() / "parquet" / f"{name}.parquet"


def descriptor_path() -> Path:
    """The release descriptor, ``datapackage.json`` beside ``csv/`` and ``parquet/``."""
    return data_dir() / "datapackage.json"
