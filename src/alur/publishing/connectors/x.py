"""X (Twitter): posts through the X API v2 with an OAuth 2.0 user access token.

Documentation followed:

* Create a Post — https://docs.x.com/x-api/posts/creation-of-a-post (``POST /2/tweets``)
* Delete a Post — https://docs.x.com/x-api/x-api-v2/tweets/manage-tweets (``DELETE /2/tweets/:id``)
* Upload media (images) — https://docs.x.com/x-api/media/upload-media (``POST /2/media/upload``)
* Chunked upload (video, GIF) — https://docs.x.com/x-api/media/quickstart/media-upload-chunked with
  https://docs.x.com/x-api/media/initialize-media-upload, https://docs.x.com/x-api/media/append-media-upload,
  https://docs.x.com/x-api/media/finalize-media-upload and https://docs.x.com/x-api/media/get-media-upload-status
* User timeline — https://docs.x.com/x-api/posts/user-posts-timeline-by-user-id (``GET /2/users/:id/tweets``)
* OAuth 2.0 refresh — https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code and
  https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token (confidential clients: Basic auth)
* Rate limits — https://docs.x.com/x-api/fundamentals/rate-limits

How a post goes out (``Authorization: Bearer <user access token>`` on every call):

1. Each image (JPEG/PNG/WebP/BMP/TIFF): ``POST /2/media/upload`` with JSON ``{"media": <base64>,
   "media_category": "tweet_image", "media_type"}`` → ``{"data": {"id"}}``.
2. A video or GIF: ``POST /2/media/upload/initialize`` ``{"media_type", "total_bytes", "media_category":
   "tweet_video"|"tweet_gif"}`` → ``data.id``; ``POST /2/media/upload/{id}/append`` (multipart ``media`` +
   ``segment_index``) per 4 MB chunk; ``POST /2/media/upload/{id}/finalize``; while ``processing_info.state``
   is ``pending``/``in_progress``, wait ``check_after_secs`` and ``GET /2/media/upload?command=STATUS&media_id=``
   until ``succeeded`` (``failed`` → a permanent error with X's message).
3. ``POST /2/tweets`` ``{"text", "media": {"media_ids": [...]}}`` → ``201 {"data": {"id", "text"}}``; the post
   lives at ``https://x.com/<username>/status/<id>`` (setting ``username``; ``/i/web/status/<id>`` without it).

A post holds up to 4 images, or 1 GIF, or 1 video. Text is limited to 280 (weighted) characters for
standard accounts; X counts it and refuses longer text.

Scopes (https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code, read 2026-12-08): an
account is connected with :attr:`XConnector.SCOPES` — ``tweet.read tweet.write users.read`` to post,
``media.write`` to upload media (https://docs.x.com/x-api/media/upload-media), ``offline.access`` for a
refresh token. A 403 from a media upload is that grant missing ``media.write``: an :class:`AuthError` (the
account must be reconnected with the right scopes), not a permanent failure of the post.

Pay-per-use (https://docs.x.com/x-api/getting-started/pricing, https://docs.x.com/x-api/fundamentals/response-codes-and-errors,
read 2026-12-08): 402 Payment Required means the app's prepaid credits are used up, and a 429 whose problem type
is ``…/problems/usage-capped`` (title ``UsageCapExceeded``) means a usage cap (monthly) is reached. Neither
frees itself within a retry's reach, so both fail at once with a message saying what to do; retrying would
only spend more calls into the cap. An ordinary 429 is retried after ``x-rate-limit-reset``.

Errors are RFC 7807 problem documents (``{"title", "detail", "type", "status"}``, sometimes with
``errors[].message``): 401 → :class:`AuthError`; 403 (e.g. "You are not allowed to create a Tweet with
duplicate content.") → :class:`PermanentError`; 429 → :class:`RateLimited` with
``retry_after`` computed from ``x-rate-limit-reset`` (epoch seconds; X sends no ``Retry-After``) or, when a
24-hour cap is exhausted, ``x-user-limit-24hour-reset`` / ``x-app-limit-24hour-reset``; 5xx → transient.

Reconciliation (:meth:`XConnector.find`) is **best effort**: X takes no idempotency key, so Alur reads the
user's 20 latest posts (``GET /2/users/:id/tweets``, needs the ``tweet.read``/``users.read`` scopes) and
matches the text with links removed (X rewrites links to t.co and appends a t.co link for media) and HTML
entities decoded. X itself refuses a duplicate of a recent post (403), which backs this up: a retry cannot
create a second identical post.

Rate limit (docs, "Manage posts"): ``POST /2/tweets`` 100 requests / 15 min per user and 10,000 / 24 h per
app; only the per-user figure is declared (the per-app one is shared by every account of the app).
"""

from __future__ import annotations

