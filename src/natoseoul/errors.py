"""The errors users see: a problem with data or input, with a message that names the place.

A wrong name (a table, an engine, a participant…) is a user mistake, not a bug: the error says
what was expected, suggests the closest valid name and lists them all.
"""

from __future__ import annotations

from collections.abc import Collection


class DataError(Exception):
    """Bad data or bad input. The message names the file, the record or row, and the field."""


class UnknownNameError(DataError, KeyError, ValueError):
    """A table, engine or identifier that does not exist.

    It is a :class:`KeyError` (a failed lookup by name), a :class:`ValueError` (a bad argument) and a
    :class:`DataError` (bad input), so any of the three catches it.

    >>> try:
    ...     check_name("table", "quote", ["quotes", "topics"])
    ... except UnknownNameError as exc:
    ...     print(exc)
    unknown table 'quote'. Did you mean 'quotes'? Valid names: quotes, topics
    """

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


def check_name(kind: str, name: str, valid: Collection[str]) -> str:
    """Return ``name`` if it is in ``valid``; otherwise raise :class:`UnknownNameError`."""
    if name in valid:
        return name
    ordered = list(valid)
    by_lower = {v.lower(): v for v in ordered}
    import difflib  # here, not on import: only a wrong name needs it

    close = difflib.get_close_matches(str(name).lower(), list(by_lower), n=1)
    hint = f" Did you mean {by_lower[close[0]]!r}?" if close else ""
    listing = ", ".join(ordered) if len(ordered) <= 30 else ", ".join(ordered[:30]) + ", …"
    raise UnknownNameError(f"unknown {kind} {name!r}.{hint} Valid names: {listing}")


def excerpt(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis marking the cut: a value quoted in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
