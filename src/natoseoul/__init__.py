"""natoseoul: curated, schema-validated data on NATO–Republic of Korea contacts."""

from ._version import __version__

__all__ = ["__version__"]