import base64
import html
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

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
    TokenSet,
    TransientError,
    gettext_noop,
    parse_retry_after,
)

DEFAULT_BASE_URL = "https://api.x.com"
DOCS = "https://docs.x.com/x-api/posts/creation-of-a-post"
RATE_LIMIT_DOCS = "https://docs.x.com/x-api/fundamentals/rate-limits"
ERRORS_DOCS = "https://docs.x.com/x-api/fundamentals/response-codes-and-errors"
PRICING_DOCS = "https://docs.x.com/x-api/getting-started/pricing"
# The OAuth 2.0 scopes Alur asks for when an account is connected (media.write: media uploads).
SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
USAGE_CAPPED = "/2/problems/usage-capped"  # problem type of a usage cap (api.twitter.com or api.x.com)
MAX_TEXT = 280
MAX_IMAGES = 4
CHUNK_SIZE = 4 * 1024 * 1024
PROCESSING_TIMEOUT = 600.0  # seconds Alur waits for X to process a video
SIMPLE_IMAGE_TYPES = frozenset({"image/jpeg", "image/pjpeg", "image/png", "image/webp", "image/bmp", "image/tiff"})
_URL = re.compile(r"https?://\S+")
sleep = time.sleep  # how the connector waits between STATUS polls (tests replace it)


def _normalise(text: str) -> str:
    """Text as X stores it, comparable: links removed (t.co rewriting), entities decoded, whitespace collapsed."""
    return " ".join(_URL.sub(" ", html.unescape(text)).split())


