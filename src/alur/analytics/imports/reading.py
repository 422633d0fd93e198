"""Getting a file's tables in front of DuckDB: one ``read_csv(…)`` (or ``read_parquet(…)``) per table.

* XLSX: the first sheet is streamed to a UTF-8 CSV with openpyxl, within limits
  (:data:`XLSX_MAX_BYTES` unpacked, :data:`XLSX_MAX_ROWS` rows), so a zip bomb stops with a sentence instead
  of filling memory or disk.
* UTF-16 text (Google Ads' "CSV for Excel") is transcoded to UTF-8 in one streaming pass; line numbers stay.
* Files whose cells are Excel text formulas (``="…"``) and files with several tables (GA4's report snapshot)
  are rewritten table by table into plain CSV files whose first column is the row number as the original
  file shows it, so problems still name the right row.
* Anything else is read in place, skipping the title lines.

Every cell is read as text (``VARCHAR``) except where :func:`typed_relation` is asked for native parsing;
a few spare columns catch rows longer than the header (GA4 explorations add one cell to their totals row).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb

from alur.analytics.imports import layout as layouts
from alur.analytics.imports.columns import detect_format, unwrap_excel_text
from alur.analytics.imports.layout import Layout, Table
from alur.analytics.imports.messages import ImportFailed, problem

__all__ = ["SPARE_COLUMNS", "TableSource", "literal", "open_file", "quote"]

XLSX_MAX_BYTES = 512 * 1024**2
XLSX_MAX_ROWS = 5_000_000
SPARE_COLUMNS = 4
ROW_COLUMN = "__row"  # in rewritten tables: the row number as the original file shows it


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class TableSource:
    """One table as DuckDB reads it. ``column_sql`` maps each header (first occurrence) to its column in
    the relation; ``spare_sql`` are the columns beyond the header; ``row_sql`` gives the spreadsheet row
    number of a record given ``rowid`` of a table materialised from the relation in file order."""

    table: Table
    path: Path
    skip: int
    delimiter: str
    headers: list[str]
    column_sql: dict[str, str]
    spare_sql: list[str]
    row_offset: int | None  # spreadsheet row = rowid + row_offset; None: the file has a row-number column
    kind: str  # "csv" or "parquet"
    multiline: bool = False  # quoted cells span lines: DuckDB's parallel reader cannot split such a file

    def relation(self, types: Mapping[str, str] | None = None, *, options: str = "", strict: bool = False) -> str:
        """``read_csv(…)`` of this table; ``types`` (column name → SQL type) for native parsing, else text.

        The lenient reading pads short rows and catches long ones in spare columns; ``strict`` reads exactly
        the header's columns, which lets DuckDB split the file between threads (a row that does not fit then
        fails the read, and the caller reads the table leniently)."""
        if self.kind == "parquet":  # typed columns are read as text, as a CSV's cells are
            return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({literal(str(self.path))}))"
        names = [f"c{i}" for i in range(len(self.headers) + (0 if strict else SPARE_COLUMNS))]
        if self.row_offset is None:
            names = [ROW_COLUMN, *names]
        declared = ", ".join(f"{literal(n)}: {literal((types or {}).get(n, 'VARCHAR'))}" for n in names)
        extra = (", parallel=false" if self.multiline else "") + (f", {options}" if options else "")
        leniency = "" if strict else "null_padding=true, strict_mode=false, "
        return (
            f"read_csv({literal(str(self.path))}, skip={self.skip}, header=false, auto_detect=false, "
            f"delim={literal(self.delimiter)}, quote='\"', escape='\"', {leniency}columns={{{declared}}}{extra})"
        )

    @property
    def row_sql(self) -> str:
        return quote(ROW_COLUMN) + "::BIGINT" if self.row_offset is None else f"(rowid + {self.row_offset})"


def open_file(
    path: Path, *, display_name: str, scratch: Path, excel_limits: tuple[int, int] | None = None
) -> tuple[Layout | None, list[TableSource]]:
    """The file's layout (``None`` for Parquet) and a :class:`TableSource` per table."""
    kind = _kind(path)
    if kind == "parquet":
        return None, [_parquet_source(path, display_name)]
    if kind == "xlsx":
        converted = scratch / "sheet.csv"
        _xlsx_to_csv(path, converted, display_name, *(excel_limits or (XLSX_MAX_BYTES, XLSX_MAX_ROWS)))
        path = converted
    layout = layouts.sniff(path, display_name=display_name)
    if layout.no_data:
        raise ImportFailed([problem("no_data_available", file=display_name)])
    if layout.encoding not in ("utf-8", "utf-8-sig"):
        converted = scratch / "utf8.csv"
        _transcode(path, layout.encoding, converted, display_name)
        path = converted
    if layout.excel_text or len(layout.tables) > 1:
        return layout, _rewritten_sources(path, layout, scratch)
    table = layout.tables[0]
    delimiter = layout.delimiter or ","
    return layout, [
        TableSource(
            table=table,
            path=path,
            skip=table.header_line + 1,
            delimiter=delimiter,
            headers=table.headers,
            column_sql=_column_sql(table.headers, offset=0),
            spare_sql=[quote(f"c{i}") for i in range(len(table.headers), len(table.headers) + SPARE_COLUMNS)],
            row_offset=table.first_data_row,
            kind="csv",
            multiline=layout.multiline,
        )
    ]


