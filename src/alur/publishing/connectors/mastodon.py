"""Mastodon: posts a status to one account on any Mastodon instance through its REST API.

Documentation followed:

* Statuses — https://docs.joinmastodon.org/methods/statuses/ (``POST /api/v1/statuses`` with the
  ``Idempotency-Key`` header, ``DELETE /api/v1/statuses/:id``)
* Media — https://docs.joinmastodon.org/methods/media/ (``POST /api/v2/media``, ``GET /api/v1/media/:id``)
* Accounts — https://docs.joinmastodon.org/methods/accounts/ (``GET /api/v1/accounts/verify_credentials``,
  ``GET /api/v1/accounts/:id/statuses``)
* Rate limits — https://docs.joinmastodon.org/api/rate-limits/
* Errors — https://docs.joinmastodon.org/entities/Error/ (``{"error": "..."}``)

How a post goes out (``Authorization: Bearer <access token>`` on every call):

1. Each file: ``POST /api/v2/media`` (multipart ``file``) → a MediaAttachment. ``200`` means it is ready;
   ``202`` means the instance still processes it (``url`` is null): Alur polls ``GET /api/v1/media/:id``
   (``206`` while processing, ``200`` with ``url`` when done) for at most :data:`PROCESSING_TIMEOUT`.
2. ``POST /api/v1/statuses`` with ``status``, ``media_ids[]`` and ``visibility``, and the header
   ``Idempotency-Key: <the post's key>`` → a Status; ``id`` and ``url`` are the result.

A status holds up to ``max_media_attachments`` images (4 by default), or one video, and up to
``max_characters`` characters (500 by default), each link counting ``characters_reserved_per_url`` (23).
Each instance sets its own: :meth:`MastodonConnector.test_connection` reads them from ``GET /api/v2/instance``
(``configuration.statuses``, https://docs.joinmastodon.org/methods/instance/#v2 and
https://docs.joinmastodon.org/entities/Instance/#statuses, read 2026-12-08) and hands them over in
``learned``, which is stored in the account's settings; publishing checks against them (the defaults when
they were never read) and Mastodon itself refuses longer text with 422 ("Text character limit of N exceeded").

Errors: 401 ``{"error": "The access token is invalid"}`` → :class:`AuthError`; 403 (suspended account, a
token without the ``write:statuses`` scope) → :class:`AuthError`; 422 ``{"error": "Validation failed:
..."}`` → :class:`PermanentError` with Mastodon's text; 429 → :class:`RateLimited`, waiting until
``Retry-After`` or, as Mastodon sends it, ``X-RateLimit-Reset`` (an ISO 8601 time); 5xx → transient.

Reconciliation after an unknown outcome is two-fold:

* Mastodon remembers the ``Idempotency-Key`` for about one hour: a retry inside that hour returns the
  status created by the first attempt instead of posting again (``capabilities.idempotency_key``).
* :meth:`MastodonConnector.find` is a **best-effort** lookup that never posts: it reads the account's 40
  latest statuses (``GET /api/v1/accounts/:id/statuses``, without replies and boosts) and matches the
  text. Mastodon returns text as HTML (paragraphs, ``<br>``, links split into spans, hashtags as links),
  so both sides are compared as plain text with tags removed, entities decoded and whitespace collapsed.
  Only statuses created at most :data:`FIND_SKEW` before the scheduled time count, so an identical older
  post is not taken for this one. A post older than the 40 latest is not found (the scheduler then
  retries, and the key still protects it within the hour).

Rate limits (docs): 300 requests per 5 minutes per account on every endpoint; media uploads 30 per 30
minutes; deleting statuses 30 per 30 minutes. Instances may configure other numbers.
"""

from __future__ import annotations

import html
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from .base import (
    AuthError,
    Capabilities,
    Connector,
    MediaFile,
    OutcomeUnknown,
    Payload,
    PermanentError,
    Published,
    RateLimit,
    RateLimited,
    TransientError,
    gettext_noop,
    parse_retry_after,
)

DOCS = "https://docs.joinmastodon.org/methods/statuses/"
MEDIA_DOCS = "https://docs.joinmastodon.org/methods/media/"
RATE_LIMIT_DOCS = "https://docs.joinmastodon.org/api/rate-limits/"
INSTANCE_DOCS = "https://docs.joinmastodon.org/methods/instance/#v2"
MAX_TEXT = 500  # Mastodon's default; each instance sets its own (configuration.statuses.max_characters)
MAX_MEDIA = 4  # Mastodon's default (configuration.statuses.max_media_attachments)
URL_WEIGHT = 23  # Mastodon's default (configuration.statuses.characters_reserved_per_url)
LIMIT_SETTINGS = {"max_characters": MAX_TEXT, "max_media_attachments": MAX_MEDIA, "characters_reserved_per_url": URL_WEIGHT}
_LINK = re.compile(r"https?://\S+")
VISIBILITIES = ("public", "unlisted", "private", "direct")
PROCESSING_TIMEOUT = 300.0  # seconds Alur waits for the instance to process an upload
FIND_LIMIT = 40  # the largest page GET /api/v1/accounts/:id/statuses returns
FIND_SKEW = timedelta(minutes=15)
sleep = time.sleep  # how the connector waits between media polls (tests replace it)

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>", re.IGNORECASE)


