"""natoseoul: curated, schema-validated data on NATO–Republic of Korea contacts."""

from ._version import __version__
from .loading import load, table_names

__all__ = ["__version__", "load", "table_names"]
