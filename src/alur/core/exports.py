"""Files people download and open in a spreadsheet: one place that keeps their cells from being formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@`` (or ``|``, ``%``, a tab, a carriage return or a line feed,
or the fullwidth ``＝ ＋ － ＠``, which some spreadsheets read the same way) can be taken for a formula
(OWASP, "CSV Injection"): a campaign named ``=HYPERLINK(…)`` would become a live link, or worse. Such text
gets a leading apostrophe, which makes the spreadsheet show it as text. Numbers, and text that is just a
number (``-12.5``), are left alone.

* CSV: :func:`csv_writer`, a ``defusedcsv`` writer that also escapes the starts ``defusedcsv`` does not know.
* XLSX: :func:`xlsx_row` for openpyxl's write-only sheets: text cells are always written as strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TextIO

from defusedcsv import csv as defusedcsv  # type: ignore[import-untyped]

FORMULA_STARTS = frozenset("=+-@|%\t\r\n＝＋－＠｜％")
_PLAIN_NUMBER = re.compile(r"^[-+]?[0-9][0-9,.]*$|^[-+]?\.[0-9]+$")


def escape_cell(value: Any) -> Any:
    """The value as a spreadsheet must get it: text that could start a formula is prefixed with ``'``."""
    if not isinstance(value, str) or not value or value[0] not in FORMULA_STARTS:
        return value
    if _PLAIN_NUMBER.match(value):
        return value
    return "'" + value


class _EscapingWriter:
    def __init__(self, handle: TextIO, **options: Any) -> None:
        self._writer = defusedcsv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([escape_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: TextIO, **options: Any) -> _EscapingWriter:
    """A ``csv.writer`` for an exported file (same options) whose cells cannot be formulas."""
    return _EscapingWriter(handle, **options)


class _EscapingDictWriter:
    def __init__(self, handle: TextIO, fieldnames: list[str], **options: Any) -> None:
        self.fieldnames = fieldnames
        self._writer = _EscapingWriter(handle, **options)

    def writeheader(self) -> None:
        self._writer.writerow(self.fieldnames)

    def writerow(self, row: dict[str, Any]) -> None:
        self._writer.writerow([row.get(name, "") for name in self.fieldnames])

    def writerows(self, rows: Iterable[dict[str, Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_dict_writer(handle: TextIO, fieldnames: list[str], **options: Any) -> _EscapingDictWriter:
    """A ``csv.DictWriter`` (header from ``fieldnames``, missing keys empty) whose cells cannot be formulas."""
    return _EscapingDictWriter(handle, fieldnames, **options)


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Cells for ``sheet.append`` on an openpyxl write-only sheet: text is escaped as in a CSV and stored
    as a string cell, so nothing in an export is ever read back as a formula."""
    from openpyxl.cell import WriteOnlyCell

    cells: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value=escape_cell(value))
            cell.data_type = "s"
            cells.append(cell)
        else:
            cells.append(value)
    return cells