def plain_text(content: str) -> str:
    """A status's HTML ``content`` (or our own text) as comparable plain text."""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", content))).split())


class MastodonConnector(Connector):
    key = "mastodon"
    label = "Mastodon"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=MAX_MEDIA,
        max_text=MAX_TEXT,
        can_delete=True,
        can_find=True,  # best-effort timeline lookup, see the module docstring
        idempotency_key=True,
        refreshes_tokens=False,  # Mastodon access tokens do not expire
        rate_limits=(
            RateLimit(300, 5 * 60, source=RATE_LIMIT_DOCS),
            RateLimit(30, 30 * 60, source=RATE_LIMIT_DOCS),  # media uploads and status deletions
        ),
        docs=DOCS,
    )
    fields = (
        ("base_url", gettext_noop("Instance URL (e.g. https://mastodon.social)"), False, True),
        ("visibility", gettext_noop("Visibility: public, unlisted, private or direct (default public)"), False, False),
        ("access_token", gettext_noop("Access token (write:statuses, write:media, read:accounts, read:statuses)"), True, True),
    )

    # -- plumbing
    @property
    def base_url(self) -> str:
        url = str(self.account.setting("base_url", "") or "").strip().rstrip("/")
        if not url:
            raise PermanentError("The Mastodon account has no instance URL; add it in the account settings.")
        if "://" not in url:
            url = f"https://{url}"
        return url

    def headers(self) -> dict[str, str]:
        token = self.account.secret("access_token")
        if not token:
            raise AuthError("The Mastodon account has no access token. Reconnect the account.")
        return {"Authorization": f"Bearer {token}"}

    def visibility(self) -> str:
        value = str(self.account.setting("visibility", "") or "public").strip().lower()
        if value not in VISIBILITIES:
            raise PermanentError(
                f"The Mastodon visibility '{value}' is not one of {', '.join(VISIBILITIES)}; fix the account settings."
            )
        return value

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self.classify(response)

    def classify(self, response: httpx.Response, *, now: float | None = None) -> Exception:
        status = response.status_code
        message = self.error_message(response)
        detail = f"HTTP {status}: {response.text[:1500]}"
        if status == 401:
            return AuthError(
                f"Mastodon refused the account's token ({message}). Reconnect the account.",
                status=status,
                detail=detail,
                revoked="revoked" in message.lower(),
            )
        if status == 403:
            return AuthError(
                f"Mastodon refused the account: {message}. Check the account and reconnect it with write access.",
                status=status,
                detail=detail,
            )
        if status == 429:
            return RateLimited(
                f"Mastodon's rate limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=rate_limit_wait(response.headers, now=now),
            )
        if status == 504:
            return OutcomeUnknown(
                "Mastodon timed out; Alur checks whether the post arrived before trying again.", status=status, detail=detail
            )
        if status == 408 or status >= 500:
            return TransientError(
                f"Mastodon had a temporary error ({status}); Alur will try again.", status=status, detail=detail
            )
        return PermanentError(f"Mastodon refused the post: {message}", status=status, detail=detail)

    def text(self, payload: Payload) -> str:
        text = payload.body()
        if payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        return text

    def post_url(self, status: dict[str, Any]) -> str:
        return str(status.get("url") or status.get("uri") or "")

    # -- the contract
    def limit(self, name: str) -> int:
        """The instance's limit ``name`` as stored at the last connection test, else Mastodon's default."""
        try:
            value = int(self.account.setting(name, 0) or 0)
        except (TypeError, ValueError):
            value = 0
        return value if value > 0 else LIMIT_SETTINGS[name]

    def check_text(self, text: str) -> None:
        weight = self.limit("characters_reserved_per_url")
        size = len(_LINK.sub("x" * weight, text))
        maximum = self.limit("max_characters")
        if size > maximum:
            raise PermanentError(f"The Mastodon post has {size} characters; this instance allows at most {maximum}.")

    def publish(self, payload: Payload) -> Published:
        self.check_media(payload.media)
        self.check_text(self.text(payload))
        visibility = self.visibility()
        media_ids = [self.upload(item) for item in payload.media]
        form: dict[str, Any] = {"status": self.text(payload), "visibility": visibility}
        if media_ids:
            form["media_ids[]"] = media_ids
        headers = {**self.headers(), "Idempotency-Key": payload.idempotency_key}
        response = self.request("POST", f"{self.base_url}/api/v1/statuses", data=form, headers=headers)
        status = _json_object(response)
        status_id = str(status.get("id") or "")
        if not status_id:
            raise OutcomeUnknown(
                "Mastodon accepted the post but did not return its id; Alur checks before trying again.",
                status=response.status_code,
                detail=response.text[:1500],
            )
        return Published(status_id, self.post_url(status), status)

    def check_media(self, media: tuple[MediaFile, ...]) -> None:
        maximum = self.limit("max_media_attachments")
        if len(media) > maximum:
            raise PermanentError(f"A Mastodon post on this instance takes at most {maximum} images.")
        if len(media) > 1 and any(item.kind == "video" for item in media):
            raise PermanentError(f"A Mastodon post takes either up to {maximum} images or one video, not both.")

    def upload(self, item: MediaFile) -> str:
        """Upload one file; wait while the instance processes it; return the attachment id."""
        response = self.request(
            "POST",
            f"{self.base_url}/api/v2/media",
            files={"file": (item.name or "upload", item.read(), item.mime_type or "application/octet-stream")},
            headers=self.headers(),
        )
        attachment = _json_object(response)
        media_id = str(attachment.get("id") or "")
        if not media_id:
            raise TransientError("Mastodon did not return an id for the uploaded file; Alur will try again.")
        if response.status_code == 202 or not attachment.get("url"):
            self.wait_for_processing(media_id)
        return media_id

    def wait_for_processing(self, media_id: str) -> None:
        deadline = time.monotonic() + PROCESSING_TIMEOUT
        delay = 1.0
        while True:
            sleep(delay)
            response = self.request("GET", f"{self.base_url}/api/v1/media/{media_id}", headers=self.headers())
            if response.status_code == 200 and _json_object(response).get("url"):
                return
            if time.monotonic() > deadline:
                raise TransientError("Mastodon is still processing the uploaded file; Alur will try again later.")
            delay = min(delay * 2, 10.0)

    def account_id(self) -> str:
        account = _json_object(self.request("GET", f"{self.base_url}/api/v1/accounts/verify_credentials", headers=self.headers()))
        account_id = str(account.get("id") or "")
        if not account_id:
            raise TransientError("Mastodon did not say which account the token belongs to; Alur will try again.")
        return account_id

    def find(self, payload: Payload) -> Published | None:
        response = self.request(
            "GET",
            f"{self.base_url}/api/v1/accounts/{self.account_id()}/statuses",
            params={"limit": str(FIND_LIMIT), "exclude_replies": "true", "exclude_reblogs": "true"},
            headers=self.headers(),
        )
        try:
            statuses = response.json()
        except ValueError:
            statuses = []
        wanted = plain_text(html.escape(self.text(payload), quote=False))
        since = _aware(payload.publish_at) - FIND_SKEW if payload.publish_at else None
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict) or not status.get("id"):
                continue
            if since is not None and (created := _parse_time(status.get("created_at"))) and created < since:
                continue
            if plain_text(str(status.get("content") or "")) == wanted:
                return Published(str(status["id"]), self.post_url(status), status)
        return None

    def delete(self, external_id: str) -> None:
        try:
            self.request("DELETE", f"{self.base_url}/api/v1/statuses/{external_id}", headers=self.headers())
        except PermanentError as error:
            if error.status == 404:  # already gone
                return
            raise

    def instance_limits(self) -> dict[str, int]:
        """``configuration.statuses`` of ``GET /api/v2/instance``: the limits this instance sets."""
        instance = _json_object(self.request("GET", f"{self.base_url}/api/v2/instance"))
        statuses = _json_object_of(_json_object_of(instance.get("configuration")).get("statuses"))
        limits = {}
        for name in LIMIT_SETTINGS:
            value = statuses.get(name)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                limits[name] = value
        return limits

    def test_connection(self) -> str:
        self.learned = dict(self.instance_limits())
        account = _json_object(self.request("GET", f"{self.base_url}/api/v1/accounts/verify_credentials", headers=self.headers()))
        acct = str(account.get("acct") or account.get("username") or "")
        if not acct:
            return self.base_url
        host = urlsplit(self.base_url).hostname or ""
        return f"@{acct}" if "@" in acct or not host else f"@{acct}@{host}"


def rate_limit_wait(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds to wait after a 429: ``Retry-After`` if sent, else until ``X-RateLimit-Reset`` (ISO 8601)."""
    current = now if now is not None else time.time()
    wait = parse_retry_after(headers.get("Retry-After"), now=current)
    if wait is not None:
        return wait
    reset = _parse_time(headers.get("X-RateLimit-Reset"))
    if reset is None:
        return None
    return max(0.0, reset.timestamp() - current)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return _aware(when)


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _json_object_of(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
