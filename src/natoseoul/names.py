"""Checking a name a user typed (a table, an engine, a participant…) against the valid ones.

A wrong name is a user mistake, not a bug: the error says what was expected, suggests the closest
valid name and lists them all, so a typo is fixed without reading the source.
"""

from __future__ import annotations

from collections.abc import Collection

from .errors import DataError


class UnknownNameError(DataError, KeyError, ValueError):
    """A table, engine or identifier that does not exist.

    It is a :class:`KeyError` (a failed lookup by name), a :class:`ValueError` (a bad argument) and a
    :class:`~natoseoul.errors.DataError` (bad input), so any of the three catches it.

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
