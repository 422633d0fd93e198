"""Spreadsheets built to explode: a sheet that unpacks to far more than its zip, a zip that lies about
its sizes, and a tiny sheet whose declared dimensions and row gaps would write gigabytes of empty cells.
Each stops with a sentence, within the configured limits, and writes no more than the limit."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from alur.analytics.imports import reading
from alur.analytics.imports.messages import ImportFailed

SHEET = "xl/worksheets/sheet1.xml"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
MB = 1024**2


def _workbook_with_sheet(path: Path, sheet_xml: bytes) -> Path:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml`` (deflated as Excel does)."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["date", "clicks"])
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == SHEET else source.read(info.filename)
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def _rows_xml(rows: int) -> bytes:
    body = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>aaaaaaaaaa</t></is></c></row>' for n in range(1, rows + 1))
    return f"{HEAD}<sheetData>{body}</sheetData></worksheet>".encode()


def _convert(path: Path, tmp_path: Path, max_bytes: int, max_rows: int) -> Path:
    out = tmp_path / "sheet.csv"
    reading._xlsx_to_csv(path, out, "bomb.xlsx", max_bytes, max_rows)
    return out


def _codes(failure: pytest.ExceptionInfo[ImportFailed]) -> list[str]:
    return [p.code for p in failure.value.problems]


def test_a_sheet_that_unpacks_past_the_limit_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = _workbook_with_sheet(tmp_path / "bomb.xlsx", _rows_xml(200_000))  # ~15 MB of XML in well under 1 MB
    assert path.stat().st_size < MB
    with pytest.raises(ImportFailed) as failure:
        _convert(path, tmp_path, 2 * MB, 5_000_000)
    assert _codes(failure) == ["spreadsheet_too_large"]
    assert not (tmp_path / "sheet.csv").exists()  # refused from the zip's directory, nothing was streamed


def test_the_row_limit_holds_while_streaming(tmp_path: Path) -> None:
    path = _workbook_with_sheet(tmp_path / "rows.xlsx", _rows_xml(3_000))
    with pytest.raises(ImportFailed) as failure:
        _convert(path, tmp_path, 512 * MB, 1_000)
    assert _codes(failure) == ["spreadsheet_too_large"]


def test_declared_dimensions_and_row_gaps_cannot_blow_up_the_output(tmp_path: Path) -> None:
    """A few hundred bytes that claim 16,384 columns and jump to row 5,000: padded out, that is 80 MB of commas."""
    cell = '<c r="A1" t="inlineStr"><is><t>x</t></is></c>'
    xml = f'{HEAD}<dimension ref="A1:XFD5000"/><sheetData><row r="1">{cell}</row><row r="5000"/></sheetData></worksheet>'
    path = _workbook_with_sheet(tmp_path / "wide.xlsx", xml.encode())
    assert path.stat().st_size < 10_000
    with pytest.raises(ImportFailed) as failure:
        _convert(path, tmp_path, 1 * MB, 5_000_000)
    assert _codes(failure) == ["spreadsheet_too_large"]
    assert (tmp_path / "sheet.csv").stat().st_size <= 1 * MB + 64 * 1024  # stopped at the limit, give or take a row


def test_a_zip_that_understates_its_sizes_fails_cleanly(tmp_path: Path) -> None:
    """The central directory claims the sheet is 1 KB; it really inflates to ~15 MB. The reader gets no more
    than the claimed size, the XML (or the checksum) is then broken, and that is a clear problem, not a crash."""
    path = _workbook_with_sheet(tmp_path / "liar.xlsx", _rows_xml(200_000))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(SHEET)
    for signature, size_offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            name_offset = 46 if signature == b"PK\x01\x02" else 30
            name_length = struct.unpack_from("<H", data, at + (28 if signature == b"PK\x01\x02" else 26))[0]
            if bytes(data[at + name_offset : at + name_offset + name_length]).decode() == SHEET:
                struct.pack_into("<I", data, at + size_offset, 1024)
            start = at + 4
    path.write_bytes(bytes(data))
    assert info.file_size > 10 * MB
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(SHEET).file_size == 1024
    with pytest.raises(ImportFailed) as failure:
        _convert(path, tmp_path, 2 * MB, 5_000_000)
    assert _codes(failure) == ["spreadsheet_unreadable"]


def test_an_ordinary_workbook_still_converts(tmp_path: Path) -> None:
    path = tmp_path / "ok.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["date", "channel", "clicks"])
    book.active.append(["2026-11-01", "instagram", 12])
    book.save(path)
    out = _convert(path, tmp_path, 1 * MB, 100)
    assert out.read_text().splitlines() == ["date,channel,clicks", "2026-11-01,instagram,12"]
