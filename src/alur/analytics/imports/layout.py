"""Where the tables are in an export file, and what its title lines say.

Standard library only. :func:`sniff` reads the start of a CSV/TSV file (all of it when it holds several
tables) and returns a :class:`Layout`:

* the encoding (UTF-8 with or without a byte order mark, UTF-16 as Google Ads' "CSV for Excel" writes it)
  and the delimiter;
* whether cells are wrapped as Excel text formulas (``="Biaya"``, as TikTok writes them);
* the title lines above the first table (Google Ads' report name and date range, GA4's ``#`` comment
  block, LinkedIn's report metadata) and the **period** they state (:func:`stated_period`);
* one :class:`Table` per table: a GA4 "Report CSV Export" holds many, each below its own comment block
  with its own start and end date;
* whether the file is an empty export ("No data available.").

Lines are joined into records first, so a quoted cell that spans lines (Meta's ad texts, with blank
lines inside) never looks like the end of a table. Problems are raised as
:class:`~alur.analytics.imports.messages.ImportFailed` with keyed messages naming the uploaded file.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from alur.analytics import numbers
from alur.analytics.imports.columns import detect_format, known_header_count, unwrap_excel_text
from alur.analytics.imports.messages import ImportFailed, problem
from alur.analytics.imports.totals import is_total_cells

__all__ = ["Layout", "Period", "Table", "line_delimiter", "sniff", "sniff_rows", "stated_period"]

SAMPLE_BYTES = 65536
# Files up to this size are read whole, so every table of a many-table export is found.
WHOLE_FILE_BYTES = 32 * 1024**2
# How far down the first header may be: report titles and GA4's comment block take about a dozen lines.
_MAX_HEADER_RECORD = 100
_DELIMITERS = ("\t", ";", ",")  # in order of preference when a header line has as many of each
_VALUE_RE = re.compile(r"[\d\s.,:/%()+\-−]+")
_NO_DATA_RE = re.compile(r"^\s*(no data available|tidak ada data( yang tersedia)?|no data)\.?\s*$", re.IGNORECASE)
_RANGE_SPLIT_RE = re.compile(r"\s+(?:-|–|—|to|s\.d\.|sd|sampai|hingga)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    """The days a file's figures cover, both inclusive."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True)
class Table:
    """One table of a file. ``header_record`` is the 0-based index of its header among the file's records
    (lines, with quoted line breaks joined); ``end_record`` the index after its last row (``None``: the end of
    the file). ``comments`` are the ``#`` or title lines right above it; ``period`` what they state."""

    header_record: int
    header_line: int  # the physical line of the header (0-based), for readers that skip lines
    headers: list[str]
    format_key: str | None
    comments: list[str]
    end_record: int | None
    period: Period | None
    row_count: int | None  # data rows below the header when the whole table was read, else None

    @property
    def first_data_row(self) -> int:
        """The spreadsheet row number (1-based) of the record right below the header."""
        return self.header_record + 2

    @property
    def description(self) -> str:
        """How a person recognises the table: its title comment, else its columns."""
        titles = [c.strip().lstrip("#").strip() for c in self.comments]
        title = next((t for t in titles if t and ":" not in t and not set(t) <= set("-")), "")
        columns = ", ".join(h for h in self.headers if h)
        return f"{title} ({columns})" if title else columns


@dataclass(frozen=True)
class Layout:
    encoding: str
    delimiter: str | None
    excel_text: bool
    title_lines: list[str]
    tables: list[Table]
    no_data: bool
    period: Period | None
    dayfirst: bool | None  # what the title's dates say about the file's date order
    whole_file: bool  # every record was read (so table ends and row counts are known)
    multiline: bool  # some quoted cell spans lines (DuckDB must then read the file in one thread)

    @property
    def headers(self) -> list[str]:
        return self.tables[0].headers

    @property
    def format_key(self) -> str | None:
        return self.tables[0].format_key


# ----------------------------------------------------------------------------------------------- sniffing


