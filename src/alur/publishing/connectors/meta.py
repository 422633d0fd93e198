"""Meta's Graph API: a Facebook Page (Pages API) and an Instagram professional account (Content Publishing).

Followed documents:

* Pages API, posts: https://developers.facebook.com/docs/pages-api/posts
* Page photos: https://developers.facebook.com/docs/graph-api/reference/page/photos
* Page videos: https://developers.facebook.com/docs/graph-api/reference/page/videos
* Instagram Content Publishing: https://developers.facebook.com/docs/instagram-platform/content-publishing/
* IG container (``status_code``): https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
* IG publishing limit: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit
* Errors: https://developers.facebook.com/docs/graph-api/guides/error-handling
* Rate limits (``X-Business-Use-Case-Usage``): https://developers.facebook.com/docs/graph-api/overview/rate-limiting
* Long-lived tokens: https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived
* appsecret_proof: https://developers.facebook.com/docs/graph-api/securing-requests

Every call goes to ``<base_url>/<api_version>/<path>`` (settings ``base_url``, default
``https://graph.facebook.com``, and ``api_version``, default ``v23.0``) with the token in an
``Authorization: Bearer`` header (kept out of URLs and logs) and, when the account has an app secret,
``appsecret_proof``. Parameters go as form fields, as in the documented cURL examples.

Facebook Page, as documented:

* text and/or link: ``POST /{page_id}/feed`` (``message``, ``link``);
* one photo: ``POST /{page_id}/photos`` (``url``, ``caption``);
* several photos: each ``POST /{page_id}/photos`` with ``published=false``, then ``POST /{page_id}/feed``
  with ``attached_media[i]={"media_fbid": ...}``;
* one video: ``POST /{page_id}/videos`` (``file_url``, ``description``, ``title``).

Photo and video posts have no ``link`` field, so the link is added to the end of their text.

The post id is the ``external_id`` and ``https://www.facebook.com/{id}`` its address. ``DELETE /{id}``
removes it. Facebook takes no idempotency key, so :meth:`FacebookPageConnector.find` is a best-effort
lookup: it reads the Page's 25 newest feed posts and matches the message exactly (whitespace
normalised), ignoring posts older than ``publish_at`` minus 15 minutes. A post without text cannot be
matched, and Alur then asks a person to check the Page instead of guessing.

Instagram, step by step as documented: ``POST /{ig_user_id}/media`` creates a container (``image_url``;
``media_type=REELS`` + ``video_url`` for a video; children with ``is_carousel_item=true`` and then a
``media_type=CAROUSEL`` container with ``children`` for several items); containers holding video are
polled with ``GET /{container_id}?fields=status_code,status`` until ``FINISHED`` (``ERROR``/``EXPIRED`` fail
the post; the wait is bounded by the ``status_timeout`` setting); ``POST /{ig_user_id}/media_publish``
(``creation_id``) publishes; ``GET /{media_id}?fields=permalink`` gives the address. Before the containers
Alur reads ``GET /{ig_user_id}/content_publishing_limit`` and waits when the 24-hour quota is used up.
:meth:`InstagramConnector.find` reads the 25 newest media and matches the caption (best effort, as above).

Errors are ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``: code 190 (and 102) →
AuthError, revoked for subcodes 458 (app removed) and 460 (password changed); 10 and 200–299 (permission
missing) → AuthError; 4, 17, 32, 613, 341, 9 and 80001–80014 (app, user and Page/Instagram business
use-case limits) → RateLimited, waiting as long as ``Retry-After`` or ``estimated_time_to_regain_access`` in
``X-Business-Use-Case-Usage`` says; 1, 2 and ``is_transient`` errors → TransientError; 100, 9004, 36003
and the rest → PermanentError with Meta's own text.

Tokens: a Page access token taken from a long-lived User token does not expire the usual way, so
:meth:`refresh` returns ``None`` unless the account also has ``app_id`` and ``app_secret``; then it extends
the token with ``GET /oauth/access_token?grant_type=fb_exchange_token`` (the only documented extension;
it works for User tokens and Instagram-with-Facebook-Login tokens, and Meta answers with the same kind of
token it was given).

Not supported, and why:

* Deleting Instagram media: the Instagram Graph API has no delete endpoint (``can_delete`` is False).
* Instagram posts without a photo or video: every Instagram post is an image, a reel or a carousel.
* Instagram stories and Facebook reels/stories: not part of these flows.
* Media without a public URL: both platforms pull media from a URL ("we cURL media used in publishing").
* Instagram-Login tokens (``graph.instagram.com``, ``ig_refresh_token``): this connector speaks the
  Facebook-Login flavour on ``graph.facebook.com``; ``base_url`` may point elsewhere, but refresh is
  the Facebook exchange.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx

from .base import (
    AuthError,
    Capabilities,
    Connector,
    ConnectorError,
    MediaFile,
    Payload,
    PermanentError,
    Published,
    RateLimit,
    RateLimited,
    TokenSet,
    TransientError,
    classify_status,
    gettext_noop,
    parse_retry_after,
)

GRAPH_URL = "https://graph.facebook.com"
API_VERSION = "v23.0"

FB_DOCS = "https://developers.facebook.com/docs/pages-api/posts"
IG_DOCS = "https://developers.facebook.com/docs/instagram-platform/content-publishing/"
ERROR_DOCS = "https://developers.facebook.com/docs/graph-api/guides/error-handling"
TOKEN_DOCS = "https://developers.facebook.com/docs/facebook-login/guides/access-tokens/get-long-lived"

# Error codes (ERROR_DOCS and https://developers.facebook.com/docs/graph-api/overview/rate-limiting).
AUTH_CODES = frozenset({102, 190})
PERMISSION_CODES = frozenset({10, *range(200, 300)})
REVOKED_SUBCODES = frozenset({458, 460})  # app removed by the user; password changed
RATE_CODES = frozenset({4, 9, 17, 32, 341, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})  # Graph API: "API Unknown" / "API Service", wait and retry
# Instagram's error table (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/
# error-codes): -1 (2207001 server error, 2207032 create failed, 2207053 upload error) and -2 (2207003 download
# timeout, 2207020 expired: a new container) are retried; its code 1 (e.g. 2207057, a bad thumbnail offset) is not.
IG_TRANSIENT_CODES = frozenset({-1, -2})
IG_NOT_READY_SUBCODE = 2207027  # "media is not ready for publishing": wait and try again
POLICY_BLOCK_CODE = 368  # "temporarily blocked for policies violations": wait and retry, says the table
IG_PUBLISH_LIMIT_SUBCODE = 2207042  # "the maximum number of posts that can be published in 24 hours"

FIND_SLACK = timedelta(minutes=15)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _normalise(text: str) -> str:
    """Compare texts as the platform shows them: line endings and runs of spaces do not matter."""
    return re.sub(r"\s+", " ", text.replace("\r\n", "\n")).strip()


def _parse_time(value: Any) -> datetime | None:
    """Graph timestamps look like ``2024-05-01T10:00:00+0000``."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None


