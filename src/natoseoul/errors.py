"""The one exception users see: a problem with data or input, with a message that names the place."""

from __future__ import annotations


class DataError(Exception):
    """Bad data or bad input. The message names the file, the record or row, and the field."""


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut: a value quoted in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
