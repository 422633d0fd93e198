"""The one interface every channel connector implements. Framework-free: no Django imports here.

A connector turns a :class:`Payload` (one content variant, ready to go out) into a post on one
platform, and answers the questions the scheduler must ask to publish *exactly once*:

* :meth:`Connector.publish` — send it; the payload carries the idempotency key that the scheduler
  recorded before the call, and connectors send it where the platform takes one.
* :meth:`Connector.find` — after a crash or a timeout: does the post already exist? (by the key, by a
  marker, or by the platform's own lookup). ``None`` means "looked, not there"; a connector that
  cannot look at all declares ``capabilities.can_find = False`` and the scheduler then never retries
  an attempt whose outcome is unknown (it fails it with a reason instead of risking a second post).
* :meth:`Connector.delete` — unpublish (rollback) where the platform allows it.
* :meth:`Connector.test_connection` and :meth:`Connector.refresh` — account health.

Errors are classified once, here, so the scheduler's retry policy does not depend on the platform:

=====================  ========================================================================
``TransientError``     5xx, connection refused before the request was sent: retry with backoff
``RateLimited``        429 or a platform rate-limit code: retry after ``retry_after`` seconds
``OutcomeUnknown``     the request may have reached the platform (read timeout, dropped
                       connection): reconcile with :meth:`find` before any retry
``PermanentError``     validation and other 4xx: fail at once, a person must change something
``AuthError``          expired or revoked token: fail at once, the account needs reconnecting
=====================  ========================================================================
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
USER_AGENT = "Alur/1.0 (+https://github.com/alur-marketing/alur)"


def gettext_noop(text: str) -> str:
    """Marks a connector's field label for translation (``make messages`` finds it by this name) without
    importing Django here; the pages translate the label when they show it."""
    return text


# --------------------------------------------------------------------------------------- errors
class ConnectorError(Exception):
    """Base of every connector failure. ``message`` is written for a marketer; ``detail`` for the log."""

    retryable: ClassVar[bool] = False

    def __init__(self, message: str, *, status: int | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail[:2000]


class TransientError(ConnectorError):
    retryable = True

    def __init__(self, message: str, *, status: int | None = None, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(message, status=status, detail=detail)
        self.retry_after = retry_after


class RateLimited(TransientError):
    pass


class OutcomeUnknown(TransientError):
    """The request may have been received: never retry without asking the platform first."""


class PermanentError(ConnectorError):
    pass


class AuthError(PermanentError):
    """The token is expired or revoked; ``revoked`` tells the two apart where the platform does."""

    def __init__(self, message: str, *, status: int | None = None, detail: str = "", revoked: bool = False) -> None:
        super().__init__(message, status=status, detail=detail)
        self.revoked = revoked


# ------------------------------------------------------------------------------------ data types
@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` posts per ``seconds`` per account (the platform's published quota)."""

    count: int
    seconds: int
    source: str = ""


@dataclass(frozen=True)
class SharedQuota:
    """A daily quota of calls shared by every account whose connector names the same ``group`` (for YouTube: the
    Google Cloud project behind the OAuth client), reset at midnight in ``timezone``. An empty ``group`` means the
    account shares it with no other account."""

    group: str
    count: int
    timezone: str = "UTC"
    source: str = ""


@dataclass(frozen=True)
class Capabilities:
    media_types: frozenset[str] = frozenset()  # "image", "video"
    max_media: int = 0
    max_text: int | None = None
    can_delete: bool = False
    can_find: bool = False  # can answer "does this post exist?" after an unknown outcome
    idempotency_key: bool = False  # the platform itself de-duplicates on a key we send
    refreshes_tokens: bool = False
    rate_limits: tuple[RateLimit, ...] = ()
    docs: str = ""  # the public API documentation this connector follows


@dataclass(frozen=True)
class MediaFile:
    name: str
    mime_type: str
    url: str  # an absolute URL the platform can fetch (platforms that pull media)
    path: str = ""  # a local path (platforms that take an upload)
    size: int = 0

    @property
    def kind(self) -> str:
        return "video" if self.mime_type.startswith("video/") else "image"

    def read(self) -> bytes:
        with open(self.path, "rb") as handle:
            return handle.read()


@dataclass(frozen=True)
class Payload:
    """One variant ready to go out. ``link`` and links in ``text`` already carry the UTM tags."""

    idempotency_key: str
    text: str
    title: str = ""
    link: str = ""
    hashtags: tuple[str, ...] = ()
    media: tuple[MediaFile, ...] = ()
    publish_at: datetime | None = None
    item_id: int | None = None
    variant_id: int | None = None
    platform: str = ""
    campaign: str = ""

    def body(self) -> str:
        """Text followed by the hashtags that are not already in it (how most platforms take them)."""
        missing = [f"#{tag.lstrip('#')}" for tag in self.hashtags if f"#{tag.lstrip('#')}".lower() not in self.text.lower()]
        parts = [self.text.rstrip()]
        if missing:
            parts.append(" ".join(missing))
        return "\n\n".join(part for part in parts if part)


