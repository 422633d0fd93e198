"""Helpers of the importer's property tests (test_import_properties): strategies for periods, days and figures,
writing rows as a delimited text the way the platforms quote it, and the receipt and stored rows expected from
the generated rows. Framework-free."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import strategies as st

from alur.analytics.imports.layout import Period
from alur.analytics.imports.platforms import CANONICAL_METRICS, INTEGER_METRICS, MONEY_METRICS
from alur.analytics.imports.run import ImportResult, ImportSpec, run_import

DIMENSIONS = ("date", "date_end", "account", "channel", "campaign", "ad_set", "ad", "region", "device", "currency")

# A comma, quotes, non-ASCII, and a name that starts with "Total" but is no totals line.
NAMES = st.sampled_from(["Kopi Gayo", "Teh, Manis", 'Promo "11.11"', "Ω Susu", "Total Promo"])
COUNTS = st.integers(0, 10**7)
MONEY = st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2)
CONVERSIONS = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)


def blank_or(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A figure, or ``None`` for a blank cell (about one in five)."""
    return st.one_of(st.none(), values, values, values, values)


@st.composite
def periods(draw: st.DrawFn) -> Period:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    return Period(start, start + timedelta(days=draw(st.integers(0, 45))))


def day_in(period: Period) -> st.SearchStrategy[date]:
    return st.integers(0, (period.end - period.start).days).map(lambda n: period.start + timedelta(days=n))


# --------------------------------------------------------------------------------------- writing files


def csv_text(rows: Sequence[Sequence[str]], delimiter: str = ",", newline: str = "\n", *, quote: str = "") -> str:
    """Cells quoted where needed (the delimiter, a quote, a line break, and the characters in ``quote``: Google
    quotes "1,234" in its tab-separated files too)."""
    special = {delimiter, '"', "\n", *quote}

    def cell(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(c in text for c in special) else text

    return "".join(delimiter.join(cell(c) for c in row) + newline for row in rows)


def english_number(value: Any, places: int = 0) -> str:
    """Google's and LinkedIn's English grouping: 1,234,567 and 1,234.56."""
    return f"{Decimal(value):,.{places}f}"


def indonesian_number(value: Any, places: int = 0) -> str:
    return english_number(value, places).translate(str.maketrans(",.", ".,"))


def sum_or_none(values: Sequence[Any]) -> Any:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# -------------------------------------------------------------------------------------------- checking


def _metric(name: str, value: Any) -> Any:
    if name in INTEGER_METRICS:
        return int(value)
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_totals(facts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The receipt's shape: money per currency as "%.2f" rounded half up, counts as ints, conversions as a
    2-decimal string; a metric blank in every row (or not in the file) is left out."""
    totals: dict[str, Any] = {}
    for name in CANONICAL_METRICS:
        values = [f for f in facts if f.get(name) is not None]
        if not values:
            continue
        if name in MONEY_METRICS:
            by_currency: dict[str, Decimal] = {}
            for fact in values:
                by_currency[fact["currency"]] = by_currency.get(fact["currency"], Decimal(0)) + fact[name]
            totals[name] = {c: _metric(name, v) for c, v in by_currency.items()}
        else:
            totals[name] = _metric(name, sum(f[name] for f in values))
    return totals


def expected_rows(facts: Sequence[dict[str, Any]]) -> Counter[tuple[Any, ...]]:
    """The stored rows: a blank figure stays empty (NULL), as does a metric the file does not give."""
    rows = []
    for fact in facts:
        dimensions = tuple(fact.get(d, "" if d == "account" else None) for d in DIMENSIONS)
        metrics = tuple(fact.get(m) for m in CANONICAL_METRICS)
        rows.append(dimensions + metrics)
    return Counter(rows)


def stored_rows(output: Path) -> Counter[tuple[Any, ...]]:
    """The rows as readers see them: a column the file does not hold is empty; a fast-path file's own totals
    lines (``_total``) are left out."""
    relation = f"read_parquet('{output}')"
    have = {row[0] for row in duckdb.sql(f"DESCRIBE SELECT * FROM {relation}").fetchall()}
    missing = {"date_end": "date AS date_end"}  # a file of one-day facts does not write their last day
    columns = ", ".join(c if c in have else missing.get(c, f"NULL AS {c}") for c in (*DIMENSIONS, *CANONICAL_METRICS))
    where = "WHERE NOT coalesce(_total, false)" if "_total" in have else ""
    return Counter(duckdb.sql(f"SELECT {columns} FROM {relation} {where}").fetchall())


def repeated_count(facts: Sequence[dict[str, Any]]) -> int:
    """How many rows share their dimensions with an earlier row."""
    return len(facts) - len({tuple(f.get(d) for d in DIMENSIONS) for f in facts})


def import_and_check(
    content: str | bytes, name: str, spec: ImportSpec, facts: Sequence[dict[str, Any]], check: Callable[[ImportResult], None]
) -> None:
    """Write ``content`` as ``name`` in a directory of its own (``tmp_path`` is shared by every example of a
    test), import it, and compare the row count, the receipt's totals and the stored rows with ``facts`` (one
    dict per generated data row: dimensions, and each metric's figure or ``None`` for a blank cell); then
    ``check`` the rest of the receipt."""
    with tempfile.TemporaryDirectory(prefix="alur-property-") as directory:
        path, output = Path(directory) / name, Path(directory) / "facts.parquet"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        result = run_import(path, spec, output=output)
        assert result.rows == len(facts)
        assert result.totals == expected_totals(facts)
        assert stored_rows(output) == expected_rows(facts)
        check(result)


def import_spec(format_key: str | None, **fields: Any) -> ImportSpec:
    return ImportSpec(workspace_id=1, source=format_key or "agency_sheet", import_id=1, display_name="report", **fields)


def warning_codes(result: ImportResult) -> list[str]:
    return [w.code for w in result.warnings]
