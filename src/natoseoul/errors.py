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


def printable(text: object) -> str:
    """``text`` safe to print on one line of a terminal: control characters (newlines, tabs, escape
    sequences, NUL, DEL, the C1 controls), Unicode line and paragraph separators and invisible
    formatting characters (bidirectional overrides, zero-width joiners…) are written as escapes, as
    ``repr`` writes them; everything else, Hangul and accents included, is kept as it is.

    Names that come from a package (paths, columns, resource names) pass through here before they
    are printed, so a file named ``x\\nok: 24 file(s) match`` cannot forge a line of output.

    >>> printable("csv/a\\nb\\x1b[31m.csv")
    'csv/a\\\\nb\\\\x1b[31m.csv'
    >>> printable("한국어 path")
    '한국어 path'
    """
    text = str(text)
    if text.isprintable():  # the usual case (a space is printable; a tab or newline is not)
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
