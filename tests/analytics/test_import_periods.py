"""The days a file covers: the period its title lines state (:func:`stated_period`), the one a person types
(:func:`parse_period`), and what the importer does with them when a file has no date column — whole-period
facts over the stated or given period, or a refusal that says which period is missing or contradicted.
Framework-free: ``run_import`` writes to ``tmp_path``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from alur.analytics.imports.layout import Period, parse_period, stated_period
from alur.analytics.imports.messages import ImportFailed, english
from alur.analytics.imports.run import ImportResult, ImportSpec, run_import
from alur.analytics.numbers import DateError


@pytest.mark.parametrize(
    ("lines", "period"),
    [
        (["Campaign report", "27 January 2026 - 23 February 2026"], Period(date(2026, 1, 27), date(2026, 2, 23))),
        (["Campaign report", '"March 27, 2026 - April 23, 2026"'], Period(date(2026, 3, 27), date(2026, 4, 23))),
        (["Laporan kampanye", "1 Agustus 2026 - 31 Desember 2026"], Period(date(2026, 8, 1), date(2026, 12, 31))),
        (["Laporan kampanye", "1 Mei 2026 – 30 Juni 2026"], Period(date(2026, 5, 1), date(2026, 6, 30))),
        (["# Traffic", "# Start date: 20251101", "# End date: 20260505"], Period(date(2025, 11, 1), date(2026, 5, 5))),
        (
            ["Campaign Performance Report (in UTC)", '"Report Start: 1/27/2026, 12:00 AM"', '"Report End: 2/23/2026, 11:59 PM"'],
            Period(date(2026, 1, 27), date(2026, 2, 23)),
        ),
        (["01/11/2025 - 30/04/2026"], Period(date(2025, 11, 1), date(2026, 4, 30))),
    ],
)
def test_title_lines_state_the_period(lines: list[str], period: Period) -> None:
    assert stated_period(lines)[0] == period


def test_title_dates_tell_the_date_order_when_they_can() -> None:
    linkedin = ["Report Start: 1/27/2026, 12:00 AM", "Report End: 2/23/2026, 11:59 PM"]
    assert stated_period(linkedin)[1] is False  # 27 cannot be a month: month first
    assert stated_period(["01/11/2025 - 30/04/2026"])[1] is True
    assert stated_period(["27 January 2026 - 23 February 2026"])[1] is None  # month names say nothing of the order


@pytest.mark.parametrize(
    "lines",
    [
        ["Campaign report", "All time"],
        ["Laporan agensi November 2026"],
        ["Campaign report"],
        ["Report Start: 1/2/2026, 12:00 AM", "Report End: 1/5/2026, 11:59 PM"],  # either order reads: no guess
        ["30 April 2026 - 1 November 2025"],  # ends before it starts
        [],
    ],
)
def test_titles_without_a_readable_range_state_nothing(lines: list[str]) -> None:
    assert stated_period(lines) == (None, None)


@pytest.mark.parametrize(
    "text",
    ["2026-02-01..2026-02-28", "2026-02-01 .. 2026-02-28", "2026-02-01 - 2026-02-28", "2026-02-01 to 2026-02-28",
     "01/02/2026..28/02/2026", "1 Februari 2026 sampai 28 Februari 2026"],
)  # fmt: skip
def test_a_typed_period_is_read_in_its_usual_forms(text: str) -> None:
    assert parse_period(text) == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert str(parse_period(text)) == "2026-02-01..2026-02-28"


def test_a_single_typed_day_is_a_one_day_period() -> None:
    assert parse_period("2026-02-14") == Period(date(2026, 2, 14), date(2026, 2, 14))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-02-01..2026-02-10..2026-02-20", "is not a period. Write it as 2026-02-01..2026-02-28."),
        ("kemarin", 'Could not read "kemarin" as a date'),
        ("2026-02-30..2026-03-01", '"2026-02-30" is not a real calendar date'),
    ],
)
def test_an_unreadable_typed_period_is_refused_with_a_sentence(text: str, says: str) -> None:
    with pytest.raises(DateError) as error:
        parse_period(text)
    assert says in str(error.value)


# ------------------------------------------------------------------------------------------ in the import

CAMPAIGNS = """\
Campaign,Campaign type,Currency code,Clicks,Impr.,Cost
Kopi,Search,IDR,12,"1,200","15,000.00"
Teh,Search,IDR,3,300,500.50
"""
TITLE = 'Campaign report\n"March 27, 2026 - April 23, 2026"\n'


def _import(tmp_path: Path, text: str, *, period: str | None = None, name: str = "Campaign report.csv") -> ImportResult:
    path = tmp_path / "upload-81f3.csv"
    path.write_text(text, encoding="utf-8")
    spec = ImportSpec(
        workspace_id=1,
        source="google_ads",
        import_id=9,
        display_name=name,
        format_key="google_ads",
        period=parse_period(period) if period else None,
    )
    return run_import(path, spec, output=tmp_path / "facts.parquet")


def _refusal(tmp_path: Path, text: str, **kwargs: str) -> ImportFailed:
    with pytest.raises(ImportFailed) as error:
        _import(tmp_path, text, **kwargs)
    assert not (tmp_path / "facts.parquet").exists()
    return error.value


def test_without_a_date_column_the_rows_cover_the_period_the_title_states(tmp_path: Path) -> None:
    """Changed on purpose: the old importer refused a Google Ads report without "Day"."""
    result = _import(tmp_path, TITLE + CAMPAIGNS)
    assert (result.rows, result.date_from, result.date_to) == (2, date(2026, 3, 27), date(2026, 4, 23))
    assert result.periods == [(date(2026, 3, 27), date(2026, 4, 23))]
    assert [w.code for w in result.warnings] == ["whole_period"]
    assert english(result.warnings[0]).startswith("The figures cover 2026-03-27 – 2026-04-23 as a whole (no per-day date)")
    stored = duckdb.sql(f"SELECT date, date_end, campaign FROM '{tmp_path / 'facts.parquet'}' ORDER BY campaign").fetchall()
    assert stored == [(date(2026, 3, 27), date(2026, 4, 23), "Kopi"), (date(2026, 3, 27), date(2026, 4, 23), "Teh")]


def test_without_a_date_column_or_a_title_the_given_period_is_used_and_said(tmp_path: Path) -> None:
    result = _import(tmp_path, CAMPAIGNS, period="2026-02-01..2026-02-28")
    assert (result.date_from, result.date_to) == (date(2026, 2, 1), date(2026, 2, 28))
    given = next(w for w in result.warnings if w.code == "period_given")
    assert english(given) == "The period 2026-02-01..2026-02-28 was given with the upload: the file does not state one."


def test_a_given_period_equal_to_the_stated_one_is_accepted(tmp_path: Path) -> None:
    result = _import(tmp_path, TITLE + CAMPAIGNS, period="2026-03-27..2026-04-23")
    assert (result.date_from, result.date_to) == (date(2026, 3, 27), date(2026, 4, 23))
    assert "period_given" not in [w.code for w in result.warnings]  # the file states it


def test_no_date_column_and_no_period_anywhere_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, CAMPAIGNS)
    notice = error.problems[0]
    assert (notice.code, notice.params["file"]) == ("period_missing", "Campaign report.csv")
    assert english(notice).startswith('"Campaign report.csv" does not say which days its figures cover')
    assert "--period 2026-02-01..2026-02-28" in english(notice)


def test_a_given_period_contradicting_the_stated_one_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, TITLE + CAMPAIGNS, period="2026-03-01..2026-03-31")
    notice = error.problems[0]
    assert notice.code == "period_conflict"
    assert (notice.params["stated"], notice.params["given"]) == ("2026-03-27..2026-04-23", "2026-03-01..2026-03-31")
    assert english(notice) == (
        '"Campaign report.csv" states that it covers 2026-03-27..2026-04-23, but 2026-03-01..2026-03-31 was given. '
        "Leave the period empty to use the file's own, or check that you chose the right file."
    )


def test_a_given_period_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    error = _refusal(tmp_path, CAMPAIGNS, period="2026-04-27..2026-04-23")
    assert error.problems[0].code == "period_reversed"
    assert english(error.problems[0]) == "The period ends (2026-04-23) before it starts (2026-04-27). Check the two dates."


def test_with_a_date_column_the_title_period_does_not_date_the_rows(tmp_path: Path) -> None:
    daily = TITLE + "Day,Campaign,Currency code,Clicks\n2026-03-28,Kopi,IDR,4\n2026-03-29,Kopi,IDR,5\n"
    result = _import(tmp_path, daily)
    assert (result.date_from, result.date_to, result.periods) == (date(2026, 3, 28), date(2026, 3, 29), [])


def test_linkedin_dates_are_month_first_unless_the_source_says_otherwise(tmp_path: Path) -> None:
    """Neither the title (1/2 – 1/5) nor the rows prove the order: Campaign Manager writes month first, so the
    rows are 2 and 5 January; a source set to day first reads them as 1 February and 1 May."""
    path = tmp_path / "linkedin.csv"
    path.write_text(
        'Campaign Performance Report (in UTC)\n"Report Start: 1/2/2026, 12:00 AM"\n"Report End: 1/5/2026, 11:59 PM"\n'
        "Start Date (in UTC),Campaign Name,Currency,Total Spent,Impressions,Clicks\n"
        "1/2/2026,Kopi,USD,1.00,10,1\n1/5/2026,Kopi,USD,2.00,10,1\n",
        encoding="utf-8",
    )
    spec = ImportSpec(workspace_id=1, source="linkedin_ads", import_id=1, display_name="x.csv", format_key="linkedin_ads")
    result = run_import(path, spec, output=tmp_path / "facts.parquet")
    assert (result.date_from, result.date_to) == (date(2026, 1, 2), date(2026, 1, 5))
    result = run_import(path, replace(spec, dayfirst=True), output=tmp_path / "facts.parquet")
    assert (result.date_from, result.date_to) == (date(2026, 2, 1), date(2026, 5, 1))