class XConnector(Connector):
    key = "x"
    label = "X (Twitter)"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=MAX_IMAGES,
        max_text=MAX_TEXT,
        can_delete=True,
        can_find=True,  # best effort timeline lookup, see the module docstring
        idempotency_key=False,
        refreshes_tokens=True,
        rate_limits=(RateLimit(100, 15 * 60, source=RATE_LIMIT_DOCS),),
        docs=DOCS,
    )
    SCOPES = SCOPES
    fields = (
        ("username", gettext_noop("X username (without @, for post links)"), False, True),
        ("user_id", gettext_noop("X user ID (optional; looked up when empty)"), False, False),
        (
            "access_token",
            gettext_noop("OAuth 2.0 user access token (scopes: tweet.read tweet.write users.read media.write offline.access)"),
            True,
            True,
        ),
        ("refresh_token", gettext_noop("Refresh token (offline.access scope)"), True, False),
        ("client_id", gettext_noop("OAuth 2.0 client ID (for token refresh)"), True, False),
        ("client_secret", gettext_noop("Client secret (confidential clients only)"), True, False),
    )

    # -- plumbing
    @property
    def base_url(self) -> str:
        return str(self.account.setting("base_url", DEFAULT_BASE_URL)).rstrip("/")

    def headers(self) -> dict[str, str]:
        token = self.account.secret("access_token")
        if not token:
            raise AuthError("The X account has no access token. Reconnect the account.")
        return {"Authorization": f"Bearer {token}"}

    def post_url(self, post_id: str) -> str:
        username = str(self.account.setting("username", "")).lstrip("@").strip()
        return f"https://x.com/{username}/status/{post_id}" if username else f"https://x.com/i/web/status/{post_id}"

    def raise_for_status(self, response: httpx.Response) -> None:
        raise self.classify(response)

    def classify(self, response: httpx.Response, *, now: float | None = None) -> Exception:
        status = response.status_code
        message = _x_message(response) or self.error_message(response)
        detail = f"HTTP {status}: {response.text[:1500]}"
        if status == 401:
            return AuthError(f"X refused the account's token ({message}). Reconnect the account.", status=status, detail=detail)
        problem = _problem(response)
        if str(problem.get("type") or "").endswith(USAGE_CAPPED) or problem.get("title") == "UsageCapExceeded":
            period = str(problem.get("period") or "").strip()
            return PermanentError(
                f"X refused the post: the X developer app reached its {period + ' ' if period else ''}usage cap "
                f"({message}). Alur does not retry into the cap; raise the cap in the X Developer Console or wait "
                "for the next billing cycle, then publish again.",
                status=status,
                detail=detail,
            )
        if status == 402:
            return PermanentError(
                f"X refused the post: the X developer app is out of API credits ({message}). Add credits or raise the "
                "spending limit in the X Developer Console, then publish again; Alur does not retry until then.",
                status=status,
                detail=detail,
            )
        if status == 403 and "duplicate" not in message.lower() and _is_media_upload(response):
            return AuthError(
                f"X refused the media upload ({message}): the account's token lacks the media.write permission. "
                f"Reconnect the account and allow these scopes: {' '.join(SCOPES)}.",
                status=status,
                detail=detail,
            )
        if status == 429:
            return RateLimited(
                f"X's rate limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=rate_limit_wait(response.headers, now=now),
            )
        if status == 403:
            if "duplicate" in message.lower():
                text = f"X refused the post: it repeats a recent post word for word ({message})"
            else:
                text = f"X refused the post: {message}"
            return PermanentError(text, status=status, detail=detail)
        if status == 408 or status >= 500:
            return TransientError(f"X had a temporary error ({status}); Alur will try again.", status=status, detail=detail)
        return PermanentError(f"X refused the post: {message}", status=status, detail=detail)

    def text(self, payload: Payload) -> str:
        text = payload.body()
        if payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}".strip()
        return text

    # -- the contract
    def publish(self, payload: Payload) -> Published:
        media_ids = self.upload_all(payload.media)
        body: dict[str, Any] = {"text": self.text(payload)}
        if media_ids:
            body["media"] = {"media_ids": media_ids}
        try:
            response = self.request("POST", f"{self.base_url}/2/tweets", json=body, headers=self.headers())
        except TransientError as error:
            if error.status == 504 and not isinstance(error, OutcomeUnknown):
                raise OutcomeUnknown(
                    "X timed out while creating the post; Alur checks whether it arrived before trying again.",
                    status=error.status,
                    detail=error.detail,
                ) from error
            raise
        data = _data(response)
        post_id = str(data.get("id") or "")
        if not post_id:
            raise OutcomeUnknown(
                "X accepted the post but did not return its id; Alur checks before trying again.",
                status=response.status_code,
                detail=response.text[:1500],
            )
        return Published(post_id, self.post_url(post_id), data)

    def upload_all(self, media: tuple[MediaFile, ...]) -> list[str]:
        if not media:
            return []
        moving = [m for m in media if m.kind == "video" or m.mime_type == "image/gif"]
        if moving and len(media) > 1:
            raise PermanentError("An X post takes either up to 4 images, or one GIF, or one video.")
        if len(media) > MAX_IMAGES:
            raise PermanentError(f"An X post takes at most {MAX_IMAGES} images.")
        return [self.upload(item) for item in media]

    def upload(self, item: MediaFile) -> str:
        if item.kind == "image" and item.mime_type in SIMPLE_IMAGE_TYPES:
            return self.upload_image(item)
        category = "tweet_gif" if item.mime_type == "image/gif" else "tweet_video"
        if category == "tweet_video" and item.kind != "video":
            raise PermanentError(f"X does not take {item.mime_type} files.")
        return self.upload_chunked(item, category)

    def upload_image(self, item: MediaFile) -> str:
        response = self.request(
            "POST",
            f"{self.base_url}/2/media/upload",
            json={
                "media": base64.b64encode(item.read()).decode("ascii"),
                "media_category": "tweet_image",
                "media_type": "image/jpeg" if item.mime_type == "image/pjpeg" else item.mime_type,
            },
            headers=self.headers(),
        )
        return self._media_id(response)

    def upload_chunked(self, item: MediaFile, category: str) -> str:
        content = item.read()
        response = self.request(
            "POST",
            f"{self.base_url}/2/media/upload/initialize",
            json={"media_type": item.mime_type, "total_bytes": len(content), "media_category": category},
            headers=self.headers(),
        )
        media_id = self._media_id(response)
        for index, start in enumerate(range(0, len(content), CHUNK_SIZE) or [0]):
            self.request(
                "POST",
                f"{self.base_url}/2/media/upload/{media_id}/append",
                data={"segment_index": str(index)},
                files={"media": (item.name or "chunk", content[start : start + CHUNK_SIZE], "application/octet-stream")},
                headers=self.headers(),
            )
        response = self.request("POST", f"{self.base_url}/2/media/upload/{media_id}/finalize", headers=self.headers())
        self.wait_for_processing(media_id, _data(response).get("processing_info"))
        return media_id

    def wait_for_processing(self, media_id: str, info: Any) -> None:
        deadline = time.monotonic() + PROCESSING_TIMEOUT
        while isinstance(info, dict) and info.get("state") in ("pending", "in_progress"):
            if time.monotonic() > deadline:
                raise TransientError("X is still processing the video; Alur will try again later.")
            sleep(min(float(info.get("check_after_secs") or 1), 60.0))
            response = self.request(
                "GET",
                f"{self.base_url}/2/media/upload",
                params={"command": "STATUS", "media_id": media_id},
                headers=self.headers(),
            )
            info = _data(response).get("processing_info")
        if isinstance(info, dict) and info.get("state") == "failed":
            error = info.get("error") if isinstance(info.get("error"), dict) else {}
            message = (error or {}).get("message") or (error or {}).get("name") or "processing failed"
            raise PermanentError(f"X could not process the media: {message}")

    def _media_id(self, response: httpx.Response) -> str:
        media_id = str(_data(response).get("id") or "")
        if not media_id:
            raise TransientError("X did not return a media id for the upload; Alur will try again.")
        return media_id

    def user_id(self) -> str:
        configured = str(self.account.setting("user_id", "")).strip()
        if configured:
            return configured
        return str(_data(self.request("GET", f"{self.base_url}/2/users/me", headers=self.headers())).get("id") or "")

    def find(self, payload: Payload) -> Published | None:
        user_id = self.user_id()
        if not user_id:
            raise TransientError("X did not say which user the token belongs to; Alur will try again.")
        response = self.request(
            "GET",
            f"{self.base_url}/2/users/{user_id}/tweets",
            params={"max_results": "20", "exclude": "replies,retweets", "tweet.fields": "created_at"},
            headers=self.headers(),
        )
        try:
            data = response.json()
        except ValueError:
            data = {}
        posts = data.get("data") if isinstance(data, dict) else None
        wanted = _normalise(self.text(payload))
        for post in posts if isinstance(posts, list) else []:
            if isinstance(post, dict) and post.get("id") and _normalise(str(post.get("text", ""))) == wanted:
                return Published(str(post["id"]), self.post_url(str(post["id"])), post)
        return None

    def delete(self, external_id: str) -> None:
        try:
            self.request("DELETE", f"{self.base_url}/2/tweets/{external_id}", headers=self.headers())
        except PermanentError as error:
            if error.status == 404:
                return
            raise

    def test_connection(self) -> str:
        data = _data(self.request("GET", f"{self.base_url}/2/users/me", headers=self.headers()))
        username = data.get("username") or self.account.setting("username", "")
        return f"@{username}" if username else str(data.get("id") or "X account")

    def refresh(self) -> TokenSet | None:
        refresh_token = self.account.secret("refresh_token")
        if not refresh_token:
            return None
        client_id = self.account.secret("client_id")
        client_secret = self.account.secret("client_secret")
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id}
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if client_secret:
            # Confidential clients authenticate with HTTP Basic (base64 of "client_id:client_secret").
            pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
        try:
            response = self.client.post(f"{self.base_url}/2/oauth2/token", data=form, headers=headers)
        except httpx.HTTPError as error:
            raise TransientError("X could not be reached to refresh the token; Alur will try again.") from error
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 429:
            raise self.classify(response)
        if response.status_code >= 500:
            raise TransientError(f"X had a temporary error ({response.status_code}) refreshing the token.")
        if response.status_code >= 400 or not isinstance(data, dict) or not data.get("access_token"):
            message = (data.get("error_description") or data.get("error")) if isinstance(data, dict) else ""
            raise AuthError(
                f"X refused to refresh the token ({message or response.status_code}). Reconnect the account.",
                status=response.status_code,
                detail=response.text[:1500],
                revoked=True,
            )
        expires_in = data.get("expires_in")
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if expires_in else None
        # X rotates refresh tokens: the one just used stops working, keep the new one.
        return TokenSet(
            str(data["access_token"]), str(data.get("refresh_token") or ""), expires_at, int(expires_in) if expires_in else None
        )


