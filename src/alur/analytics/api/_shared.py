"""What the API of analytics shares: the error answers every endpoint may give, and the caller."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alur.accounts.api import ErrorOut
from alur.accounts.models import User

ERRORS: dict[int | str, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]
