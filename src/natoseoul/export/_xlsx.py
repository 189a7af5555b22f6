"""A minimal, dependency-free XLSX (SpreadsheetML) writer.

Text is written as inline strings (``t="inlineStr"``), which a spreadsheet never evaluates, so a
quotation starting with ``=``, ``+``, ``-`` or ``@`` stays text. Integers are numbers, booleans are
booleans, dates are ISO 8601 text (exactly as in the CSV). The zip entries carry a fixed timestamp,
so the same rows give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
MAX_SHEET_NAME = 31
# Characters XML 1.0 cannot carry, and text that already looks like an OOXML escape (_xHHHH_).
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

Cell = str | int | float | bool | dt.date | None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a name, a header row and the data rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def _text(value: str) -> str:
    escaped = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return escape(escaped).replace("\r", "&#13;")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: Cell, style: int) -> str:
    s = f' s="{style}"' if style else ""
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>'


def _row(number: int, values: Sequence[Cell], style: int = 0) -> str:
    cells = "".join(_cell(f"{column_letter(i)}{number}", v, style) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def _worksheet(sheet: Sheet) -> str:
    rows = [_row(1, sheet.header, style=1)]
    rows += [_row(n, values) for n, values in enumerate(sheet.rows, start=2)]
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    return (
        f'{XML}<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    )


XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
STYLES = (
    f'{XML}<styleSheet xmlns="{MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The bytes of a workbook with one worksheet per ``Sheet``, in order."""
    names = [s.name for s in sheets]
    if len(set(names)) != len(names) or any(
        not 0 < len(n) <= MAX_SHEET_NAME or re.search(r"[\[\]:*?/\\]", n) for n in names
    ):
        raise ValueError(f"invalid or repeated sheet names: {names}")
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{XML}<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            + "".join(f'<sheet name="{escape(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1))
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML}<Relationships xmlns="{PKG_REL}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": STYLES,
        **{f"xl/worksheets/sheet{i}.xml": _worksheet(s) for i, s in enumerate(sheets, 1)},
    }
    sink = io.BytesIO()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return sink.getvalue()
