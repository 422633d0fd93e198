"""Which of a file's columns feeds which of Alur's fields.

Header names are compared after :func:`normalize_header`: case-insensitive, surrounding and repeated
whitespace ignored, Excel's ``="…"`` wrapper dropped, and a trailing currency in parentheses dropped
(``"Amount spent (IDR)"`` is ``"amount spent"`` in IDR; :func:`currency_from_header`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from alur.analytics.imports.messages import Notice, problem, warning
from alur.analytics.imports.platforms import (
    CANONICAL_FIELDS,
    CANONICAL_METRICS,
    FORMATS,
    GENERIC,
    MONEY_METRICS,
    Difference,
    SourceFormat,
)
from alur.analytics.numbers import NumberError, parse_currency_code

__all__ = ["ColumnMatch", "currency_from_header", "detect_format", "known_header_count", "match_columns", "normalize_header"]

_TRAILING_PARENS_RE = re.compile(r"\(([^()]*)\)\s*$")
_EXCEL_TEXT_RE = re.compile(r'^="(.*)"$', re.DOTALL)


def unwrap_excel_text(cell: str) -> str:
    """``="Biaya"`` → ``Biaya``: the way some exports (TikTok) keep Excel from reading a cell as a number."""
    match = _EXCEL_TEXT_RE.match(cell.strip())
    return match[1].replace('""', '"') if match else cell


def currency_from_header(header: str) -> str | None:
    """The ISO 4217 currency a header announces in trailing parentheses, else ``None``.

    ``"Amount spent (IDR)"`` → ``"IDR"``, ``"Cost (USD)"`` → ``"USD"``, ``"Biaya (Rp)"`` → ``"IDR"``;
    ``"Clicks (destination)"`` and ``"Start Date (in UTC)"`` → ``None``.
    """
    match = _TRAILING_PARENS_RE.search(header.strip())
    if match is None:
        return None
    try:
        return parse_currency_code(match[1])
    except NumberError:
        return None


def normalize_header(header: str) -> str:
    """The form headers are compared in: lower case, single spaces, no trailing currency in parentheses."""
    text = " ".join(unwrap_excel_text(header).replace("\ufeff", "").replace("\u00a0", " ").split())
    if currency_from_header(text) is not None:
        text = _TRAILING_PARENS_RE.sub("", text).rstrip()
    return text.casefold()


def _normalized_set(names: Sequence[str]) -> frozenset[str]:
    return frozenset(normalize_header(n) for n in names)


_SIGNATURES: dict[str, frozenset[str]] = {key: _normalized_set(fmt.signature) for key, fmt in FORMATS.items()}
_ALIASES: dict[str, frozenset[str]] = {
    key: _normalized_set([n for names in fmt.aliases.values() for n in names]) for key, fmt in FORMATS.items()
}
_KNOWN_HEADERS: frozenset[str] = frozenset(
    normalize_header(name)
    for fmt in (*FORMATS.values(), GENERIC)
    for names in (*fmt.aliases.values(), fmt.derived, fmt.period_ends, fmt.day_index)
    for name in names
)


def known_header_count(cells: Sequence[str]) -> int:
    """How many cells are header names some platform writes: two or more make a header line."""
    return sum(1 for c in cells if c.strip() and normalize_header(c) in _KNOWN_HEADERS)


def detect_format(headers: Sequence[str]) -> str | None:
    """The :data:`FORMATS` key whose signature headers the file has most of, or ``None`` for none.

    Ties (rare: a file mixing two platforms' vocabularies) go to the format with more alias hits."""
    normalized = {normalize_header(h) for h in headers}
    best: tuple[int, int, str] | None = None
    for key in FORMATS:
        hits = len(normalized & _SIGNATURES[key])
        if not hits:
            continue
        score = (hits, len(normalized & _ALIASES[key]), key)
        if best is None or score[:2] > best[:2]:
            best = score
    return best[2] if best else None


@dataclass(frozen=True)
class ColumnMatch:
    """Which header feeds which canonical field.

    ``columns`` maps canonical field → header as written in the file. ``currency_by_header`` holds the
    currency announced by a header (``"Amount spent (IDR)"`` → ``"IDR"``). ``ignored`` lists every header
    that feeds nothing, in file order (a repeated header counts once per repeat); ``known_unused`` is the
    part of it the format knows and leaves out on purpose (``SourceFormat.derived``: ratios, users, IDs).
    ``derivations`` are the metrics to compute (GA4 bounces). ``period_end`` is the header that ends each
    row's period when the date column starts one (Meta's "Reporting ends"); ``day_index`` says the date
    column counts days from the file's start (GA4's "Nth day"). ``problems`` holds one notice per reason
    the file cannot be imported; ``warnings`` things worth telling but not blocking.
    """

    format_key: str | None
    columns: dict[str, str]
    currency_by_header: dict[str, str]
    ignored: list[str]
    known_unused: list[str]
    derivations: list[Difference]
    period_end: str | None
    day_index: bool
    problems: list[Notice]
    warnings: list[Notice]

    @property
    def metrics(self) -> list[str]:
        """The canonical metrics the file provides, read or derived."""
        derived = {d.target for d in self.derivations}
        return [m for m in CANONICAL_METRICS if m in self.columns or m in derived]

    @property
    def header_currency(self) -> str | None:
        """The one currency the money headers announce, or ``None`` (none, or several — see problems)."""
        codes = {self.currency_by_header[h] for h in self.currency_by_header if h in self.columns.values()}
        return codes.pop() if len(codes) == 1 else None

    @property
    def has_money(self) -> bool:
        return any(m in self.columns for m in MONEY_METRICS)


def match_columns(headers: Sequence[str], fmt: SourceFormat | None, mapping: Mapping[str, str] | None = None) -> ColumnMatch:
    """Match a file's headers to canonical fields.

    ``fmt`` is the detected platform (``None`` for a generic file, matched with :data:`GENERIC`'s
    aliases). ``mapping`` (canonical field → header, from the user) wins over aliases; a mapping naming a
    field Alur does not know raises :class:`ValueError` (a programming error, not the marketer's), one
    naming a header the file does not have is reported in ``problems``. When headers repeat, the first
    one is used and the repeats are ignored.
    """
    source = fmt or GENERIC
    index: dict[str, int] = {}  # normalized header → position of its first occurrence
    for number, header in enumerate(headers):
        index.setdefault(normalize_header(header), number)
    columns: dict[str, str] = {}
    used: set[int] = set()
    problems: list[Notice] = []
    unmapped: set[str] = set()  # fields whose mapped header is not in the file

    for canonical, header in (mapping or {}).items():
        if canonical not in CANONICAL_FIELDS:
            raise ValueError(f"{canonical!r} is not a canonical field; expected one of {', '.join(CANONICAL_FIELDS)}")
        found = index.get(normalize_header(header))
        if found is None:
            problems.append(problem("mapped_column_missing", header=header, field=canonical, columns=_quoted(headers)))
            unmapped.add(canonical)
            continue
        columns[canonical] = headers[found]
        used.add(found)

    def take(names: Sequence[str]) -> str | None:
        for name in names:
            position = index.get(normalize_header(name))
            if position is not None and position not in used:
                used.add(position)
                return headers[position]
        return None

    for canonical, names in source.aliases.items():
        if canonical in columns or (mapping and canonical in mapping):
            continue
        if (chosen := take(names)) is not None:
            columns[canonical] = chosen
    day_index = False
    if "date" not in columns and not (mapping and "date" in mapping) and (chosen := take(source.day_index)) is not None:
        columns["date"], day_index = chosen, True

    period_end = None
    date_header = columns.get("date")
    if date_header is not None and normalize_header(date_header) in _normalized_set(source.period_starts):
        period_end = take(source.period_ends)

    ratio_names = _normalized_set(source.derived)
    ignored = [h for i, h in enumerate(headers) if i not in used and h.strip()]
    known_unused = [h for h in ignored if normalize_header(h) in ratio_names]
    currency_by_header = {h: code for h in headers if (code := currency_from_header(h)) is not None}

    for name in source.required:
        if name not in columns and name not in unmapped:
            problems.append(_missing(source, name, headers))
    derivations = [
        d for target, d in source.derive.items() if target not in columns and d.minuend in columns and d.subtrahend in columns
    ]
    if not any(m in columns for m in CANONICAL_METRICS) and not derivations and not unmapped:
        problems.append(problem("no_metric_columns", columns=_quoted(headers)))
    money_codes = sorted({currency_by_header[headers[i]] for i in used if headers[i] in currency_by_header})
    if len(money_codes) > 1:
        problems.append(problem("several_header_currencies", currencies=", ".join(money_codes)))
    warnings = [
        warning("metric_missing", field=name, header=source.header_for(name), platform=source.label)
        for name in source.expected
        if name not in columns
    ]
    return ColumnMatch(
        format_key=fmt.key if fmt else None,
        columns=columns,
        currency_by_header=currency_by_header,
        ignored=ignored,
        known_unused=known_unused,
        derivations=derivations,
        period_end=period_end,
        day_index=day_index,
        problems=problems,
        warnings=warnings,
    )


def _quoted(headers: Sequence[str]) -> str:
    return ", ".join(f'"{h}"' for h in headers if h.strip()) or "—"


def _missing(source: SourceFormat, canonical: str, headers: Sequence[str]) -> Notice:
    if source is GENERIC:
        return problem("generic_column_missing", field=canonical, columns=_quoted(headers))
    return problem(
        "required_column_missing",
        header=source.header_for(canonical),
        field=canonical,
        platform=source.label,
        hint=source.date_hint if canonical == "date" else "",
    )
