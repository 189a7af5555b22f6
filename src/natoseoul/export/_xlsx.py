"""The tables as one Excel workbook, written with XlsxWriter in constant-memory mode.

The first sheet, "about", says what the workbook is: title, version, description, licence, how to
cite, the sources, and each table's description and row count. Then one sheet per table, and a
"fields" sheet describing every column. Each table sheet has a bold, frozen header row, a filter on
every column and column widths fitted to the longest cell (up to ``MAX_WIDTH``).

Cells keep their types: text is always written as text (``write_string``; a quotation starting with
``=``, ``+``, ``-`` or ``@`` is never a formula), integers as numbers, booleans as booleans, dates as
dates shown YYYY-MM-DD (a date before 1900-03-01, which Excel cannot hold as a date, as that text).
Characters XML cannot carry are written as Excel's ``_xHHHH_`` escapes, which Excel decodes.

Rows are streamed batch by batch: XlsxWriter keeps one row in memory and the rest in temporary files
in the staging folder. Excel's limits are checked as rows go by: a cell of more than 32,767
characters, or a table of more than 1,048,575 rows, stops the export with a DataError naming the
table, the row and the field, and nothing is written. The zip entries and the document properties
carry fixed times, so the same rows give the same bytes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..io._tablefiles import TableFile
from ..schema import TABLES

MAX_CELL_CHARS = 32_767  # Excel's limit on the text of a cell
MAX_ROWS = 1_048_576  # rows of a sheet, the header included
MAX_EXACT_INTEGER = 2**53  # Excel keeps numbers as doubles
FIRST_DATE = dt.date(1900, 3, 1)  # Excel's serial dates are wrong before this (its 1900 leap-year bug)
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in characters
ABOUT_SHEET, FIELDS_SHEET = "about", "fields"


class _Sheet:
    """One sheet being written row by row, tracking its column widths."""

    def __init__(self, book: Any, name: str, header: Sequence[str], formats: Mapping[str, Any]) -> None:
        self.sheet = book.add_worksheet(name)
        self.name = name
        self.formats = formats
        self.widths = [len(h) + 2 for h in header]  # room for the filter button
        self.row = 0
        self.write_row(header, formats["header"])

    def write_row(self, values: Sequence[object], style: Any = None, columns: Sequence[str] = ()) -> None:
        if self.row >= MAX_ROWS:
            raise DataError(
                f"xlsx export: table {self.name} has more than {MAX_ROWS - 1:,} rows, more than an Excel sheet "
                "holds; export it as csv, parquet or sqlite, or leave it out with --table"
            )
        for col, value in enumerate(values):
            if value is not None:
                self._cell(col, value, style, columns)
        self.row += 1

    def _where(self, col: int, columns: Sequence[str]) -> str:
        field = f", field {columns[col]}" if columns else ""
        return f"xlsx export: table {self.name}, row {self.row + 1}{field}"

    def _cell(self, col: int, value: object, style: Any, columns: Sequence[str]) -> None:
        sheet, row = self.sheet, self.row
        if isinstance(value, bool):
            width, code = 5, sheet.write_boolean(row, col, value, style)
        elif isinstance(value, int):
            if abs(value) >= MAX_EXACT_INTEGER:
                raise DataError(f"{self._where(col, columns)}: {value} has more digits than Excel keeps (15)")
            width, code = len(str(value)), sheet.write_number(row, col, value, style or self.formats["integer"])
        elif isinstance(value, dt.date) and value >= FIRST_DATE:
            width, code = 10, sheet.write_datetime(row, col, value, style or self.formats["date"])
        else:
            text = value.isoformat() if isinstance(value, dt.date) else str(value)
            if len(text) > MAX_CELL_CHARS:
                raise DataError(
                    f"{self._where(col, columns)}: {len(text):,} characters, more than an Excel cell holds "
                    f"({MAX_CELL_CHARS:,}); export it as csv, parquet or sqlite"
                )
            width = len(text) if "\n" not in text else max(map(len, text.split("\n")))
            code = sheet.write_string(row, col, text, style)
        if code < 0:  # XlsxWriter's refusals are return codes
            raise DataError(f"{self._where(col, columns)}: XlsxWriter refused the value (code {code})")
        self.widths[col] = max(self.widths[col], width + 1)

    def finish(self, filter_and_freeze: bool = True) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, min(max(width, MIN_WIDTH), MAX_WIDTH))
        if filter_and_freeze:
            self.sheet.freeze_panes(1, 0)
            self.sheet.autofilter(0, 0, max(self.row - 1, 0), len(self.widths) - 1)


def _about_rows(meta: Mapping[str, Any], citation: str, counts: Mapping[str, int]) -> list[list[object]]:
    from .._version import __version__

    licences = [lic for lic in meta.get("licenses") or [] if isinstance(lic, dict)]
    rows: list[list[object]] = [
        ["title", meta.get("title")],
        ["version", meta.get("version") or __version__],
        ["description", meta.get("description")],
    ]
    for lic in licences:
        rows.append(["licence", " — ".join(str(lic[k]) for k in ("name", "title", "path") if lic.get(k))])
    rows.append(["how to cite", citation])
    if meta.get("homepage"):
        rows.append(["homepage", meta["homepage"]])
    for source in (s for s in meta.get("sources") or [] if isinstance(s, dict)):
        rows.append(["source", " — ".join(str(source[k]) for k in ("title", "path") if source.get(k))])
    rows.append([])
    rows.append(["sheet", "what it holds", "rows"])
    for name, count in counts.items():
        table = TABLES[name]
        rows.append([name, f"One row per {table.row_is}. {table.description}", count])
    rows.append([FIELDS_SHEET, "Every column of every table: type, constraints, key and description."])
    rows.append([])
    rows.append(
        [
            "notes",
            "Dates are dates shown YYYY-MM-DD; an empty cell is a missing value. Every sheet has a filter "
            "on its header row. The CSV, Parquet and SQLite exports hold the same rows.",
        ]
    )
    return rows


def write_workbook(
    path: Path,
    inputs: Mapping[str, TableFile],
    meta: Mapping[str, Any],
    citation: str,
    fields: Sequence[Sequence[object]],
) -> None:
    """Write the workbook of the tables in ``inputs`` to ``path`` (a new file in a staging folder)."""
    import xlsxwriter
    import xlsxwriter.exceptions

    from ._export import FIELD_COLUMNS

    book = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "tmpdir": str(path.parent),
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        },
    )
    book.use_zip64()  # a workbook of more than 4 GiB is still a workbook
    created = str(meta.get("created") or "")
    try:
        when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        when = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    book.set_properties(
        {
            "title": str(meta.get("title", "")),
            "author": "natoseoul",
            "comments": citation,
            "created": when.replace(tzinfo=None),
        }
    )
    try:
        formats = {
            "header": book.add_format({"bold": True}),
            "date": book.add_format({"num_format": "yyyy-mm-dd"}),
            "integer": book.add_format({"num_format": "0"}),
            "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
            "label": book.add_format({"bold": True, "valign": "top"}),
        }
        about = book.add_worksheet(ABOUT_SHEET)
        sheets = {name: _Sheet(book, name, TABLES[name].field_names, formats) for name in inputs}
        field_sheet = _Sheet(book, FIELDS_SHEET, FIELD_COLUMNS, formats)
        counts = {}
        for name, source in inputs.items():
            sheet, columns = sheets[name], TABLES[name].field_names
            for batch in source.batches():
                for row in zip(*(batch.column(c).to_pylist() for c in columns), strict=True):
                    sheet.write_row(row, columns=columns)
            sheet.finish()
            counts[name] = sheet.row - 1
        for field_row in fields:
            field_sheet.write_row(field_row, columns=FIELD_COLUMNS)
        field_sheet.finish()
        for number, values in enumerate(_about_rows(meta, citation, counts)):
            for col, value in enumerate(values):
                if isinstance(value, int):
                    about.write_number(number, col, value)
                elif value is not None:
                    about.write_string(number, col, str(value), formats["label" if col == 0 else "wrap"])
        about.set_column(0, 0, 20)
        about.set_column(1, 1, 110)
        about.set_column(2, 2, 8)
    except BaseException:
        book.fileclosed = True  # no workbook from a failed export; its temporary files go with the staging folder
        for sheet in book.worksheets():
            sheet._opt_close()
        raise
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:  # wraps the OSError (a full disk, say)
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        raise cause from None
