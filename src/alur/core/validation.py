"""Input checks every context's services share."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import Field


def refuse_nul_characters(**values: Any) -> None:
    """PostgreSQL cannot store NUL characters in text: refuse them per field, before anything is saved,
    instead of failing at save time (SQLite would store them, so both databases behave alike)."""
    errors = {
        field: _("This text contains an invisible NUL character; remove it.")
        for field, value in values.items()
        if isinstance(value, str) and "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


# The largest id a row can have on either database (a signed 64-bit integer: SQLite's INTEGER, PostgreSQL's
# bigint). An API id outside 1..MAX_ID names nothing: it is refused with 422 before any query, where the
# database would fail on it (an overflow is a server error, not an answer).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
