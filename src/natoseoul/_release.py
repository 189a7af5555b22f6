"""The installed release: where its files live, its descriptor, its version and how to cite it.

The wheel carries the release as package data under ``natoseoul/_data``, read from beside this
module, so the package works offline from any install location. In a source checkout (an editable
install, or ``PYTHONPATH=src``) the same files are read from the project's ``dist/`` and ``seeds/``.
What the package says about itself is read from the release descriptor, so it is what the data says.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import DataError

AUTHOR_ROLES = {"creator", "author"}


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
    """The Parquet file of table ``name`` (not checked: see ``_loading.check_table``)."""
    return data_dir() / "parquet" / f"{name}.parquet"


def descriptor_path() -> Path:
    """The release descriptor, ``datapackage.json`` beside ``csv/`` and ``parquet/``."""
    return data_dir() / "datapackage.json"


def metadata() -> dict[str, Any]:
    """The release descriptor (Frictionless Data Package) as a dict: title, version, licences,
    sources, contributors, and every resource with its schema, size and sha256.

    A fresh dict each call, so changing it changes nothing else.

    >>> import natoseoul
    >>> natoseoul.metadata()["name"]
    'natoseoul'
    >>> natoseoul.metadata()["version"] == natoseoul.__version__
    True
    """
    path = descriptor_path()
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the release descriptor: {exc}") from None
    if not isinstance(loaded, dict):
        raise DataError(f"{path}: the release descriptor is not a JSON object")
    return loaded


def citation() -> str:
    """A citation of this release, in APA style, built from the release descriptor.

    (The project's ``CITATION.cff`` says the same for citation managers.)

    >>> import natoseoul
    >>> natoseoul.__version__ in natoseoul.citation()
    True
    """
    return cite(metadata())


def cite(meta: dict[str, Any]) -> str:
    """The citation ``citation`` gives, of the package a descriptor (``meta``) describes."""
    name = str(meta.get("name", "natoseoul"))
    listed = meta.get("contributors")
    contributors = [c for c in listed if isinstance(c, dict)] if isinstance(listed, list) else []
    people = [c for c in contributors if AUTHOR_ROLES & set(c.get("roles", []))]
    authors = _and([_person(c) for c in people or contributors]) or name
    year = str(meta.get("created", ""))[:4] or "n.d."
    text = f"{authors} ({year}). {meta.get('title', name)} (Version {meta.get('version', '?')}) [Data set]."
    listed = meta.get("licenses")
    licences = ", ".join(str(lic["name"]) for lic in listed or [] if isinstance(lic, dict) and "name" in lic)
    if licences:
        text += f" Licence: {licences}."
    link = meta.get("id") or meta.get("homepage")
    return f"{text} {link}" if link else text


def _person(contributor: dict[str, Any]) -> str:
    """'Family, Given' when the descriptor has the parts, otherwise the contributor's title."""
    family, given = contributor.get("familyName"), contributor.get("givenName")
    if family:
        return f"{family}, {given}" if given else str(family)
    return str(contributor.get("title", ""))


def _and(names: list[str]) -> str:
    """'A', 'A & B', 'A, B & C' (empty names dropped)."""
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " & " + names[-1]