def _column_sql(headers: list[str], *, offset: int) -> dict[str, str]:
    found: dict[str, str] = {}
    for number, header in enumerate(headers):
        found.setdefault(header, quote(f"c{number + offset}"))
    return found


def _kind(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"PAR1"):
        return "parquet"
    return "csv"


def _parquet_source(path: Path, display_name: str) -> TableSource:
    try:
        names = [row[0] for row in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({literal(str(path))})").fetchall()]
    except duckdb.Error as error:
        raise ImportFailed([problem("parquet_unreadable", file=display_name, error=str(error).splitlines()[0])]) from None
    table = Table(0, 0, names, detect_format(names), [], None, None, None)
    return TableSource(
        table=table,
        path=path,
        skip=0,
        delimiter=",",
        headers=names,
        column_sql={name: quote(name) for name in names},
        spare_sql=[],
        row_offset=1,
        kind="parquet",
    )


def _transcode(path: Path, encoding: str, out: Path, display_name: str) -> None:
    try:
        with path.open("r", encoding=encoding, newline="") as source, out.open("w", encoding="utf-8", newline="") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk)
    except UnicodeDecodeError:
        raise ImportFailed([problem("bad_utf16", file=display_name, line="?")]) from None


def _records(path: Path, delimiter: str) -> Iterator[list[str]]:
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle, delimiter=delimiter)


def _rewritten_sources(path: Path, layout: Layout, scratch: Path) -> list[TableSource]:
    """Each table into its own CSV: first column the original row number, then the cells (unwrapped)."""
    delimiter = layout.delimiter or ","
    writers: list[tuple[Table, Path]] = []
    handles = []
    try:
        for number, table in enumerate(layout.tables):
            out = scratch / f"table-{number}.csv"
            writers.append((table, out))
            handles.append(out.open("w", encoding="utf-8", newline=""))
        outputs = [csv.writer(h) for h in handles]
        current = -1
        for index, cells in enumerate(_records(path, delimiter)):
            while current + 1 < len(layout.tables) and index >= layout.tables[current + 1].header_record:
                current += 1
            if current < 0 or index == layout.tables[current].header_record:
                continue
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            values = [unwrap_excel_text(c) for c in cells] if layout.excel_text else cells
            outputs[current].writerow([index + 1, *values])
    finally:
        for handle in handles:
            handle.close()
    sources = []
    for table, out in writers:
        width = len(table.headers)
        sources.append(
            TableSource(
                table=table,
                path=out,
                skip=0,
                delimiter=",",
                headers=table.headers,
                column_sql=_column_sql(table.headers, offset=0),
                spare_sql=[quote(f"c{i}") for i in range(width, width + SPARE_COLUMNS)],
                row_offset=None,
                kind="csv",
            )
        )
    return sources


def _xlsx_to_csv(path: Path, out: Path, display_name: str, max_bytes: int, max_rows: int) -> None:
    """Stream the first sheet to a UTF-8 CSV: numbers stay numbers, dates become ISO dates.
    The workbook's unpacked size is checked before it is opened (a zip reads no more than an entry declares),
    and rows and written bytes are counted while streaming."""
    import openpyxl

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFailed([problem("spreadsheet_unreadable", file=display_name, error=str(error))]) from None
    too_large = problem("spreadsheet_too_large", file=display_name, limit=max_bytes // 1024**2, rows=f"{max_rows:,}")
    if unpacked > max_bytes:
        raise ImportFailed([too_large])
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise ImportFailed([problem("spreadsheet_unreadable", file=display_name, error=str(error))]) from None
    try:
        sheet = book.worksheets[0]
        written = 0
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            # The output is bounded as well as the input: a few bytes of XML can declare 16,384 columns
            # (``<dimension ref="A1:XFD…"/>``) or jump a million rows ahead, which openpyxl pads with empty cells.
            for count, row in enumerate(sheet.iter_rows(values_only=True)):
                if count >= max_rows:
                    raise ImportFailed([too_large])
                written += writer.writerow([_cell(v) for v in row])
                if written > max_bytes:
                    raise ImportFailed([too_large])
    except ImportFailed:
        raise
    except Exception as error:  # a truncated or corrupt part (a zip that understates its sizes, broken XML)
        raise ImportFailed([problem("spreadsheet_unreadable", file=display_name, error=str(error))]) from None
    finally:
        book.close()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value
