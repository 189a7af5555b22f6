"""natoseoul: curated, schema-validated data on NATO–Republic of Korea contacts.

Every table of the release, offline, as Arrow, pandas, polars or typed records::

    >>> import natoseoul
    >>> natoseoul.table_names()[:3]
    ['documents', 'participants', 'participant_aliases']
    >>> quotes = natoseoul.load("quotes")                      # a pyarrow.Table
    >>> events = natoseoul.load("events", engine="pandas")     # needs natoseoul[pandas]

Everything but the version and the error types is imported on first use (pyarrow with the loaders,
``pyarrow.compute`` with the joins, pydantic with :mod:`natoseoul.models`), and pandas and polars only
when asked for, so ``import natoseoul`` and the command line's start stay cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import DataError, UnknownNameError

if TYPE_CHECKING:
    from . import models
    from ._dtypes import csv_dtypes
    from ._joins import event_details, find_quotes, quotes_with_context, timeline
    from ._loading import load, records, table_names
    from ._release import citation, metadata

_LAZY = {
    "load": "._loading",
    "records": "._loading",
    "table_names": "._loading",
    "citation": "._release",
    "csv_dtypes": "._dtypes",
    "metadata": "._release",
    "models": ".models",
    "event_details": "._joins",
    "find_quotes": "._joins",
    "quotes_with_context": "._joins",
    "timeline": "._joins",
}

__all__ = [
    "DataError",
    "UnknownNameError",
    "__version__",
    "citation",
    "csv_dtypes",
    "event_details",
    "find_quotes",
    "load",
    "metadata",
    "models",
    "quotes_with_context",
    "records",
    "table_names",
    "timeline",
]


def __getattr__(name: str) -> Any:
    """Import the loaders, the joins and the pydantic models on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module 'natoseoul' has no attribute {name!r}")
    module = importlib.import_module(_LAZY[name], __name__)
    value = module if name == "models" else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