def _is_jpeg(item: MediaFile) -> bool:
    if item.mime_type:
        return item.mime_type.lower() in ("image/jpeg", "image/jpg")
    return item.url.lower().split("?")[0].endswith((".jpg", ".jpeg"))


def regain_access_seconds(headers: httpx.Headers) -> float | None:
    """``estimated_time_to_regain_access`` (minutes) from ``X-Business-Use-Case-Usage``, in seconds."""
    raw = headers.get("X-Business-Use-Case-Usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = 0
    if isinstance(usage, dict):
        for entries in usage.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    minutes = max(minutes, _int(entry.get("estimated_time_to_regain_access")) or 0)
    return float(minutes * 60) if minutes > 0 else None


class MetaGraphConnector(Connector):
    """What the Facebook Page and Instagram connectors share: URLs, auth, errors and the token exchange."""

    platform: ClassVar[str] = "Meta"
    POLL_INTERVAL: ClassVar[float] = 5.0
    STATUS_TIMEOUT: ClassVar[float] = 300.0
    STATUS_POLLS: ClassVar[int] = 60  # at most this many status reads per container
    DEFAULT_RATE_WAIT: ClassVar[float] = 60.0
    TRANSIENT: ClassVar[frozenset[int]] = TRANSIENT_CODES
    # How to wait between status reads; tests and callers may replace it (no real sleeping in tests).
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    # -- plumbing
    def _url(self, path: str) -> str:
        base = str(self.account.setting("base_url", GRAPH_URL) or GRAPH_URL).rstrip("/")
        version = str(self.account.setting("api_version", API_VERSION) or API_VERSION).strip("/")
        return f"{base}/{version}/{path.lstrip('/')}"

    def _token(self) -> str:
        token = self.account.secret("access_token")
        if not token:
            raise AuthError(f"The {self.platform} account has no access token. Reconnect the account.")
        return token

    def _id_setting(self, name: str, label: str) -> str:
        value = str(self.account.setting(name, "") or "").strip()
        if not value:
            raise PermanentError(f"The {self.platform} account has no {label}; add it in the account settings.")
        return value

    def _graph(
        self, method: str, path: str, *, params: dict[str, Any] | None = None, data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One Graph API call; returns the JSON object (errors raise, see :meth:`raise_for_status`)."""
        token = self._token()
        query = dict(params or {})
        app_secret = self.account.secret("app_secret")
        if app_secret:
            query["appsecret_proof"] = hmac.new(app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
        response = self.request(
            method,
            self._url(path),
            params=query or None,
            data=data,
            headers={"Authorization": f"Bearer {token}"},
        )
        answer = _json(response)
        if isinstance(answer.get("error"), dict):  # defensive: an error under a 2xx status
            raise self._error_for(response, answer["error"])
        return answer

    def raise_for_status(self, response: httpx.Response) -> None:
        error = _json(response).get("error")
        if not (isinstance(error, dict) and (error.get("code") is not None or error.get("message"))):
            error = {"message": self.error_message(response)}  # not a Graph error body: go by the HTTP status
        raise self._error_for(response, error)

    def _error_for(self, response: httpx.Response, error: dict[str, Any]) -> ConnectorError:
        status = response.status_code
        code = _int(error.get("code"))
        subcode = _int(error.get("error_subcode"))
        message = str(error.get("error_user_msg") or error.get("message") or f"error {code}")
        detail = (
            f"HTTP {status} code {code} subcode {subcode} type {error.get('type')} "
            f"(fbtrace_id {error.get('fbtrace_id')}): {response.text[:1500]}"
        )
        name = self.platform
        if code in AUTH_CODES or (code is None and status in (401, 403)):
            return AuthError(
                f"{name} refused the account's token: {message}. Reconnect the account.",
                status=status,
                detail=detail,
                revoked=subcode in REVOKED_SUBCODES,
            )
        if code in PERMISSION_CODES:
            return AuthError(
                f"{name} says the account lacks a permission: {message}. Reconnect the account and grant it.",
                status=status,
                detail=detail,
            )
        if code in RATE_CODES or code == POLICY_BLOCK_CODE or status == 429:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if retry_after is None:
                retry_after = regain_access_seconds(response.headers)
            if retry_after is None:
                daily = subcode == IG_PUBLISH_LIMIT_SUBCODE or code == POLICY_BLOCK_CODE
                retry_after = 3600.0 if daily else self.DEFAULT_RATE_WAIT
            return RateLimited(
                f"{name}'s rate limit was reached; Alur waits and tries again. ({message})",
                status=status,
                detail=detail,
                retry_after=retry_after,
            )
        if status == 504:
            return classify_status(response, message)  # OutcomeUnknown: the post may have been made
        if subcode == IG_NOT_READY_SUBCODE:
            return TransientError(
                f"{name} has not finished processing the media; Alur will try again. ({message})", status=status, detail=detail
            )
        if code in self.TRANSIENT or error.get("is_transient") is True or status == 408 or status >= 500:
            return TransientError(f"{name} had a temporary error; Alur will try again. ({message})", status=status, detail=detail)
        return PermanentError(f"{name} refused the post: {message}", status=status, detail=detail)

    # -- shared contract
    def refresh(self) -> TokenSet | None:
        """Extend the token with ``fb_exchange_token`` when the account has the app's id and secret."""
        app_id = str(self.account.setting("app_id", "") or self.account.secret("app_id"))
        app_secret = self.account.secret("app_secret")
        if not (app_id and app_secret):
            return None
        response = self.request(
            "GET",
            self._url("oauth/access_token"),
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app_id,
                "client_secret": app_secret,
                "fb_exchange_token": self._token(),
            },
        )
        answer = _json(response)
        access_token = str(answer.get("access_token") or "")
        if not access_token:
            raise TransientError(
                f"{self.platform} answered the token exchange without a token; Alur will try again.",
                detail=response.text[:1500],
            )
        expires_in = _int(answer.get("expires_in"))
        expires_at = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else None
        return TokenSet(access_token, "", expires_at)

    # -- helpers for find
    @staticmethod
    def _not_before(payload: Payload) -> datetime | None:
        if payload.publish_at is None:
            return None
        when = payload.publish_at if payload.publish_at.tzinfo else payload.publish_at.replace(tzinfo=UTC)
        return when - FIND_SLACK

    @staticmethod
    def _public_urls(media: tuple[MediaFile, ...] | list[MediaFile], platform: str) -> None:
        missing = [item.name for item in media if not item.url]
        if missing:
            raise PermanentError(
                f"{platform} fetches media from a public address, and these files have none: {', '.join(missing)}."
            )


# ------------------------------------------------------------------------------------- Facebook
class FacebookPageConnector(MetaGraphConnector):
    key = "facebook"
    label = "Facebook Page"
    platform = "Facebook"
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=10,  # Alur's cap for multi-photo posts; Meta documents no number for attached_media
        max_text=63206,
        can_delete=True,
        can_find=True,  # best effort: matches the message among the Page's 25 newest posts
        idempotency_key=False,
        refreshes_tokens=True,  # only with app_id/app_secret; Page tokens from long-lived user tokens do not expire
        rate_limits=(),  # Pages have call-based business use-case limits, not a published post quota
        docs=f"{FB_DOCS} ; https://developers.facebook.com/docs/graph-api/reference/page/photos ; {ERROR_DOCS}",
    )
    fields = (
        ("page_id", gettext_noop("Facebook Page ID"), False, True),
        ("access_token", gettext_noop("Page access token"), True, True),
        ("app_id", gettext_noop("Meta app ID (optional: lets Alur extend the token)"), False, False),
        ("app_secret", gettext_noop("Meta app secret (optional)"), True, False),
    )

    def _page_id(self) -> str:
        return self._id_setting("page_id", "Page ID")

    @staticmethod
    def _text(payload: Payload, *, with_link: bool) -> str:
        """The post text; for photo and video posts the link goes into the text (they have no link field)."""
        text = payload.body()
        if with_link and payload.link and payload.link not in text:
            text = f"{text}\n\n{payload.link}" if text else payload.link
        return text

    @staticmethod
    def _post_url(post_id: str) -> str:
        return f"https://www.facebook.com/{post_id}"

    def publish(self, payload: Payload) -> Published:
        videos = [m for m in payload.media if m.kind == "video"]
        images = [m for m in payload.media if m.kind == "image"]
        if videos and images:
            raise PermanentError("Facebook cannot mix a video and photos in one Page post; choose one or the other.")
        if len(videos) > 1:
            raise PermanentError("Facebook takes one video per Page post; this post has several.")
        if len(images) > self.capabilities.max_media:
            raise PermanentError(f"Alur posts at most {self.capabilities.max_media} photos to a Facebook Page at once.")
        self._public_urls(list(payload.media), "Facebook")
        page_id = self._page_id()

        if videos:
            data = {"file_url": videos[0].url, "description": self._text(payload, with_link=True)}
            if payload.title:
                data["title"] = payload.title
            answer = self._graph("POST", f"{page_id}/videos", data=data)
            return self._published(answer, "video")
        if len(images) == 1:
            answer = self._graph(
                "POST", f"{page_id}/photos", data={"url": images[0].url, "caption": self._text(payload, with_link=True)}
            )
            return self._published(answer, "photo")
        if images:
            attached: dict[str, str] = {}
            for index, image in enumerate(images):
                photo = self._graph("POST", f"{page_id}/photos", data={"url": image.url, "published": "false"})
                photo_id = str(photo.get("id") or "")
                if not photo_id:
                    raise TransientError("Facebook did not return a photo id; Alur will try again.", detail=repr(photo))
                attached[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
            message = self._text(payload, with_link=True)
            answer = self._graph("POST", f"{page_id}/feed", data={**({"message": message} if message else {}), **attached})
            return self._published(answer, "post")

        data = {}
        message = payload.body()
        if message:
            data["message"] = message
        if payload.link:
            data["link"] = payload.link
        if not data:
            raise PermanentError("This Facebook post has no text, link or media to publish.")
        return self._published(self._graph("POST", f"{page_id}/feed", data=data), "post")

    def _published(self, answer: dict[str, Any], kind: str) -> Published:
        # /photos answers {"id": photo id, "post_id": page post id}; /feed and /videos answer {"id"}.
        post_id = str(answer.get("post_id") or answer.get("id") or "")
        if not post_id:
            raise TransientError(f"Facebook did not return the {kind}'s id.", detail=repr(answer))
        return Published(post_id, self._post_url(post_id), answer)

    def find(self, payload: Payload) -> Published | None:
        texts = {_normalise(self._text(payload, with_link=False)), _normalise(self._text(payload, with_link=True))}
        texts.discard("")
        if not texts:
            raise PermanentError(
                "Alur cannot look up a Facebook post without text; check the Page and retry only if the post is not there."
            )
        answer = self._graph("GET", f"{self._page_id()}/feed", params={"fields": "id,message,created_time", "limit": "25"})
        not_before = self._not_before(payload)
        for post in answer.get("data") or []:
            if not isinstance(post, dict) or _normalise(str(post.get("message") or "")) not in texts:
                continue
            created = _parse_time(post.get("created_time"))
            if not_before is not None and created is not None and created < not_before:
                continue
            post_id = str(post.get("id") or "")
            if post_id:
                return Published(post_id, self._post_url(post_id), post)
        return None

    def delete(self, external_id: str) -> None:
        answer = self._graph("DELETE", external_id)
        if answer.get("success") is False:
            raise PermanentError("Facebook did not remove the post.", detail=repr(answer))

    def test_connection(self) -> str:
        answer = self._graph("GET", self._page_id(), params={"fields": "name"})
        return str(answer.get("name") or self._page_id())


# ------------------------------------------------------------------------------------ Instagram
class InstagramConnector(MetaGraphConnector):
    key = "instagram"
    label = "Instagram"
    platform = "Instagram"
    TRANSIENT = IG_TRANSIENT_CODES
    capabilities = Capabilities(
        media_types=frozenset({"image", "video"}),
        max_media=10,  # carousel items, per the Content Publishing guide
        max_text=2200,
        can_delete=False,  # the Instagram Graph API cannot delete media
        can_find=True,  # best effort: matches the caption among the 25 newest media
        idempotency_key=False,
        refreshes_tokens=True,  # only with app_id/app_secret (fb_exchange_token)
        rate_limits=(RateLimit(100, 86400, source=IG_DOCS),),  # 100 API-published posts per 24 hours
        docs=(
            f"{IG_DOCS} ; https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container"
            f" ; {ERROR_DOCS}"
        ),
    )
    fields = (
        ("ig_user_id", gettext_noop("Instagram professional account ID"), False, True),
        (
            "access_token",
            gettext_noop("Access token (Facebook user token from Facebook Login, with instagram_content_publish)"),
            True,
            True,
        ),
        ("app_id", gettext_noop("Meta app ID (optional: lets Alur extend the token)"), False, False),
        ("app_secret", gettext_noop("Meta app secret (optional)"), True, False),
    )

    def _ig_user_id(self) -> str:
        return self._id_setting("ig_user_id", "Instagram account ID")

    def publish(self, payload: Payload) -> Published:
        media = list(payload.media)
        if not media:
            raise PermanentError("Instagram posts need a photo or a video; add one to this post before publishing.")
        if len(media) > self.capabilities.max_media:
            raise PermanentError(f"An Instagram carousel takes at most {self.capabilities.max_media} photos and videos.")
        not_jpeg = [item.name for item in media if item.kind == "image" and not _is_jpeg(item)]
        if not_jpeg:
            raise PermanentError(
                f"Instagram takes JPEG images only; convert these to JPEG: {', '.join(not_jpeg)}.",
            )
        self._public_urls(media, "Instagram")
        user_id = self._ig_user_id()
        self._check_quota(user_id)
        caption = payload.body()

        if len(media) == 1:
            container_id = self._container(user_id, media[0], caption=caption)
        else:
            children = [self._container(user_id, item, carousel_item=True) for item in media]
            data = {"media_type": "CAROUSEL", "children": ",".join(children)}
            if caption:
                data["caption"] = caption
            container_id = self._create(user_id, data)
            self._wait_until_ready(container_id)

        answer = self._graph("POST", f"{user_id}/media_publish", data={"creation_id": container_id})
        media_id = str(answer.get("id") or "")
        if not media_id:
            raise TransientError("Instagram did not return the post's id.", detail=repr(answer))
        return Published(media_id, self._permalink(media_id), {"container_id": container_id, **answer})

    def _check_quota(self, user_id: str) -> None:
        answer = self._graph("GET", f"{user_id}/content_publishing_limit", params={"fields": "quota_usage,config"})
        rows = answer.get("data") or []
        usage = rows[0] if rows and isinstance(rows[0], dict) else {}
        used = _int(usage.get("quota_usage"))
        config = usage.get("config") if isinstance(usage.get("config"), dict) else {}
        total = _int(config.get("quota_total")) if config else None
        if used is not None and total and used >= total:
            raise RateLimited(
                f"Instagram allows {total} posts through the API in 24 hours and this account has used them; "
                "Alur waits and tries again.",
                detail=repr(answer),
                retry_after=3600.0,
            )

    def _create(self, user_id: str, data: dict[str, str]) -> str:
        answer = self._graph("POST", f"{user_id}/media", data=data)
        container_id = str(answer.get("id") or "")
        if not container_id:
            raise TransientError("Instagram did not return a media container id; Alur will try again.", detail=repr(answer))
        return container_id

    def _container(self, user_id: str, item: MediaFile, *, caption: str = "", carousel_item: bool = False) -> str:
        data: dict[str, str] = {}
        if item.kind == "video":
            data["media_type"] = "VIDEO" if carousel_item else "REELS"
            data["video_url"] = item.url
        else:
            data["image_url"] = item.url
        if carousel_item:
            data["is_carousel_item"] = "true"
        elif caption:
            data["caption"] = caption
        container_id = self._create(user_id, data)
        self._wait_until_ready(container_id)  # images too: media_publish refuses a container not yet FINISHED
        return container_id

    def _wait_until_ready(self, container_id: str) -> None:
        """Poll the container until FINISHED, ``poll_interval`` seconds apart; bounded by ``status_timeout``
        seconds and ``status_polls`` reads.

        Nothing is published before ``media_publish``, so running out of time is a plain transient error:
        the next attempt makes a new container, and the unused one expires after 24 hours."""
        timeout = float(self.account.setting("status_timeout", self.STATUS_TIMEOUT) or self.STATUS_TIMEOUT)
        interval = float(self.account.setting("poll_interval", self.POLL_INTERVAL) or self.POLL_INTERVAL)
        polls = int(self.account.setting("status_polls", self.STATUS_POLLS) or self.STATUS_POLLS)
        deadline = time.monotonic() + timeout
        for read in range(1, polls + 1):
            answer = self._graph("GET", container_id, params={"fields": "status_code,status"})
            state = str(answer.get("status_code") or "")
            if state in ("FINISHED", "PUBLISHED"):
                return
            if state in ("ERROR", "EXPIRED"):
                reason = str(answer.get("status") or state)
                what = "expired before it was published" if state == "EXPIRED" else f"could not be processed ({reason})"
                raise PermanentError(
                    f"Instagram refused the post: the media {what}.", detail=f"container {container_id}: {answer}"
                )
            if read == polls or time.monotonic() >= deadline:
                break
            self.sleep(interval)
        raise TransientError(
            f"Instagram is still processing the media after {read} status checks; Alur will try again.",
            detail=f"container {container_id}, last status {state}",
        )

    def _permalink(self, media_id: str) -> str:
        """The post's address; the post is already out, so a failure here must not fail the publish."""
        try:
            answer = self._graph("GET", media_id, params={"fields": "permalink"})
        except ConnectorError:
            return ""
        return str(answer.get("permalink") or "")

    def find(self, payload: Payload) -> Published | None:
        caption = _normalise(payload.body())
        if not caption:
            raise PermanentError(
                "Alur cannot look up an Instagram post without a caption; check the account and retry only if the "
                "post is not there."
            )
        answer = self._graph(
            "GET", f"{self._ig_user_id()}/media", params={"fields": "id,caption,timestamp,permalink", "limit": "25"}
        )
        not_before = self._not_before(payload)
        for media in answer.get("data") or []:
            if not isinstance(media, dict) or _normalise(str(media.get("caption") or "")) != caption:
                continue
            created = _parse_time(media.get("timestamp"))
            if not_before is not None and created is not None and created < not_before:
                continue
            media_id = str(media.get("id") or "")
            if media_id:
                return Published(media_id, str(media.get("permalink") or ""), media)
        return None

    def delete(self, external_id: str) -> None:
        raise PermanentError("Instagram does not allow removing a post through its API; delete it in the Instagram app.")

    def test_connection(self) -> str:
        answer = self._graph("GET", self._ig_user_id(), params={"fields": "username"})
        username = str(answer.get("username") or "")
        return f"@{username}" if username else self._ig_user_id()