def sniff(path: Path, *, display_name: str | None = None, sample_bytes: int = SAMPLE_BYTES) -> Layout:
    """The layout of a CSV/TSV export (``display_name``: the file's name as the person uploaded it)."""
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise ImportFailed([problem("file_empty", file=name)])
    with path.open("rb") as handle:
        sample = handle.read(sample_bytes)
    _reject_binary(sample, name)
    encoding = _detect_encoding(sample, name)
    whole = size <= sample_bytes
    text = _decode(sample, encoding, final=whole, name=name)
    if not whole:
        records = _records(_complete_lines(text))
        if len(_find_tables(records, name, delimiter_hint=None)[1]) > 1 and size <= WHOLE_FILE_BYTES:
            whole = True
            text = _decode(path.read_bytes(), encoding, final=True, name=name)
    lines = _complete_lines(text) if not whole else re.split(r"\r\n|\r|\n", text)
    records = _records(lines)
    if not any(r.text.strip() for r in records):
        raise ImportFailed([problem("no_rows", file=name)])
    delimiter, tables = _find_tables(records, name, delimiter_hint=None, whole=whole)
    excel_text = _is_excel_text(records[tables[0].header_record].text, delimiter)
    if excel_text:
        tables = [_unwrap_headers(t) for t in tables]
    title_lines = [r.text for r in records[: tables[0].header_record]]
    period, dayfirst = stated_period(title_lines)
    no_data = _is_no_data(records, tables[0], delimiter)
    multiline = any("\n" in r.text for r in records)
    layout = Layout(encoding, delimiter, excel_text, title_lines, tables, no_data, period, dayfirst, whole, multiline)
    if not no_data and whole:  # a sample may end before the first row; the importer counts the rows anyway
        _require_data(layout, records, name)
    return layout


def sniff_rows(rows: Sequence[Sequence[object]], *, name: str) -> Layout:
    """The layout of a table already read into rows (an XLSX sheet read with openpyxl): cells may be
    ``None`` or typed values, compared as text."""
    table = [[_cell_text(c) for c in row] for row in rows]
    if not any(any(c.strip() for c in row) for row in table):
        raise ImportFailed([problem("no_rows", file=name)])
    records = [_Record(i, i, "\t".join(row)) for i, row in enumerate(table)]
    _, tables = _find_tables(records, name, delimiter_hint="\t", whole=True, rows=table)
    title_lines = [" ".join(c.strip() for c in row if c.strip()) for row in table[: tables[0].header_record]]
    period, dayfirst = stated_period(title_lines)
    no_data = _is_no_data(records, tables[0], "\t")
    layout = Layout("utf-8", None, False, title_lines, tables, no_data, period, dayfirst, True, False)
    if not layout.no_data:
        _require_data(layout, records, name, rows=table)
    return layout