@dataclass(frozen=True)
class Published:
    external_id: str
    url: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenSet:
    """Fresh credentials after a refresh. ``refresh_token`` empty means "keep the one you have".

    ``expires_in`` is the lifetime in seconds exactly as the platform's token endpoint gave it; the caller
    turns it into the stored expiry with its own clock (``expires_at`` is the same, measured at receipt)."""

    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    expires_in: int | None = None


@dataclass(frozen=True)
class AccountConfig:
    """What a connector knows about the account: public settings and decrypted credentials."""

    config: Mapping[str, Any]
    credentials: Mapping[str, Any]
    token_expires_at: datetime | None = None

    def setting(self, name: str, default: Any = "") -> Any:
        return self.config.get(name, default)

    def secret(self, name: str, default: str = "") -> str:
        return str(self.credentials.get(name, default) or default)


# ------------------------------------------------------------------------------------ the class
class Connector:
    """Subclasses set ``key``, ``label``, ``capabilities`` and implement :meth:`publish`."""

    do_not_call_in_templates: ClassVar[bool] = True  # templates show the class's capabilities
    key: ClassVar[str] = ""
    label: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    # Settings a person fills in when adding the account: (name, label, secret?, required?)
    fields: ClassVar[tuple[tuple[str, str, bool, bool], ...]] = ()

    def __init__(self, account: AccountConfig, *, client: httpx.Client | None = None) -> None:
        self.account = account
        timeout = DEFAULT_TIMEOUT
        if account.config.get("timeout_seconds"):
            seconds = float(account.config["timeout_seconds"])
            timeout = httpx.Timeout(seconds, connect=min(5.0, seconds))
        self.client = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        # Settings the platform told :meth:`test_connection` (e.g. an instance's limits); the caller stores
        # them in the account's settings, where later calls read them.
        self.learned: dict[str, Any] = {}

    # -- the contract
    def publish(self, payload: Payload) -> Published:
        raise NotImplementedError

    def can_find(self) -> bool:
        """Whether :meth:`find` works for this account (some connectors need an optional setting)."""
        return self.capabilities.can_find

    def find(self, payload: Payload) -> Published | None:
        raise PermanentError("This channel cannot look up whether a post already exists.")

    def delete(self, external_id: str) -> None:
        raise PermanentError("This channel does not allow removing a published post through its API.")

    def test_connection(self) -> str:
        """Check the credentials; return a short description of the account (its name or handle)."""
        raise NotImplementedError

    def refresh(self) -> TokenSet | None:
        """Refresh the access token where the platform has refresh tokens; ``None`` when it has not."""
        return None

    def shared_quota(self) -> SharedQuota | None:
        """A daily quota this account shares with other accounts (the scheduler holds posts when it is used up)."""
        return None

    # -- helpers shared by the HTTP connectors
    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """Send one request and classify every failure (see the module docstring)."""
        try:
            response = self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            raise TransientError("The platform could not be reached; Alur will try again.", detail=repr(error)) from error
        except httpx.TimeoutException as error:
            raise OutcomeUnknown(
                "The platform did not answer in time; Alur checks whether the post arrived before trying again.",
                detail=repr(error),
            ) from error
        except httpx.TransportError as error:
            raise OutcomeUnknown(
                "The connection broke while sending; Alur checks before trying again.", detail=repr(error)
            ) from error
        if response.status_code >= 400:
            self.raise_for_status(response)
        return response

    def raise_for_status(self, response: httpx.Response) -> None:
        """Map an error response to the error classes; connectors override to read platform codes."""
        raise classify_status(response, self.error_message(response))

    def error_message(self, response: httpx.Response) -> str:
        """The platform's own error text, best effort."""
        try:
            data = response.json()
        except ValueError:
            return response.text[:300]
        return _first_message(data) or response.text[:300]


def classify_status(response: httpx.Response, message: str) -> ConnectorError:
    """The generic HTTP mapping: 401/403 auth, 429 rate limit, 408/5xx transient, other 4xx permanent."""
    status = response.status_code
    detail = f"HTTP {status}: {response.text[:1500]}"
    if status == 429:
        return RateLimited(
            f"The platform's rate limit was reached; Alur waits and tries again. ({message})",
            status=status,
            detail=detail,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    if status in (401, 403):
        return AuthError(
            f"The platform refused the account's token: {message}. Reconnect the account.", status=status, detail=detail
        )
    if status == 504:
        return OutcomeUnknown(
            "A gateway in front of the platform timed out; Alur checks whether the post arrived before trying again.",
            status=status,
            detail=detail,
        )
    if status == 408 or status >= 500:
        return TransientError(
            f"The platform had a temporary error ({status}); Alur will try again.", status=status, detail=detail
        )
    return PermanentError(f"The platform refused the post: {message}", status=status, detail=detail)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


def _first_message(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("message", "error_description", "detail", "error_msg", "description", "title"):
            value = data.get(key)
            if isinstance(value, str) and value:
                return value
        for key in ("error", "errors", "data"):
            if key in data:
                found = _first_message(data[key])
                if found:
                    return found
    if isinstance(data, list) and data:
        return _first_message(data[0])
    if isinstance(data, str):
        return data
    return ""
