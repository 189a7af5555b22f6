"""The one exception users see: a problem with data or input, with a message that names the place."""

from __future__ import annotations


class DataError(Exception):
    """Bad data or bad input. The message names the file, the record or row, and the field."""
