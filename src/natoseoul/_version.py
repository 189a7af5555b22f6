"""The package version: the one place it is set (pyproject reads it, the build writes it into the descriptors)."""

__version__ = "1.2.0"
