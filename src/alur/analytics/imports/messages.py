"""What an import tells the marketer: every problem and warning is a :class:`Notice` — a key and its
parameters — translated only when it is shown (:func:`alur.analytics.selectors.imports.notice_text` in the
reader's language; :func:`english` here, for logs and API clients that want one language).

Framework-free: the texts are marked with :func:`gettext_noop` (a no-op of this module that Django's
``makemessages`` finds by name) so the Indonesian catalogue holds them, and the parameters that are words
rather than values (a field's name, a hint) are listed in :data:`TRANSLATED_PARAMS` so the renderer
translates them too. Values from the file (a cell, a header, the file's name) are never translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


def gettext_noop(message: str) -> str:
    """Marks ``message`` for the translation catalogue; translated where it is shown."""
    return message


# How a field is named in a message to a marketer: 'Column "Day" (the date) is missing.'
FIELD_LABELS: Mapping[str, str] = {
    "date": gettext_noop("the date"),
    "account": gettext_noop("the account name"),
    "channel": gettext_noop("the channel"),
    "campaign": gettext_noop("the campaign name"),
    "ad_set": gettext_noop("the ad set or ad group name"),
    "ad": gettext_noop("the ad name"),
    "region": gettext_noop("the region"),
    "device": gettext_noop("the device"),
    "currency": gettext_noop("the currency"),
    "impressions": gettext_noop("impressions"),
    "reach": gettext_noop("reach"),
    "clicks": gettext_noop("clicks"),
    "spend": gettext_noop("the amount spent"),
    "conversions": gettext_noop("conversions"),
    "conversion_value": gettext_noop("the conversion value (revenue)"),
    "sessions": gettext_noop("sessions"),
    "engaged_sessions": gettext_noop("engaged sessions"),
    "bounces": gettext_noop("bounces"),
    "new_users": gettext_noop("new users"),
    "leads": gettext_noop("leads"),
    "followers": gettext_noop("new followers"),
    "engagements": gettext_noop("engagements"),
    "mentions": gettext_noop("mentions"),
    "video_views": gettext_noop("video views"),
}

# Refusals: the file was not imported and nothing was written.
PROBLEMS: Mapping[str, str] = {
    "file_empty": gettext_noop(
        '"%(file)s" is empty (0 bytes). Download the report again; if it keeps coming out empty, check that the '
        "report's date range has data."
    ),
    "no_rows": gettext_noop('"%(file)s" has no rows. Download the report again.'),
    "no_data_available": gettext_noop(
        '"%(file)s" says "No data available": the report had no figures for its date range. Choose a date range in '
        "which the campaigns ran and download the report again."
    ),
    "header_only": gettext_noop(
        '"%(file)s" has column names (%(columns)s…) but no data rows. Check the report\'s date range and filters and '
        "download it again."
    ),
    "totals_only": gettext_noop(
        '"%(file)s" has column names (%(columns)s…) and totals but no data rows. The report\'s date range probably has '
        "no data: choose another range and download it again."
    ),
    "wrong_kind": gettext_noop(
        '"%(file)s" is %(what)s, not a CSV text file. Upload it with the file type it really has (.xlsx and '
        ".parquet are accepted), or open it and save it as CSV UTF-8."
    ),
    "web_page": gettext_noop(
        '"%(file)s" is a web page (HTML or XML), not a CSV file. Some platforms save such pages with an .xls or .csv '
        "name: open it in Excel or Google Sheets and save it as CSV UTF-8."
    ),
    "binary": gettext_noop(
        '"%(file)s" is not a text file (it contains binary data). Export the report as CSV and upload that file.'
    ),
    "not_utf8": gettext_noop(
        '"%(file)s" is not saved as UTF-8 text: line %(line)s contains the byte 0x%(byte)s ("%(char)s" in the older '
        'Windows encoding). In Excel choose File → Save As → "CSV UTF-8 (Comma delimited)"; in Google Sheets, File → '
        "Download → CSV. Then upload the new file."
    ),
    "bad_utf16": gettext_noop(
        '"%(file)s" looks like UTF-16 text but has invalid bytes on line %(line)s. Download the report again, or open '
        "it and save it as CSV UTF-8."
    ),
    "header_not_found": gettext_noop(
        'We could not find the line with the column names in "%(file)s". The file should have one line of column '
        'names (for example "Date, Campaign, Clicks, Cost") with one line per row below it, separated by commas, '
        "semicolons or tabs."
    ),
    "spreadsheet_unreadable": gettext_noop(
        'The spreadsheet "%(file)s" could not be opened (%(error)s). Save it again as .xlsx and upload it again.'
    ),
    "spreadsheet_too_large": gettext_noop(
        'The spreadsheet "%(file)s" unpacks to more than %(limit)s MB (or more than %(rows)s rows). Export the report '
        "as CSV instead, or split it by date range."
    ),
    "parquet_unreadable": gettext_noop('The Parquet file "%(file)s" could not be read (%(error)s).'),
    "not_recognised": gettext_noop(
        'Alur does not recognise "%(file)s". Choose its source (Google Ads, Meta Ads, GA4, TikTok Ads, LinkedIn) or '
        "save a column mapping for a generic source."
    ),
    "mapped_column_missing": gettext_noop(
        'The column "%(header)s" chosen for %(field)s is not in the file. The file\'s columns are: %(columns)s. '
        "Choose one of them."
    ),
    "required_column_missing": gettext_noop('Column "%(header)s" (%(field)s) is missing from this %(platform)s export. %(hint)s'),
    "generic_column_missing": gettext_noop(
        "No column holds %(field)s. The file's columns are: %(columns)s. Choose the column that holds %(field)s in "
        "the column mapping."
    ),
    "no_usable_table": gettext_noop(
        'None of the tables in "%(file)s" has figures Alur keeps (impressions, clicks, cost, conversions, sessions, '
        "new users…). Its tables: %(tables)s."
    ),
    "no_metric_columns": gettext_noop(
        "None of the file's columns is a figure Alur imports (impressions, clicks, cost, conversions, sessions…). "
        "The file's columns are: %(columns)s. Map at least one of them to a metric."
    ),
    "several_header_currencies": gettext_noop(
        "The column headers name different currencies (%(currencies)s). Export the report in one currency, or "
        "import each currency as its own file."
    ),
    "period_missing": gettext_noop(
        '"%(file)s" does not say which days its figures cover: it has no date column and no date range in its '
        "title. Give the period the report covers — the dates in the upload form, or --period 2026-02-01..2026-02-28 "
        "for alur import — and import it again."
    ),
    "period_conflict": gettext_noop(
        '"%(file)s" states that it covers %(stated)s, but %(given)s was given. Leave the period empty to use the '
        "file's own, or check that you chose the right file."
    ),
    "period_reversed": gettext_noop("The period ends (%(end)s) before it starts (%(start)s). Check the two dates."),
    "dates_ambiguous": gettext_noop(
        'The dates in column "%(column)s" (such as "%(value)s") can be read day first or month first. Set the '
        "source's date order and import again."
    ),
    "dates_unreadable": gettext_noop(
        'The dates in column "%(column)s" (such as "%(value)s") are not in a form Alur reads. Use a form like '
        "2026-11-23 or 23/11/2026."
    ),
    "number_ambiguous": gettext_noop(
        'Values like "%(value)s" in column "%(column)s" can be read two ways: %(id_reading)s in Indonesian style '
        "(1.234,56) or %(en_reading)s in English style (1,234.56). Set the source's number style and import again."
    ),
    "cell_not_date": gettext_noop(
        'Row %(row)s, column "%(column)s": "%(value)s" is not a date Alur reads. Use a form like 2026-11-23 or 23/11/2026.'
    ),
    "cell_not_number": gettext_noop('Row %(row)s, column "%(column)s": "%(value)s" is not a number Alur reads.'),
    "cell_negative": gettext_noop(
        'Row %(row)s, column "%(column)s": "%(value)s" is negative; performance figures cannot be below zero.'
    ),
    "cell_fraction": gettext_noop('Row %(row)s, column "%(column)s": "%(value)s" must be a whole number.'),
    "cell_currency": gettext_noop(
        'Row %(row)s, column "%(column)s": "%(value)s" is not a currency code. Write a code such as IDR or USD, or set '
        "the source's currency."
    ),
    "cell_currency_conflict": gettext_noop(
        'Row %(row)s, column "%(column)s": "%(value)s" is in %(found)s but the row says %(stated)s. Export the report '
        "in one currency."
    ),
    "cell_period_reversed": gettext_noop(
        'Row %(row)s, column "%(column)s": the period ends (%(value)s) before it starts. Check the two dates of the row.'
    ),
    "row_too_long": gettext_noop(
        "Row %(row)s has more cells than the header has columns: a value probably holds a comma, semicolon or tab "
        "without quotes around it. Put that value in quotes, or export the file again."
    ),
    "read_error": gettext_noop('"%(file)s" could not be read as a table: %(error)s'),
    "currency_missing": gettext_noop(
        '"%(file)s" does not say in which currency its amounts are, and neither does the source. Set the source\'s '
        "currency and import again."
    ),
    "unexpected": gettext_noop("The import stopped unexpectedly: %(error)s"),
    "worker_lost": gettext_noop(
        "The import of %(file)s stopped without finishing (the background worker ended while importing). Nothing was "
        "written. Try it again."
    ),
    "never_started": gettext_noop(
        "The import of %(file)s waited too long for the background worker and was not started. Nothing was "
        "written. Check that the worker runs (alur worker), then try it again."
    ),
    "text": "%(text)s",  # a message from elsewhere (a cell reader) that is already a sentence
}

# Warnings: the file was imported; these are worth knowing.
WARNINGS: Mapping[str, str] = {
    "totals_lines": gettext_noop("Totals lines recognised and not stored: %(labels)s (%(count)s in all)."),
    "summary_row": gettext_noop("The summary row without names at the top was recognised and not stored."),
    "summary_differs": gettext_noop(
        "The file's summary row differs from the sum of its rows for %(fields)s. Rounding, rows the report hides, or "
        "figures that do not add up across rows (reach counts each person once) explain such a difference."
    ),
    "totals_differ": gettext_noop(
        "The file's own total (%(label)s) differs from the sum of its rows for %(fields)s. Rounding, or rows the "
        "report hides (removed campaigns, a filter), explain such a difference."
    ),
    "metric_missing": gettext_noop(
        'The file has no column for %(field)s ("%(header)s"), which a %(platform)s export normally has; nothing is '
        "counted for %(field)s from these rows."
    ),
    "currency_assumed_source": gettext_noop(
        "The file does not say in which currency its amounts are: %(currency)s, the source's currency, was assumed. "
        "Change the source's currency if that is wrong."
    ),
    "currency_assumed_workspace": gettext_noop(
        "The file does not say in which currency its amounts are: %(currency)s, the workspace's currency, was "
        "assumed. Set the source's currency if that is wrong."
    ),
    "currency_from_values": gettext_noop("The amounts are written with their currency (%(currency)s)."),
    "blank_values": gettext_noop("Cells blank or “--” (no figure; they add nothing): %(columns)s."),
    "metric_all_blank": gettext_noop(
        'The column "%(header)s" is empty in every row, so nothing is counted for %(field)s from this file (the '
        "report may not break them down this way)."
    ),
    "blank_names": gettext_noop(
        "Rows without %(field)s: %(count)s (the first is row %(row)s). They are kept, with that name left blank."
    ),
    "repeated_rows": gettext_noop(
        "Rows that share their date and names with another row: %(count)s. The report is broken down by %(columns)s, "
        "which Alur does not keep; each row is stored and they add up."
    ),
    "repeated_names": gettext_noop(
        "Rows that share their date and names with another row: %(count)s (two ads or videos with the same name, for "
        "example). Each row is stored and they add up."
    ),
    "identical_rows": gettext_noop(
        "Rows %(rows)s are identical in every column; each was stored. If one is an accidental copy, remove it and "
        "import the file again."
    ),
    "whole_period": gettext_noop(
        "The figures cover %(period)s as a whole (no per-day date): they count in full in every date range that "
        "contains the period, and as an even share per day, marked as an estimate, in a range that covers only part "
        "of it. Daily charts do not show them."
    ),
    "period_given": gettext_noop("The period %(period)s was given with the upload: the file does not state one."),
    "tables_not_used": gettext_noop("Tables not imported (no figures Alur keeps, or no rows): %(tables)s."),
    "tables_used": gettext_noop("Tables imported: %(tables)s."),
    "replaced_earlier": gettext_noop("Rows of earlier imports for the same days that this file replaced: %(rows)s."),
    "replaced_metrics": gettext_noop(
        'The earlier import "%(file)s" of the same source and days had %(fields)s, which this file does not: they '
        "are no longer counted for those days. To keep two kinds of report of the same days (GA4's traffic and "
        "events, say), import each into a source of its own."
    ),
    "replaced_period": gettext_noop(
        'The earlier whole-period figures of "%(file)s" (%(period)s) overlapped this file and were replaced whole: '
        "the days of that period outside this file are no longer counted. Import a file covering them again if needed."
    ),
    "text": "%(text)s",
}

# Parameters that are words of ours (translated when shown) rather than values from the file.
TRANSLATED_PARAMS = frozenset({"what", "hint"})
# Parameters naming a canonical field (translated through FIELD_LABELS), alone or as a list.
FIELD_PARAMS = frozenset({"field", "fields"})
# Parameters holding ISO dates (a day, or a period "2026-02-01..2026-02-28"), shown in the reader's format.
DATE_PARAMS = frozenset({"period", "stated", "given", "start", "end"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Notice:
    """One problem or warning: ``code`` keys :data:`PROBLEMS` or :data:`WARNINGS`; ``params`` fill it in.
    ``row`` is the row number as a spreadsheet shows it (1 = the file's first line), ``column`` the header as
    the file writes it, ``value`` the cell as it was."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the key and parameters, and the English text for clients that show it as is."""
        return {
            "code": self.code,
            "params": dict(self.params),
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": english(self),
        }


def problem(code: str, *, row: int | None = None, column: str | None = None, value: str | None = None, **params: Any) -> Notice:
    if code not in PROBLEMS:
        raise KeyError(f"Unknown problem {code!r}")
    return Notice(code, {"row": row, "column": column, "value": value, **params}, row=row, column=column, value=value)


def warning(code: str, **params: Any) -> Notice:
    if code not in WARNINGS:
        raise KeyError(f"Unknown warning {code!r}")
    return Notice(code, params)


# Problem and warning keys never collide (but for "text", the same in both), so one lookup serves both.
TEMPLATES: Mapping[str, str] = {**PROBLEMS, **WARNINGS}


def english(notice: Notice | Mapping[str, Any]) -> str:
    """The notice in English (its untranslated template); the field names as in :data:`FIELD_LABELS`."""
    code, params = (notice.code, notice.params) if isinstance(notice, Notice) else (notice["code"], notice["params"])
    return fill(TEMPLATES.get(code, "%(text)s"), words(params, lambda text: text, date.isoformat))


def words(
    params: Mapping[str, Any], translate: Callable[[str], str], format_date: Callable[[date], str] | None = None
) -> dict[str, Any]:
    """``params`` ready for a template in one language: field names as labels (a list joined with commas), our
    own words passed through ``translate``, and the dates of a period (stored as ISO dates) in the reader's
    format when ``format_date`` is given; values from the file as they are."""
    ready: dict[str, Any] = {}
    for name, value in params.items():
        if name in DATE_PARAMS and format_date is not None and isinstance(value, str):
            shown = _ISO_DATE.sub(lambda m: format_date(date.fromisoformat(m[0])), value)
            ready[name] = shown.replace("..", " – ")
        elif name in FIELD_PARAMS:
            names = value if isinstance(value, list | tuple) else [value]
            ready[name] = ", ".join(translate(FIELD_LABELS.get(v, v)) for v in names)
        elif name in TRANSLATED_PARAMS and isinstance(value, str) and value:
            ready[name] = translate(value)
        else:
            ready[name] = value
    return ready


def fill(text: str, params: Mapping[str, Any]) -> str:
    """``text % params``, tolerant of a parameter the text does not use or a missing one (shown as "")."""
    return text % _Lenient({k: "" if v is None else v for k, v in params.items()})


class _Lenient(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


class ImportFailed(Exception):
    """The file was not imported; ``problems`` say why, row by row. Nothing was written."""

    def __init__(self, problems: Sequence[Notice]) -> None:
        super().__init__("; ".join(english(p) for p in problems[:3]))
        self.problems = list(problems)