def line_delimiter(line: str) -> str | None:
    """The candidate delimiter occurring most often outside quotes; ``None`` when there is none."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equals: tab, then ; then ,
    return best if counts[best] else None


def split_record(text: str, delimiter: str | None, *, excel_text: bool = False) -> list[str]:
    """The cells of one record (quotes removed; ``="…"`` unwrapped when ``excel_text``)."""
    cells = [text] if delimiter is None else next(csv.reader([text], delimiter=delimiter), [])
    return [unwrap_excel_text(c) for c in cells] if excel_text else cells


# ---------------------------------------------------------------------------------------------- periods


def stated_period(lines: Sequence[str]) -> tuple[Period | None, bool | None]:
    """The period title lines state, and whether their dates show the day-first order.

    * GA4: ``# Start date: 20251101`` and ``# End date: 20260505``;
    * LinkedIn: ``Report Start: 1/27/2026, 12:00 AM`` and ``Report End: …`` (the time is ignored);
    * Google Ads and others: a line that is a range, ``27 January 2026 - 23 February 2026``,
      ``"March 27, 2026 - April 23, 2026"``, ``1 Nov 2025 – 30 Apr 2026``, ``01/11/2025 - 30/04/2026``, or a
      one-day report's date with its month named, ``November 1, 2026``.
    "All time" and titles without dates state nothing.
    """
    values: dict[str, str] = {}
    ranges: list[tuple[str, str]] = []
    single_days: list[str] = []  # Google Ads titles a one-day report "November 1, 2026"
    for line in lines:
        text = line.strip().lstrip("#").strip().strip(",;\t").strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1].replace('""', '"')
        key, sep, value = text.partition(":")
        key = key.strip().casefold()
        if sep and key in ("start date", "end date", "report start", "report end", "tanggal mulai", "tanggal akhir"):
            values[key] = value.strip().split(",")[0].strip()
            continue
        parts = _RANGE_SPLIT_RE.split(text)
        if len(parts) == 2 and any(ch.isdigit() for ch in parts[0]) and any(ch.isdigit() for ch in parts[1]):
            ranges.append((parts[0].strip(), parts[1].strip()))
        elif any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text) and len(text) <= 40:
            single_days.append(text)
    pairs = [
        (values.get(a), values.get(b))
        for a, b in (("start date", "end date"), ("report start", "report end"), ("tanggal mulai", "tanggal akhir"))
    ]
    candidates = [(s, e) for s, e in pairs if s and e] + ranges + [(day, day) for day in single_days]
    for start_text, end_text in candidates:
        dayfirst = numbers.detect_dayfirst([start_text, end_text])
        try:
            start = numbers.parse_date(start_text, dayfirst=dayfirst)
            end = numbers.parse_date(end_text, dayfirst=dayfirst)
        except numbers.DateError:
            continue
        if start <= end:
            return Period(start, end), dayfirst
    return None, None


def parse_period(text: str) -> Period:
    """``2026-02-01..2026-02-28`` (also with `` - ``, `` to ``, or a single day) as a person types it;
    raises :class:`~alur.analytics.numbers.DateError` with a sentence when it cannot be read."""
    cleaned = text.strip()
    parts = [p for p in re.split(r"\s*\.\.\s*|\s+(?:-|–|to|s\.d\.|sampai)\s+", cleaned) if p]
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2:
        raise numbers.DateError(f'"{text}" is not a period. Write it as 2026-02-01..2026-02-28.')
    start, end = (numbers.parse_date(p, dayfirst=True) for p in parts)
    return Period(start, end)


# ---------------------------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Record:
    index: int  # 0-based record number
    line: int  # 0-based physical line where it starts
    text: str


def _records(lines: Sequence[str]) -> list[_Record]:
    """Physical lines joined while a quoted cell is open (an odd number of quotes so far)."""
    records: list[_Record] = []
    buffer: list[str] = []
    start = 0
    open_quote = False
    for number, line in enumerate(lines):
        if not buffer:
            start = number
        buffer.append(line)
        if line.count('"') % 2:
            open_quote = not open_quote
        if not open_quote:
            records.append(_Record(len(records), start, "\n".join(buffer)))
            buffer = []
    if buffer:
        records.append(_Record(len(records), start, "\n".join(buffer)))
    return records


def _complete_lines(text: str) -> list[str]:
    """The lines of a sample, without the last one (it may be cut in the middle)."""
    cut = max(text.rfind("\n"), text.rfind("\r"))
    return re.split(r"\r\n|\r|\n", text[:cut] if cut > 0 else text)


def _is_candidate(cells: Sequence[str]) -> bool:
    values = [c.strip() for c in cells if c.strip()]
    return len(values) >= 2 and not values[0].startswith("#")


def _looks_like_header(cells: Sequence[str]) -> bool:
    values = [c.strip() for c in cells if c.strip()]
    return any(ch.isalpha() for v in values for ch in v) and not any(_VALUE_RE.fullmatch(v) for v in values)


def _is_comment(text: str) -> bool:
    return text.lstrip().startswith("#")


def _cells(record: _Record, delimiter: str | None) -> list[str]:
    return [unwrap_excel_text(c) for c in split_record(record.text, delimiter)]


def _find_tables(
    records: Sequence[_Record],
    name: str,
    *,
    delimiter_hint: str | None,
    whole: bool = False,
    rows: Sequence[Sequence[str]] | None = None,
) -> tuple[str | None, list[Table]]:
    """The delimiter and the tables: the first header (two or more known names, else the first line that reads
    as names with as many cells as the line below), then, after each blank or comment gap, every further line
    that reads as a header begins a new table."""

    def cells_of(record: _Record, delimiter: str | None) -> list[str]:
        return list(rows[record.index]) if rows is not None else _cells(record, delimiter)

    candidates: list[tuple[_Record, str | None, list[str]]] = []
    for record in records[:_MAX_HEADER_RECORD]:
        delimiter = delimiter_hint or line_delimiter(record.text.split("\n")[0])
        cells = cells_of(record, delimiter)
        if _is_candidate(cells):
            candidates.append((record, delimiter, cells))
    first = next((c for c in candidates if known_header_count(c[2]) >= 2), None)
    if first is None:
        for (record, delimiter, cells), (below, _, _) in itertools.pairwise(candidates):
            if _looks_like_header(cells) and len(cells) == len(cells_of(below, delimiter)):
                first = (record, delimiter, cells)
                break
    if first is None:
        raise ImportFailed([problem("header_not_found", file=name)])
    header, delimiter, cells = first
    starts = [(header, cells)]
    gap = False
    for record in records[header.index + 1 :]:
        text = record.text
        if not text.strip() or _is_comment(text):
            gap = True
            continue
        if gap:
            row = cells_of(record, delimiter)
            if _is_candidate(row) and _looks_like_header(row):
                starts.append((record, row))
            gap = False
    tables: list[Table] = []
    for number, (record, headers) in enumerate(starts):
        end = starts[number + 1][0].index if number + 1 < len(starts) else None
        # The first table's comments are the title lines; a later one's its own comment block above it.
        above = records[: record.index] if number == 0 else _trailing_comments(records, record.index)
        comments = [r.text for r in above if r.text.strip()]
        body = records[record.index + 1 : end if end is not None else len(records)]
        data = [r for r in body if r.text.strip() and not _is_comment(r.text)]
        headers = [h.strip() for h in headers]
        if headers:
            headers[0] = headers[0].lstrip("\ufeff")
        while headers and not headers[-1]:  # spreadsheets pad rows to the widest one
            headers.pop()
        tables.append(
            Table(
                header_record=record.index,
                header_line=record.line,
                headers=headers,
                format_key=detect_format(headers),
                comments=comments,
                end_record=end,
                period=stated_period(comments)[0] if comments else None,
                row_count=len(data) if whole or end is not None else None,
            )
        )
    return delimiter, tables


def _trailing_comments(records: Sequence[_Record], index: int) -> list[_Record]:
    found: list[_Record] = []
    for record in reversed(records[:index]):
        if _is_comment(record.text):
            found.append(record)
        elif record.text.strip():
            break
    return list(reversed(found))


def _is_excel_text(header: str, delimiter: str | None) -> bool:
    cells = [c.strip() for c in split_record(header, delimiter) if c.strip()]
    return bool(cells) and sum(1 for c in cells if c.startswith('="') and c.endswith('"')) * 2 > len(cells)


def _unwrap_headers(table: Table) -> Table:
    headers = [unwrap_excel_text(h) for h in table.headers]
    return Table(
        table.header_record,
        table.header_line,
        headers,
        detect_format(headers),
        table.comments,
        table.end_record,
        table.period,
        table.row_count,
    )


def _is_no_data(records: Sequence[_Record], table: Table, delimiter: str | None) -> bool:
    """The platform's way of saying the date range was empty: one row, one cell, "No data available."."""
    end = table.end_record if table.end_record is not None else len(records)
    body = [r for r in records[table.header_record + 1 : end] if r.text.strip()]
    return len(body) == 1 and bool(_NO_DATA_RE.match(" ".join(c for c in _cells(body[0], delimiter) if c.strip())))