def rate_limit_wait(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds until X lifts the limit: the latest relevant reset header (epoch seconds), else ``Retry-After``."""
    current = now if now is not None else time.time()
    resets: list[float] = []
    for prefix in ("x-user-limit-24hour", "x-app-limit-24hour"):
        if headers.get(f"{prefix}-remaining") == "0" and (headers.get(f"{prefix}-reset") or "").isdigit():
            resets.append(float(headers[f"{prefix}-reset"]))
    reset = headers.get("x-rate-limit-reset") or ""
    if reset.isdigit() and (not resets or headers.get("x-rate-limit-remaining") == "0"):
        resets.append(float(reset))
    if resets:
        return max(0.0, max(resets) - current)
    return parse_retry_after(headers.get("Retry-After"), now=current)


def _data(response: httpx.Response) -> dict[str, Any]:
    try:
        payload = response.json()
    except ValueError:
        return {}
    data = payload.get("data") if isinstance(payload, dict) else None
    return data if isinstance(data, dict) else {}


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _is_media_upload(response: httpx.Response) -> bool:
    """Whether the refused call was one of the media upload endpoints (they need the media.write scope)."""
    try:
        path = response.request.url.path
    except RuntimeError:  # a response built without a request
        return False
    return "/2/media/upload" in path


def _x_message(response: httpx.Response) -> str:
    """The most specific text of a problem document: ``errors[0].message``, ``detail``, then ``title``."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0].get("message") or errors[0].get("detail")
        if first:
            return str(first)
    return str(data.get("detail") or data.get("title") or data.get("error_description") or "")
