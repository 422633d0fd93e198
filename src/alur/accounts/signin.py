"""How django-axes names the account a sign-in attempt is for.

Sign-in finds the account by its normalised email (:func:`alur.accounts.models.normalize_email`), so
``Manager@…``, ``MANAGER@…`` and `` manager@… `` are one account. Axes must count their failures, and
check their lock, under that same name; otherwise each spelling gets its own allowance of failures and
a locked account signs in by typing its address in capitals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from alur.accounts.models import normalize_email


def axes_username(request: HttpRequest | None, credentials: Mapping[str, Any] | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the username from the credentials (or the posted form), normalised."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value: Any = None
    if credentials:
        value = credentials.get(field)
    elif request is not None:
        value = getattr(request, "data", request.POST).get(field)
    if not isinstance(value, str):
        return value
    return normalize_email(value)
