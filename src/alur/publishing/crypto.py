"""Channel credentials encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``).

Keys come from ``ALUR_CREDENTIALS_KEYS`` (comma-separated; the first encrypts, every key decrypts, so a
key can be rotated by putting the new one first and running ``alur rotate-credentials``); without it a
key is generated once into ``ALUR_DATA_DIR/credentials_key``. Losing the key loses the credentials
(accounts must then be reconnected), so back it up with the database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialsError(Exception):
    pass


def _fernet(keys: Sequence[str]) -> MultiFernet:
    if not keys:
        raise CredentialsError("No credentials key is configured (ALUR_CREDENTIALS_KEYS).")
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(data: Mapping[str, Any], keys: Sequence[str]) -> str:
    if not data:
        return ""
    return _fernet(keys).encrypt(json.dumps(dict(data), sort_keys=True).encode()).decode()


def decrypt(token: str, keys: Sequence[str]) -> dict[str, Any]:
    if not token:
        return {}
    try:
        value = json.loads(_fernet(keys).decrypt(token.encode()))
    except InvalidToken as error:
        raise CredentialsError(
            "The stored credentials cannot be decrypted with the configured keys; reconnect the account "
            "or restore the previous key in ALUR_CREDENTIALS_KEYS."
        ) from error
    return value if isinstance(value, dict) else {}


def rotate(token: str, keys: Sequence[str]) -> str:
    """Re-encrypt ``token`` with the first key."""
    return _fernet(keys).rotate(token.encode()).decode() if token else ""


def mask(value: str) -> str:
    """What the UI shows of a secret: its last four characters."""
    return f"••••{value[-4:]}" if len(value) > 8 else "••••"