def _require_data(layout: Layout, records: Sequence[_Record], name: str, rows: Sequence[Sequence[str]] | None = None) -> None:
    """A one-table file with a header but no data rows (or totals only) is refused with a sentence that says
    why. (A table of a many-table file may be empty: the importer names it.)"""
    if len(layout.tables) > 1:
        return
    table = layout.tables[0]
    end = table.end_record if table.end_record is not None else len(records)
    totals = 0
    for record in records[table.header_record + 1 : end]:
        if not record.text.strip() or _is_comment(record.text):
            continue
        cells = (
            list(rows[record.index])
            if rows is not None
            else split_record(record.text, layout.delimiter, excel_text=layout.excel_text)
        )
        if not any(c.strip() for c in cells):
            continue
        if is_total_cells(cells):
            totals += 1
            continue
        return
    columns = ", ".join(f'"{h}"' for h in table.headers[:4] if h)
    raise ImportFailed([problem("totals_only" if totals else "header_only", file=name, columns=columns)])


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"PAR1", "a Parquet file"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)


def _reject_binary(sample: bytes, name: str) -> None:
    for magic, what in _BINARY_SIGNATURES:
        if sample.startswith(magic):
            raise ImportFailed([problem("wrong_kind", file=name, what=what)])
    head = sample[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise ImportFailed([problem("web_page", file=name)])


def _detect_encoding(sample: bytes, name: str) -> str:
    """From the byte order mark, else from where the NUL bytes are (UTF-16 text without one)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" not in sample:
        return "utf-8"
    even, odd = sample[0::2], sample[1::2]
    # ASCII text in UTF-16 has a NUL in every other byte: the high byte of each code unit.
    if odd and odd.count(0) >= 0.7 * len(odd) and even.count(0) <= 0.05 * len(even):
        return "utf-16-le"
    if even and even.count(0) >= 0.7 * len(even) and odd.count(0) <= 0.05 * len(odd):
        return "utf-16-be"
    raise ImportFailed([problem("binary", file=name)])


def _decode(sample: bytes, encoding: str, *, final: bool, name: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return str(decoder.decode(sample, final=final))
    except UnicodeDecodeError as error:
        line = sample[: error.start].count(b"\n") + 1
        if encoding.startswith("utf-16"):
            raise ImportFailed([problem("bad_utf16", file=name, line=line)]) from None
        bad = sample[error.start : error.start + 1]
        char = bad.decode("cp1252", errors="replace")
        raise ImportFailed([problem("not_utf8", file=name, line=line, byte=bad.hex().upper(), char=char)]) from None
