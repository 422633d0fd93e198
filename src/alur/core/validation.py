"""Input checks every context's services share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
