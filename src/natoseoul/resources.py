"""Where the release data lives: inside the installed wheel, or in ``dist/`` of a source checkout.

The wheel carries ``dist/`` as package data under ``natoseoul/_data``, read from beside this module,
so the package works offline from any install location. (``importlib.resources`` would find the
same directory, since the files must be on disk for pyarrow to read them, but importing it costs
5 ms of every command.) In a source checkout (an editable install, or ``PYTHONPATH=src``) the same
files are read from the project's ``dist/`` and ``seeds/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The directory holding ``datapackage.json``, ``csv/``, ``parquet/`` (and ``seeds/`` in a wheel)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_data"
    if packaged.is_dir():
        return packaged
    checkout = here.parents[1] / "dist"
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
