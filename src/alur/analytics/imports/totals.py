"""Totals lines: recognised wherever their label sits, never stored as data.

Google Ads writes ``Total: Campaigns``, ``Total: Account``, ``Total: Search`` … below the rows, with the
label in the first column whatever that column is ("Campaign status" in a campaign report), and the
channel-distribution report writes ``Total:`` with no label at all. GA4 writes ``Grand total``, others
``Total``, ``Totals``, ``Total of 12 results`` or, in Indonesian, ``Jumlah``/``Total keseluruhan``. A row is a
totals line when its **first non-empty cell** is such a label; a campaign called "Total Promo" is not one
(the label must stand alone or be followed by ``:`` or ``of …``). Meta and GA4 may also write a summary row
without any names right below the header (the importer handles that one: it needs the column match).

Of a file's totals lines, the one closest to the data that is not broken down by a type is the file's own
total (:func:`is_file_total_label`): ``Total: Campaigns``, ``Total: Campaign``, ``Total:``, ``Grand total``,
``Total`` — not ``Total: Account`` (it includes campaigns a filtered report hides) nor ``Total: Search``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["TOTAL_LABEL_RE", "is_file_total_label", "is_total_cells", "total_label_sql"]

_LABELS = r"total|totals|grand total|subtotal|total keseluruhan|jumlah|jumlah total|total semua"
TOTAL_LABEL_RE = re.compile(rf"^(?:{_LABELS})(?:\s*:.*|\s+(?:of|dari)\s.*)?$", re.IGNORECASE | re.DOTALL)
_FILE_TOTAL_RE = re.compile(
    r"^(?:total|totals|grand total|total keseluruhan|jumlah|jumlah total)"
    r"(?:\s*:\s*(?:campaigns?|ad groups?|keywords?|ads?|kampanye|grup iklan|iklan|kata kunci)?)?\s*$",
    re.IGNORECASE,
)


def is_total_cells(cells: Sequence[str]) -> bool:
    first = next((c.strip() for c in cells if c and c.strip()), None)
    return first is not None and bool(TOTAL_LABEL_RE.match(first))


def is_file_total_label(label: str) -> bool:
    return bool(_FILE_TOTAL_RE.match(label.strip()))


def total_label_sql(first_cell_sql: str) -> str:
    """SQL ``TRUE`` when the row's first non-empty cell (an expression, already trimmed) is a totals label. A
    cheap test of the first letter runs first (DuckDB evaluates the rest of a conjunction only on the rows that
    pass it), the regular expression only on the few cells that pass all."""
    first = f"lower(left({first_cell_sql}, 1))"
    return (
        f"({first} IN ('t', 'g', 'j', 's') "
        f"AND regexp_full_match(lower({first_cell_sql}), '(?s)({_LABELS})(\\s*:.*|\\s+(of|dari)\\s.*)?'))"
    )
